"""`[[webhooks]]` in the team config, and which endpoint hears of which incident's events."""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from incidentbot.incident.events import EVENT_NAMES
from incidentbot.incident.models import Incident


class WebhookEndpoint(BaseModel):
    """One receiver of the incident events."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    url: str
    secret: str = Field(min_length=16)
    """Shared with the receiver, which checks each delivery's signature with it."""
    events: tuple[str, ...] | None = None
    """The event types it wants; all of them when omitted."""
    include_private: bool = False
    allow_http_loopback: bool = False
    """Plain HTTP to this machine (a local relay, a test receiver); never to anywhere else."""

    @field_validator("events")
    @classmethod
    def _known_events(cls, events: tuple[str, ...] | None) -> tuple[str, ...] | None:
        unknown = [name for name in events or () if name not in EVENT_NAMES]
        if unknown:
            raise ValueError(f"unknown event type {unknown[0]!r}; known types: {', '.join(EVENT_NAMES)}")
        return events

    @model_validator(mode="after")
    def _safe_url(self) -> WebhookEndpoint:
        parts = urlsplit(self.url)
        if not parts.hostname or parts.scheme not in ("https", "http"):
            raise ValueError(f"url {self.url!r} must be an https:// address")
        if parts.scheme == "http" and not (self.allow_http_loopback and _is_loopback(parts.hostname)):
            raise ValueError(
                f"url {self.url!r} must use https:// (plain http only to a loopback address, "
                "with allow_http_loopback = true)"
            )
        return self

    def wants(self, event_type: str) -> bool:
        return self.events is None or event_type in self.events


def receives(endpoint: WebhookEndpoint, event_type: str, incident: Incident | None) -> bool:
    """Whether `endpoint` hears of this event about `incident`: the one place that decides."""
    if not endpoint.wants(event_type):
        return False
    if incident is not None and incident.is_drill:
        return False  # a drill is practice: nothing outside its channel hears of it
    private = incident is not None and incident.is_private
    return endpoint.include_private or not private


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False

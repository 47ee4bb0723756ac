"""An update as Atlassian Statuspage posts it to webhook subscribers, so their receivers read ours.

Statuspage documents `meta` (`unsubscribe`, `documentation`), `page` (`id`, `status_indicator`,
`status_description`) and `incident` as its API shows an incident, with `incident_updates`; a
change of a component's state is posted on its own, as `component_update` (the change) and
`component` (the component as the page shows it).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from incidentbot.status_page import api
from incidentbot.status_page.model import component_key
from incidentbot.status_page.overview import Overview

DOCUMENTATION = "https://support.atlassian.com/statuspage/docs/enable-webhook-notifications/"


def incident_payload(page: Overview, incident_id: str, unsubscribe: str) -> dict[str, Any] | None:
    """The payload for the incident with public id `incident_id`, as the page shows it now."""
    incident = next((i for i in page.history if i.id == incident_id), None)
    if incident is None:
        return None
    return {**_head(page, unsubscribe), "incident": api.incident_json(page, incident)}


def component_payload(page: Overview, change: ComponentChange, unsubscribe: str) -> dict[str, Any] | None:
    """The payload for one component's change of state; None if the page no longer lists it."""
    component = next((c for c in api.components_list(page) if c["name"] == change.name), None)
    if component is None or component["group"]:
        return None
    return {
        **_head(page, unsubscribe),
        "component_update": {
            "created_at": api.timestamp(change.at),
            "new_status": change.new_status,
            "old_status": change.old_status,
            # The same for every post of this change, so a receiver can drop a repeat.
            "id": component_key(f"{change.update_public_id}:{change.name}"),
            "component_id": component["id"],
        },
        "component": component,
    }


@dataclass(frozen=True)
class ComponentChange:
    """A published update changed a component's state as the incident shows it."""

    update_public_id: str
    name: str
    old_status: str
    new_status: str
    at: datetime


def _head(page: Overview, unsubscribe: str) -> dict[str, Any]:
    return {
        "meta": {"unsubscribe": unsubscribe, "documentation": DOCUMENTATION},
        "page": {
            "id": api.page_id(page),
            "status_indicator": page.indicator.value,
            "status_description": page.description,
        },
    }

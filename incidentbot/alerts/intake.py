"""Alert intake over HTTP, apart from any web framework: a request in, an answer out.

An accepted request is journalled before it is answered (202), so an acknowledged alert survives
the process being killed a moment later; it is applied just after, or by the scheduler.
"""

from __future__ import annotations

import hmac
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ValidationError

from incidentbot.alerts.applying import AppliedTogether, Later
from incidentbot.alerts.autodeclare import AutoDeclare
from incidentbot.alerts.model import AlertBatch, Source
from incidentbot.alerts.payloads import AlertmanagerWebhook, EventsV2, GrafanaWebhook
from incidentbot.alerts.ports import AlertGroup
from incidentbot.alerts.rate import SenderPace
from incidentbot.alerts.receive import ReceiveAlerts
from incidentbot.alerts.rules import AlertsSection
from incidentbot.kernel import commands
from incidentbot.kernel.commands import CommandHandler
from incidentbot.kernel.context import Services
from incidentbot.kernel.errors import SlackUnavailable

PREFIX = "/alerts/"
ROUTES: Mapping[str, Source] = {
    "/alerts/alertmanager": Source.ALERTMANAGER,
    "/alerts/grafana": Source.GRAFANA,
    "/alerts/events/v2/enqueue": Source.EVENTS_V2,
}
MAX_BODY_BYTES = 1024 * 1024
"""Alertmanager's notification for a group of a few thousand alerts fits well within 1 MiB."""
SENDER_USER = "alerts"
"""Who a received alert is recorded as asked by: no person asked."""


@dataclass(frozen=True)
class Answer:
    status: int
    body: dict[str, Any]
    headers: tuple[tuple[str, str], ...] = field(default=())

    def encoded(self) -> bytes:
        return json.dumps(self.body).encode() + b"\n"


class AlertIntake:
    def __init__(
        self,
        services: Services,
        section: AlertsSection,
        token: str,
        handler: CommandHandler[ReceiveAlerts, AlertGroup | None],
        later: Later,
        label: Callable[[str], str],
        team_id: Callable[[], str] = str,
    ) -> None:
        self._services = services
        self._section = section
        self._token = token
        self.applying = AppliedTogether(services, handler, later)
        """Applies the accepted alerts after their answer, those waiting together."""
        self._label = label
        self._team_id = team_id
        """The workspace an automatically declared incident belongs to (its numbering, its lists)."""
        self._pace = SenderPace(services.clock, section.rate_per_minute)

    def refuse_early(self, path: str, method: str, headers: Mapping[str, str]) -> Answer | None:
        """What can be refused before the body is read (route, method, size, type, token)."""
        source = ROUTES.get(path)
        if source is None:
            return self._problem(404, "unknown_route")
        if method != "POST":
            return Answer(405, self._said("method_not_allowed"), (("Allow", "POST"),))
        if not self._token:
            return self._problem(503, "intake_off")
        if _length(headers) > MAX_BODY_BYTES:
            return self._problem(413, "too_large")
        media = headers.get("content-type", "").split(";")[0].strip().lower()
        if media != "application/json":
            return self._problem(415, "not_json_type")
        if source is not Source.EVENTS_V2 and not self._bearer_ok(headers):
            return self._problem(401, "wrong_token")
        return None

    def receive(self, path: str, method: str, headers: Mapping[str, str], body: bytes) -> Answer:
        refused = self.refuse_early(path, method, headers)
        if refused is not None:
            return refused
        if len(body) > MAX_BODY_BYTES:
            return self._problem(413, "too_large")
        source = ROUTES[path]
        try:
            document = json.loads(body)
        except (ValueError, UnicodeDecodeError) as error:
            return self._problem(400, "malformed_json", [str(error)])
        parsed = _parse(source, document)
        if source is Source.EVENTS_V2 and not (self._bearer_ok(headers) or self._routing_key_ok(document)):
            return self._problem(401, "wrong_token")
        if isinstance(parsed, list):
            return self._problem(400, "malformed_payload", parsed)
        return self._accept(source, parsed)

    def _accept(self, source: Source, payload: AlertmanagerWebhook | EventsV2) -> Answer:
        batch = payload.batch()
        wait = self._pace.admit(source.value, len(batch.alerts))
        if wait is not None:
            return Answer(429, self._said("too_many"), (("Retry-After", str(wait)),))
        accepted = _accepted(source, batch)
        if isinstance(payload, EventsV2) and payload.acknowledges:
            return Answer(202, accepted)
        kept, channel = self._section.route(batch)
        if not kept.alerts:
            return Answer(202, accepted)
        if channel is None:
            return self._problem(503, "no_channel")
        try:
            declare = self._declaring(kept)
        except SlackUnavailable:
            # Nothing is journalled yet: the sender's retry loses nothing, a team-less incident would.
            return self._problem(503, "team_unknown")
        command = ReceiveAlerts(user_id=SENDER_USER, batch=kept, triage_channel=channel, declare=declare)
        row = commands.submit(self._services, command)
        assert row is not None, "alerts name no Slack delivery, so they are never a repeat"
        self.applying.add(row)
        return Answer(202, accepted)

    def _declaring(self, batch: AlertBatch) -> AutoDeclare | None:
        rule = self._section.declaring(batch)
        if rule is None or rule.severity is None:
            return None
        return AutoDeclare(team_id=self._team_id(), severity=rule.severity, commander=rule.commander)

    def _bearer_ok(self, headers: Mapping[str, str]) -> bool:
        scheme, _, given = headers.get("authorization", "").partition(" ")
        return scheme.lower() == "bearer" and hmac.compare_digest(
            given.strip().encode(), self._token.encode()
        )

    def _routing_key_ok(self, document: object) -> bool:
        key = document.get("routing_key") if isinstance(document, dict) else None
        return isinstance(key, str) and hmac.compare_digest(key.encode(), self._token.encode())

    def _said(self, key: str) -> dict[str, Any]:
        return {"status": "refused", "message": self._label(f"alerts_intake.{key}")}

    def _problem(self, status: int, key: str, errors: list[str] | None = None) -> Answer:
        body = self._said(key)
        if errors:
            body["errors"] = errors
        return Answer(status, body)


def _length(headers: Mapping[str, str]) -> int:
    given = headers.get("content-length", "")
    return int(given) if given.isdigit() else 0


def _parse(source: Source, document: object) -> AlertmanagerWebhook | EventsV2 | list[str]:
    """The payload, or what is wrong with it: one line per field, named as the sender names it."""
    model = MODELS[source]
    try:
        parsed = model.model_validate(document)
    except ValidationError as error:
        return [_described(problem) for problem in error.errors(include_url=False, include_input=False)]
    assert isinstance(parsed, AlertmanagerWebhook | EventsV2)
    problem = parsed.problem() if isinstance(parsed, EventsV2) else None
    return [problem] if problem else parsed


MODELS: Mapping[Source, type[BaseModel]] = {
    Source.ALERTMANAGER: AlertmanagerWebhook,
    Source.GRAFANA: GrafanaWebhook,
    Source.EVENTS_V2: EventsV2,
}


def _described(problem: Any) -> str:
    where = ".".join(str(part) for part in problem["loc"]) or "body"
    return f"{where}: {problem['msg']}"


def _accepted(source: Source, batch: AlertBatch) -> dict[str, Any]:
    if source is Source.EVENTS_V2:
        # PagerDuty's own answer, so senders written for it read ours.
        return {"status": "success", "message": "Event processed", "dedup_key": batch.group_key}
    return {"status": "accepted", "alerts": len(batch.alerts)}

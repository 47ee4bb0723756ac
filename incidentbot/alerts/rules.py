"""The team's rules: label matchers that drop alerts, send their triage elsewhere, or declare."""

from __future__ import annotations

import re
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from incidentbot.alerts.model import AlertBatch
from incidentbot.incident.models import Severity

DEFAULT_RATE_PER_MINUTE = 120
COMMANDER_FORMAT = re.compile(r"[UWS][A-Z0-9]+")
"""A Slack user id (`W…` in Enterprise Grid), or a user group's id (`S…`)."""


class RuleAction(StrEnum):
    ROUTE = "route"
    """Triage in `channel` instead of the alert channel."""
    DROP = "drop"
    """Accept and forget: no triage message."""
    DECLARE = "declare"
    """Declare an incident for a new group, at `severity`, with `commander` when given."""


class AlertRule(BaseModel):
    """`[[alerts.rules]]`: every matcher must hold for the rule to apply; the first rule that does wins."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    match: dict[str, str] = {}
    """Labels that must equal these values."""
    match_re: dict[str, str] = {}
    """Labels that must match these regular expressions, whole (as Alertmanager's `=~`)."""
    action: RuleAction
    channel: str | None = None
    severity: Severity | None = None
    """Only with `declare` (required there): the incident's severity, 1 to 4."""
    commander: str | None = None
    """Only with `declare`, optional: the commander's Slack user id, or a user group's id (`S…`),
    whose first active, non-bot member commands."""

    @field_validator("commander")
    @classmethod
    def _names_someone(cls, commander: str | None) -> str | None:
        if commander is not None and not COMMANDER_FORMAT.fullmatch(commander):
            raise ValueError(
                "give the commander's Slack user id (U…, from their profile's ⋮ menu, Copy member ID) "
                "or a user group's id (S…, from the group's page, ⋮ menu, Copy group ID)"
            )
        return commander

    @model_validator(mode="after")
    def _declare_settings_only_to_declare(self) -> AlertRule:
        if self.action is RuleAction.DECLARE and self.severity is None:
            raise ValueError("action declare needs severity (1 to 4)")
        if self.action is not RuleAction.DECLARE and (
            self.severity is not None or self.commander is not None
        ):
            raise ValueError("severity and commander are only for action declare")
        return self

    @field_validator("match_re")
    @classmethod
    def _compiles(cls, patterns: dict[str, str]) -> dict[str, str]:
        for label, pattern in patterns.items():
            try:
                re.compile(pattern)
            except re.error as error:
                raise ValueError(f"{label}: not a regular expression: {error}") from None
        return patterns

    def matches(self, labels: dict[str, str]) -> bool:
        return all(labels.get(name) == value for name, value in self.match.items()) and all(
            re.fullmatch(pattern, labels.get(name, "")) for name, pattern in self.match_re.items()
        )


class AlertsSection(BaseModel):
    """`[alerts]` in the team config."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    channel: str | None = None
    """Where triage messages go (a channel id, `C…`)."""
    rate_per_minute: int = Field(default=DEFAULT_RATE_PER_MINUTE, ge=1)
    """Alerts a minute each sender may deliver before it is asked to wait (429)."""
    rules: tuple[AlertRule, ...] = ()

    def route(self, batch: AlertBatch) -> tuple[AlertBatch, str | None]:
        """The batch without the alerts rules drop, and the channel its triage goes to."""
        kept = []
        channel: str | None = None
        for alert in batch.alerts:
            rule = next((rule for rule in self.rules if rule.matches(alert.labels)), None)
            if rule is not None and rule.action is RuleAction.DROP:
                continue
            if channel is None and rule is not None and rule.action is RuleAction.ROUTE:
                channel = rule.channel
            kept.append(alert)
        return batch.model_copy(update={"alerts": tuple(kept)}), channel or self.channel

    def declaring(self, batch: AlertBatch) -> AlertRule | None:
        """The declare rule the batch's first firing alert meets, when its first matching rule is one."""
        for alert in batch.alerts:
            rule = next((rule for rule in self.rules if rule.matches(alert.labels)), None)
            if rule is not None and rule.action is RuleAction.DECLARE:
                return rule
        return None

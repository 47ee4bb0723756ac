"""The cadence policy: how often each severity owes an update, and how long before nagging escalates."""

from __future__ import annotations

from datetime import datetime, timedelta

from pydantic import BaseModel, ConfigDict, Field, field_validator

from incidentbot.incident.models import Role, Severity
from incidentbot.incident.permissions import Permissions


class SeverityPolicy(BaseModel):
    # A misspelt key in the config file is an error, not a silently kept default.
    model_config = ConfigDict(frozen=True, extra="forbid")

    meaning: str
    cadence_minutes: int | None = Field(default=None, ge=1)
    """None: update when the status changes, no fixed cadence."""


def _default_severities() -> dict[Severity, SeverityPolicy]:
    return {
        Severity.SEV1: SeverityPolicy(
            meaning="Critical: a core service is down or data is at risk for many users",
            cadence_minutes=30,
        ),
        Severity.SEV2: SeverityPolicy(
            meaning="Major: significant degradation, or a key feature is down",
            cadence_minutes=60,
        ),
        Severity.SEV3: SeverityPolicy(
            meaning="Minor: limited impact and a workaround exists",
        ),
        Severity.SEV4: SeverityPolicy(meaning="Low: cosmetic, or internal only"),
    }


def _default_role_names() -> dict[Role, str]:
    return {
        Role.COMMANDER: "Incident commander",
        Role.COMMS: "Communications lead",
        Role.SCRIBE: "Scribe",
    }


class Policy(BaseModel):
    """Everything about an incident's rhythm that a team may tune in the config file."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    severities: dict[Severity, SeverityPolicy] = Field(default_factory=_default_severities)
    first_update_minutes: int = Field(default=15, ge=1)
    escalation_grace_minutes: int = Field(default=5, ge=1)
    snooze_choices_minutes: tuple[int, ...] = (5, 15, 30)
    role_names: dict[Role, str] = Field(default_factory=_default_role_names)
    permissions: Permissions = Field(default_factory=Permissions)

    @field_validator("severities")
    @classmethod
    def _every_severity(cls, given: dict[Severity, SeverityPolicy]) -> dict[Severity, SeverityPolicy]:
        """A config file may tune one severity; the others keep their defaults."""
        return {**_default_severities(), **given}

    @field_validator("role_names")
    @classmethod
    def _every_role(cls, given: dict[Role, str]) -> dict[Role, str]:
        return {**_default_role_names(), **given}

    def meaning(self, severity: Severity) -> str:
        return self.severities[severity].meaning

    def cadence(self, severity: Severity) -> timedelta | None:
        minutes = self.severities[severity].cadence_minutes
        return timedelta(minutes=minutes) if minutes else None

    def requires_next_update(self, severity: Severity) -> bool:
        return self.cadence(severity) is not None

    def first_update_due(self, declared_at: datetime) -> datetime:
        return declared_at + timedelta(minutes=self.first_update_minutes)

    def suggested_next_update(self, severity: Severity, now: datetime) -> datetime | None:
        cadence = self.cadence(severity)
        return now + cadence if cadence else None

    def reopened_next_update(
        self, severity: Severity, now: datetime, *, ever_updated: bool
    ) -> datetime | None:
        """What a reopened incident promises: the first-update rule while no update was ever
        posted, then the severity's cadence (None where it has none)."""
        if not ever_updated:
            return self.first_update_due(now)
        return self.suggested_next_update(severity, now)

    @property
    def escalation_grace(self) -> timedelta:
        return timedelta(minutes=self.escalation_grace_minutes)

    def role_name(self, role: Role) -> str:
        return self.role_names[role]

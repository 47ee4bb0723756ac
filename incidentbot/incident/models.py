"""The nouns of an incident: severity, status, roles, and the records kept about them."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from enum import IntEnum, StrEnum

from pydantic import BaseModel, ConfigDict

_SEVERITY = re.compile(r"(?:sev[ -]?)?([1-4])")


class Severity(IntEnum):
    SEV1 = 1
    SEV2 = 2
    SEV3 = 3
    SEV4 = 4

    @property
    def label(self) -> str:
        return f"SEV-{self.value}"

    @classmethod
    def parse(cls, text: str) -> Severity | None:
        """Accepts `1`, `sev1`, `SEV-1`, `sev 1`; None for anything else."""
        match = _SEVERITY.fullmatch(text.strip().lower())
        return cls(int(match.group(1))) if match else None


class Status(StrEnum):
    INVESTIGATING = "investigating"
    IDENTIFIED = "identified"
    MONITORING = "monitoring"
    RESOLVED = "resolved"

    @property
    def is_open(self) -> bool:
        return self is not Status.RESOLVED

    @classmethod
    def parse(cls, text: str) -> Status | None:
        cleaned = text.strip().lower()
        for status in cls:
            if status.value == cleaned:
                return status
        return None


class Role(StrEnum):
    COMMANDER = "commander"
    COMMS = "comms"
    SCRIBE = "scribe"

    @classmethod
    def parse(cls, text: str) -> Role | None:
        return ROLE_ALIASES.get(text.strip().lower().lstrip("-"))


ROLE_ALIASES: dict[str, Role] = {
    "commander": Role.COMMANDER,
    "ic": Role.COMMANDER,
    "incident-commander": Role.COMMANDER,
    "lead": Role.COMMANDER,
    "comms": Role.COMMS,
    "communications": Role.COMMS,
    "comms-lead": Role.COMMS,
    "cl": Role.COMMS,
    "scribe": Role.SCRIBE,
    "notes": Role.SCRIBE,
}


class SetupState(StrEnum):
    """How far the Slack side of a declaration got; `failed` incidents can be retried."""

    PENDING = "pending"
    READY = "ready"
    FAILED = "failed"


class EventKind(StrEnum):
    DECLARED = "declared"
    SEVERITY_CHANGED = "severity_changed"
    STATUS_CHANGED = "status_changed"
    ROLE_ASSIGNED = "role_assigned"
    UPDATE_POSTED = "update_posted"
    COMMITMENT = "commitment"
    MISSED_COMMITMENT = "missed_commitment"
    NAG = "nag"
    ESCALATION = "escalation"
    SNOOZE = "snooze"
    RESOLVED = "resolved"
    NOTE = "note"
    # Kinds a scribe picks for captured messages.
    DETECTION = "detection"
    INVESTIGATION = "investigation"
    ACTION = "action"
    COMMUNICATION = "communication"
    MITIGATION = "mitigation"
    DECISION = "decision"
    OTHER = "other"
    # A commander or scribe edited or removed an entry; kept so the record shows who changed what.
    TIMELINE_CORRECTED = "timeline_corrected"


class _Record(BaseModel):
    model_config = ConfigDict(frozen=True)


class Incident(_Record):
    id: int
    team_id: str
    number: int
    title: str
    severity: Severity
    status: Status
    impact: str
    is_private: bool
    declared_by: str
    declared_at: datetime
    resolved_at: datetime | None = None
    channel_id: str | None = None
    channel_name: str | None = None
    summary_ts: str | None = None
    announcement_channel_id: str | None = None
    announcement_ts: str | None = None
    next_update_due: datetime | None = None
    setup_state: SetupState = SetupState.PENDING
    setup_error: str | None = None
    drill: bool = False
    """A tabletop drill (`drills/`): an incident in its own channel, but never announced, published,
    sent to stakeholders or webhooks, nor counted in the statistics."""
    time_scale: int = 1
    """How much faster than real time the incident runs: a drill's time scale (1 for a real one).
    Its next-update promises, nags and escalations come that many times sooner."""

    def in_its_time(self, span: timedelta) -> timedelta:
        """`span` of the incident's own time, in real time: a drill at scale 60 turns minutes into seconds."""
        return span / self.time_scale if self.time_scale > 1 else span

    @property
    def is_drill(self) -> bool:
        return self.drill

    @property
    def label(self) -> str:
        return f"#{self.number}"

    @property
    def is_open(self) -> bool:
        return self.status.is_open


class RoleAssignment(_Record):
    incident_id: int
    role: Role
    user_id: str
    assigned_by: str
    started_at: datetime
    ended_at: datetime | None = None


class TimelineEvent(_Record):
    id: int
    incident_id: int
    occurred_at: datetime
    kind: EventKind
    text: str
    actor_id: str | None = None
    """A Slack user id, or None when the bot itself acted."""
    actor_name: str | None = None
    message_ts: str | None = None
    permalink: str | None = None
    source: str = "auto"
    """How it was recorded: auto, reaction, shortcut or note (`domain.timeline.EventSource`)."""
    edited: bool = False
    deleted_at: datetime | None = None
    recorded_at: datetime | None = None


class Roster(_Record):
    """Who holds each role right now."""

    commander: str | None = None
    comms: str | None = None
    scribe: str | None = None

    def holder(self, role: Role) -> str | None:
        return {Role.COMMANDER: self.commander, Role.COMMS: self.comms, Role.SCRIBE: self.scribe}[role]

    def with_holder(self, role: Role, user_id: str | None) -> Roster:
        return self.model_copy(update={role.value: user_id})

    @property
    def update_owner(self) -> str | None:
        """Who owes the next update: the comms lead, else the commander."""
        return self.comms or self.commander

    def unfilled(self) -> list[Role]:
        return [role for role in Role if self.holder(role) is None]

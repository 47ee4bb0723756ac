"""The promise "next update by HH:MM": who made it, when it is due, and how it ended."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict


class CommitmentSource(StrEnum):
    DECLARE = "declare"
    """The policy's first-update deadline, committed when the incident was declared."""
    UPDATE = "update"
    SNOOZE = "snooze"
    REOPEN = "reopen"
    """The policy's promise again, committed when a resolved incident was reopened."""
    SEVERITY = "severity"
    """The new severity's promise, committed (or pulled in) when the severity was raised."""


class CommitmentState(StrEnum):
    OPEN = "open"
    MET = "met"
    MISSED = "missed"
    """Its time passed with no update; stays missed when the late update, a snooze or the end comes."""
    SUPERSEDED = "superseded"
    CANCELLED = "cancelled"


class Commitment(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: int
    incident_id: int
    due_at: datetime
    made_by: str | None
    """A Slack user id; None for the policy default committed at declaration."""
    made_at: datetime
    source: CommitmentSource
    state: CommitmentState = CommitmentState.OPEN
    settled_at: datetime | None = None

    @property
    def is_live(self) -> bool:
        """Still the incident's current promise: nothing has replaced or ended it yet."""
        return self.settled_at is None

    def outcome(self, requested: CommitmentState, at: datetime) -> CommitmentState:
        """How it ends when settled at `at`: a promise broken before it was settled stays broken."""
        if self.state is CommitmentState.MISSED or at > self.due_at:
            return CommitmentState.MISSED
        return requested

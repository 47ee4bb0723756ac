"""What the drill needs from the store, beside the incident's own records."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol, runtime_checkable

from incidentbot.drills.scenario import Requirement, Scenario


@dataclass(frozen=True)
class DrillRun:
    incident_id: int
    team_id: str
    scenario: Scenario
    scale: int
    facilitator: str
    participants: tuple[str, ...]
    started_at: datetime
    ends_at: datetime | None = None
    """When the drill closes by itself: the briefing sets it, a pause moves it."""
    paused_at: datetime | None = None
    ended_at: datetime | None = None
    ended_by: str | None = None

    @property
    def is_running(self) -> bool:
        return self.ended_at is None and self.paused_at is None


@dataclass(frozen=True)
class DrillInject:
    id: int
    incident_id: int
    number: int
    due_at: datetime
    text: str
    sender: str | None
    requires: tuple[Requirement, ...]
    delivered_at: datetime | None = None
    skipped: bool = False
    message_ts: str | None = None

    @property
    def waiting(self) -> bool:
        return self.delivered_at is None and not self.skipped


@dataclass(frozen=True)
class Reply:
    """A person's message in the drill channel that answers an inject needing a reply."""

    inject_id: int
    user_id: str
    ts: str
    thread_ts: str | None
    posted_at: datetime


@dataclass(frozen=True)
class NewInject:
    number: int
    due_at: datetime
    text: str
    sender: str | None = None
    requires: tuple[Requirement, ...] = ()


@dataclass(frozen=True)
class Upload:
    """A file Slack has given an id and an upload URL (step one of its upload)."""

    file_id: str
    upload_url: str


@runtime_checkable
class ScorecardFiles(Protocol):
    """Slack's three-step file upload (`slack/gateway_files.py`)."""

    def start_upload(self, filename: str, length: int) -> tuple[str, str]: ...
    def send_upload(self, upload_url: str, content: bytes) -> bool: ...
    def complete_upload(self, file_id: str, title: str, channel_id: str, comment: str) -> None: ...
    def file_shared(self, channel_id: str, file_id: str) -> bool: ...


class DrillRecords(Protocol):
    """The drill's rows, on the connection of the transaction that records the incident."""

    def add_run(self, run: DrillRun) -> None: ...
    def run(self, incident_id: int, *, for_update: bool = False) -> DrillRun | None: ...
    def runs_of(self, team_id: str, scenario_name: str) -> list[DrillRun]:
        """Every run of this scenario by this team, oldest first."""
        ...

    def save_run(self, run: DrillRun) -> None:
        """Write back started_at, ends_at, paused_at, ended_at and ended_by."""
        ...

    def add_inject(self, incident_id: int, new: NewInject) -> DrillInject: ...
    def inject(self, inject_id: int) -> DrillInject | None: ...
    def injects(self, incident_id: int) -> list[DrillInject]: ...
    def mark_delivered(self, inject_id: int, at: datetime, message_ts: str | None = None) -> bool:
        """False when it was delivered or skipped already."""
        ...

    def add_reply(self, incident_id: int, reply: Reply) -> bool:
        """False when this message was recorded already."""
        ...

    def replies(self, incident_id: int) -> list[Reply]: ...

    def mark_skipped(self, inject_ids: Sequence[int]) -> None: ...
    def park_waiting(self, incident_id: int) -> None:
        """Hold the reminders of the injects not yet delivered until the drill resumes."""
        ...

    def move_end(self, incident_id: int, due: datetime) -> None:
        """Move the drill's closing reminder (PARKED while paused)."""
        ...

    def shift_waiting(self, incident_id: int, by: timedelta) -> None:
        """Move every inject not yet delivered `by` later, and its reminder with it (a resume)."""
        ...

    def scorecard_upload(self, incident_id: int) -> Upload | None:
        """The scorecard file's upload, once step one has been done."""
        ...

    def remember_upload(self, incident_id: int, upload: Upload | None) -> None: ...

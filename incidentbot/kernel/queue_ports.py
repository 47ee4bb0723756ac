"""The leased queue's repository: every row of the reminders table, whatever it carries.

One table holds what the bot must say at a time (reminders), the messages a commit owes (the
outbox) and the requests journalled before Slack's ack (`kernel/journal.py`). Every row is
leased to one worker at a time, renewed while it works, finished or released for a retry, and
deleted by housekeeping once it is long finished. Part of the `Transaction` port.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Protocol

from incidentbot.kernel.reminder_rows import NewReminder, Reminder, ReminderState


class QueueRepository(Protocol):
    # reminders: rows due at a time
    def add_reminder(self, new: NewReminder) -> Reminder | None:
        """None when the same (kind, commitment, subject, due time) already exists."""
        ...

    def reminders(self, incident_id: int) -> list[Reminder]: ...

    # outbox rows: messages a commit owes
    def add_outbox_row(
        self,
        kind: str,
        incident_id: int | None,
        subject_id: int,
        due_at: datetime,
        hold_until: datetime,
        leased_to: str | None = None,
        payload: str | None = None,
    ) -> Reminder:
        """A pending outbox row that no scheduler takes before `hold_until`; `payload` is what its
        handler needs that the database does not keep elsewhere (a message's channel and ts).

        With `leased_to`, the row is written leased to that worker until `hold_until`: the thread
        that writes it sends it just after the commit without claiming it first, and a scheduler
        takes it only once that lease has run out (the writer died).

        The reminders table keeps one row per kind, subject and instant; a second row for the
        same subject in the same microsecond is stamped just after the latest one.
        """
        ...

    def outbox_rows(self, kind: str, subject_id: int) -> list[Reminder]:
        """Every outbox row of this kind about this subject, in any state, oldest first."""
        ...

    def unstarted_outbox_row(self, kind: str, subject_id: int) -> Reminder | None:
        """A pending row of this kind about this subject that no worker holds, locked until commit.

        A worker that claims it afterwards reads the database after this transaction commits.
        """
        ...

    # journalled requests
    def add_request_row(
        self,
        kind: str,
        payload: str,
        received_at: datetime,
        hold_until: datetime,
        leased_to: str | None = None,
    ) -> Reminder:
        """A journalled request (`kernel/journal.py`), due at its receipt, held until `hold_until`
        (leased to `leased_to` until then, when given)."""
        ...

    # the lease: claim, renew, finish, release, cancel
    def claim_reminders(
        self, worker: str, now: datetime, until: datetime, limit: int, kinds: Collection[str] | None = None
    ) -> list[Reminder]:
        """Lease up to `limit` due, unleased, pending reminders to `worker`, oldest first; with
        `kinds`, only rows of those kinds. A row taken over from a worker whose lease ran out
        counts as an attempt (`attempts` + 1): that worker may have sent its message already."""
        ...

    def claim_reminder_ids(
        self, ids: Sequence[int], worker: str, now: datetime, until: datetime
    ) -> list[Reminder]:
        """Lease these pending rows to `worker`, whatever their due or retry time, unless leased."""
        ...

    def renew_claim(self, reminder_id: int, worker: str, until: datetime) -> bool:
        """Extend the lease; False when the reminder is no longer pending and held by `worker`."""
        ...

    def finish_reminder(self, reminder_id: int, worker: str, state: ReminderState, at: datetime) -> bool:
        """pending → done/cancelled, only while `worker` holds it."""
        ...

    def release_reminder(self, reminder_id: int, worker: str, retry_at: datetime, error: str) -> None:
        """Give a failed delivery back, to be taken again from `retry_at`."""
        ...

    def cancel_reminders(self, commitment_id: int, at: datetime) -> int:
        """Cancel every pending reminder about this commitment; how many were cancelled."""
        ...

    # housekeeping
    def delete_finished_reminders(
        self, finished_before: datetime, resolved_before: datetime, limit: int
    ) -> int:
        """Delete at most `limit` done or cancelled reminder and outbox rows; returns how many.

        A row goes only when every time it records (due, fired, lease or retry) is before
        `finished_before`, and its incident, if it has one, was resolved before `resolved_before`
        after its setup had finished. A pending row is never touched.
        """
        ...

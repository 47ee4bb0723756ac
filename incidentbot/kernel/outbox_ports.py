"""What the outbox needs from the store and from Slack (part of the Transaction and Workspace ports)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from incidentbot.incident.models import Role, RoleAssignment
from incidentbot.incident.view import IncidentView
from incidentbot.kernel.errors import IncidentError
from incidentbot.kernel.reminder_rows import Reminder


class OutboxTransaction(Protocol):
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

    def outbox_rows(self, kind: str, subject_id: int) -> list[Reminder]:
        """Every outbox row of this kind about this subject, in any state, oldest first."""
        ...

    def unstarted_outbox_row(self, kind: str, subject_id: int) -> Reminder | None:
        """A pending row of this kind about this subject that no worker holds, locked until commit.

        A worker that claims it afterwards reads the database after this transaction commits.
        """
        ...

    def claim_reminder_ids(
        self, ids: Sequence[int], worker: str, now: datetime, until: datetime
    ) -> list[Reminder]:
        """Lease these pending rows to `worker`, whatever their due or retry time, unless leased."""
        ...

    def role_assignment_id(self, incident_id: int, role: Role) -> int | None:
        """The row of whoever holds `role` now."""
        ...

    def role_assignment(self, assignment_id: int) -> RoleAssignment | None: ...


class OutboxWorkspace(Protocol):
    def report_setup_delayed(self, view: IncidentView, user_id: str, reason: str) -> None:
        """DM the declarer that Slack held up the channel's setup, and how it stands now."""
        ...

    def explain_refusal(self, channel_id: str | None, user_id: str, error: IncidentError) -> None:
        """Tell a person why a request of theirs was closed unapplied (`kernel.errors.error_template`)."""
        ...

    def post_rendered(self, view: IncidentView, template: str, **context: object) -> str:
        """Post `template` in the incident's channel, rendered with the incident and `context`.

        The primitive a feature's delivery handler posts through: the feature names the template
        and gives what it needs, so a new message needs no method of its own on this port.
        """
        ...

    def post_rendered_once(
        self, view: IncidentView, template: str, key: str, *, look_first: bool, **context: object
    ) -> str:
        """`post_rendered`, the message tagged with `key` (in Slack's message metadata, which
        people do not see). With `look_first`, the channel's recent messages are read first, and
        when one of them carries `key` nothing is posted (its ts is returned): a delivery tried
        before — its worker stopped, or Slack's answer never came — may have been posted then.
        """
        ...

    def dm_rendered(self, view: IncidentView, user_id: str, template: str, **context: object) -> str:
        """DM `template` to `user_id`, rendered with the incident and `context`."""
        ...

"""A unit of work: one transaction that records a command's effects and the messages they owe.

Applying a command never opens a transaction, calls Slack to send, or touches the journal: it
reads and writes through `tx`, and *emits* each message it owes. `emit` writes the outbox row
in the same transaction, so the message is exactly as durable as the change; the kernel sends
the emitted rows once the transaction has committed (`kernel/commands.py`).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from incidentbot.incident.policy import Policy
from incidentbot.kernel import outbox
from incidentbot.kernel.ports import Person, Transaction
from incidentbot.kernel.reminder_rows import Reminder


class PeopleReader:
    """Reading who someone is (name, time zone) while applying; never sends anything."""

    def person(self, user_id: str) -> Person | None:
        raise NotImplementedError

    def members(self, channel_id: str) -> Collection[str]:
        """Who is in the channel (a private incident is changed by its members only);
        SlackUnavailable when Slack cannot say (never guessed)."""
        raise NotImplementedError


Subscriber = Callable[["UnitOfWork", object], None]
"""Another feature's part in what a command did, run in the same transaction (`announce`)."""


@dataclass
class UnitOfWork:
    tx: Transaction
    now: datetime
    """When the command is applied; its own `received_at` says when it was asked."""
    policy: Policy
    people: PeopleReader
    emitted: list[Reminder] = field(default_factory=list)
    subscribers: Mapping[type, Sequence[Subscriber]] = field(default_factory=dict)
    worker: str | None = None
    """Who sends the emitted rows after the commit: a new row is written leased to it, so sending
    costs no transaction to claim it (`outbox.enqueue`)."""

    def announce(self, event: object) -> None:
        """Tell the features that registered for this kind of event (`Registry.on`), in this unit of work.

        A feature reacts to another's change without either importing the other: the status page
        publishes a customer text in the transaction that keeps it.
        """
        for subscriber in self.subscribers.get(type(event), ()):
            subscriber(self, event)

    def emit(self, kind: str, incident_id: int, subject_id: int, payload: str | None = None) -> Reminder:
        """Owe a message about `subject_id`; it is sent after the commit.

        `kind` is an `OutboxKind` or a kind a feature declares itself, with its handler; `payload`
        keeps what the handler needs that the database does not (the message to edit).
        """
        row = outbox.enqueue(self.tx, kind, incident_id, subject_id, self.now, self.worker, payload)
        self.emitted.append(row)
        return row

    def emit_once(self, kind: str, incident_id: int, subject_id: int) -> Reminder | None:
        """As `emit`, unless a message of this kind about this subject was ever owed."""
        row = outbox.enqueue_once(self.tx, kind, incident_id, subject_id, self.now, self.worker)
        if row is not None:
            self.emitted.append(row)
        return row

    def emit_queued(self, row: Reminder) -> Reminder:
        """Owe now a message already queued (waiting for its retry time), rather than queue it again."""
        self.emitted.append(row)
        return row

    def emit_sync(self, incident_id: int) -> Reminder:
        """Owe an edit of the pinned summary, topic and announcement (one serves many changes)."""
        row = outbox.enqueue_sync(self.tx, incident_id, self.now)
        self.emitted.append(row)
        return row

    def emit_latest(self, kind: str, subject_id: int, incident_id: int | None = None) -> Reminder:
        """Owe a message that shows `subject_id` as it is when sent: a row not yet started serves."""
        row = self.tx.unstarted_outbox_row(kind, subject_id) or outbox.enqueue(
            self.tx, kind, incident_id, subject_id, self.now
        )
        self.emitted.append(row)
        return row

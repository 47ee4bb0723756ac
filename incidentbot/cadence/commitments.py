"""Next-update commitments: open one with its nag, settle it when an update, a snooze or the end comes.

An incident has at most one live commitment (`settled_at` unset); `incidents.next_update_due`
mirrors its due time. Callers lock the incident row first, so two changes to the same incident
never interleave.
"""

from __future__ import annotations

from datetime import datetime

from incidentbot.cadence.commitment_rules import Commitment, CommitmentSource, CommitmentState
from incidentbot.cadence.ports import NewCommitment, NewReminder
from incidentbot.incident.models import EventKind, Incident
from incidentbot.incident.times import utc_label
from incidentbot.kernel.ports import NewEvent, Transaction
from incidentbot.kernel.reminder_rows import ReminderKind


def hhmm(when: datetime, now: datetime) -> str:
    """A promised time in the words of the timeline: UTC, dated when not on `now`'s date."""
    return utc_label(when, now)


def in_time_of(scale: int, due_at: datetime, at: datetime) -> datetime:
    """A promise for `due_at` made at `at`, on the clock of an incident running `scale` times faster
    than real time (a drill's time scale): "in 30 minutes" at scale 60 is due in 30 seconds."""
    if scale <= 1 or due_at <= at:
        return due_at
    return at + (due_at - at) / scale


def promised(incident: Incident, due_at: datetime, at: datetime) -> datetime:
    """`in_time_of` the incident's own time scale."""
    return in_time_of(incident.time_scale, due_at, at)


def open_commitment(
    tx: Transaction,
    incident_id: int,
    due_at: datetime,
    *,
    made_by: str | None,
    at: datetime,
    source: CommitmentSource,
) -> Commitment:
    """Record the promise and the one nag that fires if it passes unkept."""
    commitment = tx.add_commitment(
        NewCommitment(incident_id=incident_id, due_at=due_at, made_by=made_by, made_at=at, source=source)
    )
    tx.add_reminder(nag_reminder(commitment))
    return commitment


def nag_reminder(commitment: Commitment) -> NewReminder:
    # subject_id repeats the commitment: SQL unique constraints treat NULLs as distinct.
    return NewReminder(
        kind=ReminderKind.NAG,
        due_at=commitment.due_at,
        incident_id=commitment.incident_id,
        commitment_id=commitment.id,
        subject_id=commitment.id,
    )


def mark_missed(tx: Transaction, commitment: Commitment) -> bool:
    """open → missed, with its timeline entry at the moment it was missed; once only."""
    if not tx.mark_commitment_missed(commitment.id):
        return False
    tx.add_event(
        NewEvent(
            incident_id=commitment.incident_id,
            kind=EventKind.MISSED_COMMITMENT,
            text=f"Missed the update promised for {hhmm(commitment.due_at, commitment.due_at)}",
            occurred_at=commitment.due_at,
        )
    )
    return True


def settle_live(
    tx: Transaction, incident_id: int, requested: CommitmentState, at: datetime
) -> Commitment | None:
    """End the live commitment as `requested` (missed if its time had passed); stop its reminders."""
    live = tx.live_commitment(incident_id, for_update=True)
    if live is None:
        return None
    outcome = live.outcome(requested, at)
    if outcome is CommitmentState.MISSED and live.state is CommitmentState.OPEN:
        mark_missed(tx, live)
    tx.settle_commitment(live.id, outcome, at)
    tx.cancel_reminders(live.id, at)
    return live.model_copy(update={"state": outcome, "settled_at": at})


def cancel_open(tx: Transaction, incident_id: int, at: datetime) -> Commitment | None:
    """On resolution: no update is owed any more, so the live commitment and its reminders end."""
    return settle_live(tx, incident_id, CommitmentState.CANCELLED, at)

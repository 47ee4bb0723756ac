"""The triage message: posted once per alert group, edited as the group changes.

An outbox handler (`kernel/outbox.py`): it renders the group as it is when it runs, so one
delivery shows every alert received before it started, however many there were. Deliveries of
one group go one at a time, oldest first, so the message is posted once and the last edit to
land shows the latest state.
"""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import Any

from incidentbot.alerts.autodeclare import RULE_DECLARER
from incidentbot.alerts.model import AlertState
from incidentbot.alerts.ports import AlertGroup
from incidentbot.alerts.slack_ids import AlertAction
from incidentbot.alerts.sql_alerts import SqlAlerts
from incidentbot.incident.models import Incident
from incidentbot.kernel.context import Services
from incidentbot.kernel.errors import SlackUnavailable
from incidentbot.kernel.ports import Transaction
from incidentbot.kernel.reminder_rows import Reminder, ReminderState
from incidentbot.kernel.reminders import ReminderObsolete, ReminderWaiting
from incidentbot.rendering import Renderer
from incidentbot.slack.blocks.common import actions, button, context, sections
from incidentbot.slack.gateway import SlackWorkspace

LABELS_SHOWN = 8
"""Labels past these are on the alert's own page (the generator link)."""
NOISE_LABELS = frozenset({"alertname", "__name__"})
TITLE_SHOWN = 150
SUMMARY_SHOWN = 1500
LABEL_SHOWN = 100
"""Senders' text is shortened for the message (kept whole in the database): a message has at most
50 blocks of 3,000 characters, and a triage message Slack refuses would never be seen."""
TURN = timedelta(seconds=1)
"""How soon a delivery waiting behind another of the same message looks again: Slack's pace in a
channel. It waits for its turn, it has not failed, so it does not back off further each time."""

_APPLYING = threading.local()


def mark_applying_thread() -> None:
    """For the alerts' applying threads (an initializer): there, a triage message whose channel
    has no free slot right now goes back to the queue as waiting, and the scheduler sends it when
    its turn comes, instead of holding the thread asleep. Asleep a second per post, those two
    threads left the alerts queued behind them to the scheduler, once their hold ran out."""
    _APPLYING.hurried = True


def deliver_triage(services: Services, row: Reminder) -> None:
    now = services.clock.now()
    with services.store.transaction() as tx:
        if _earlier_under_way(tx, row, now):
            raise ReminderWaiting("an earlier delivery of this triage message is under way", TURN)
        if _covered(tx, row):
            raise ReminderObsolete("an earlier delivery not started yet will show this change too")
    slack = workspace_of(services)
    group, incident = _current(services, row)
    if getattr(_APPLYING, "hurried", False) and not slack.pacer.is_free(group.channel_id):
        raise ReminderWaiting("the channel's pace", TURN)
    if group.message_ts is not None:
        # Edits share the channel's pace with posts. One that would wait long goes back to the
        # queue as waiting, where later changes join it, rather than holding a thread asleep.
        if not slack.pacer.wait_if_soon(group.channel_id, TURN.total_seconds()):
            raise ReminderWaiting("the channel's pace", TURN)
        group, incident = _current(services, row)  # what changed while it waited goes out too
    text, blocks = triage_message(slack.renderer, group, incident, services.clock.now())
    if group.message_ts is None:
        ts = slack.post(group.channel_id, text, blocks)
        with services.store.transaction() as tx:
            SqlAlerts(tx).set_message(group.id, ts)
        _keep_link(services, group.id, group.channel_id, ts)
        return
    slack.edit(group.channel_id, group.message_ts, text, blocks)


def _current(services: Services, row: Reminder) -> tuple[AlertGroup, Incident | None]:
    with services.store.transaction() as tx:
        group = SqlAlerts(tx).group(row.subject_id or 0)
        incident = tx.get_incident(group.incident_id) if group and group.incident_id else None
    if group is None:
        raise ReminderObsolete(f"alert group {row.subject_id} is gone")
    return group, incident


def _covered(tx: Transaction, row: Reminder) -> bool:
    """Whether an earlier delivery of the message, not started yet, will render this change too.

    Only the earliest of those waiting is sent, so a burst of changes coming in while one
    delivery is under way costs one more send, however they raced one another.
    """
    return any(
        other.id < row.id and other.state is ReminderState.PENDING and other.claimed_by is None
        for other in tx.outbox_rows(row.kind, row.subject_id or 0)
    )


def _keep_link(services: Services, group_id: int, channel_id: str, ts: str) -> None:
    """The message's permalink for the incident's summary; without one it links the alert's source."""
    try:
        link = workspace_of(services).permalink(channel_id, ts)
    except SlackUnavailable:
        return  # the message is posted and recorded: a missing link must not post it again
    with services.store.transaction() as tx:
        SqlAlerts(tx).set_message(group_id, ts, link)


def workspace_of(services: Services) -> SlackWorkspace:
    workspace = services.workspace
    assert isinstance(workspace, SlackWorkspace), "triage messages are sent through the Slack gateway"
    return workspace


def _earlier_under_way(tx: Transaction, row: Reminder, now: Any) -> bool:
    return any(
        other.id < row.id
        and other.state is ReminderState.PENDING
        and other.claimed_by is not None
        and other.claimed_until is not None
        and other.claimed_until > now
        for other in tx.outbox_rows(row.kind, row.subject_id or 0)
    )


def triage_message(
    renderer: Renderer, group: AlertGroup, incident: Incident | None, now: Any
) -> tuple[str, list[dict[str, Any]]]:
    shown = {
        _short(name, LABEL_SHOWN): _short(value, LABEL_SHOWN)
        for name, value in group.labels.items()
        if name not in NOISE_LABELS
    }
    group = group.model_copy(
        update={"title": _short(group.title, TITLE_SHOWN), "summary": _short(group.summary, SUMMARY_SHOWN)}
    )
    text = renderer.render(
        "alerts/triage.j2",
        group=group,
        firing=group.state is AlertState.FIRING,
        labels=list(shown.items())[:LABELS_SHOWN],
        incident=incident,
        automatic=incident is not None and incident.declared_by == RULE_DECLARER,
        now=now,
    )
    blocks = sections(text)
    if not group.triaged:
        blocks.append(_buttons(renderer, group))
    blocks.append(context(renderer.render("alerts/triage_context.j2", group=group, now=now)))
    fallback = renderer.render("alerts/triage_fallback.j2", group=group)
    return fallback, blocks


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _buttons(renderer: Renderer, group: AlertGroup) -> dict[str, Any]:
    value = str(group.id)
    return actions(
        button(renderer.label("alerts.declare"), AlertAction.DECLARE, value, style="primary"),
        button(renderer.label("alerts.attach"), AlertAction.ATTACH, value),
        button(renderer.label("alerts.dismiss"), AlertAction.DISMISS, value, style="danger"),
    )

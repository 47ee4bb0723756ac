"""The commander of an incident an alert rule declared, found in Slack after the declaration.

Three outbox handlers (`kernel/outbox.py`), each written in the transaction that owes it:

* `alert_commander`: asks Slack who the rule's person or user group is, then, in one transaction
  that also marks the message done, gives the role (as `/incident role` would: notice, checklist,
  summary) or owes the two `alert_no_commander` notices. A role someone took meanwhile stands.
* `alert_no_commander`: the notice, in the alert channel, or in the incident's once it exists.
* `alert_channel_link`: once the incident's channel exists, an edit of the triage message that
  links it (the message is usually posted while the channel is still being made).
"""

from __future__ import annotations

from datetime import timedelta

from slack_sdk.errors import SlackApiError, SlackClientError

from incidentbot.alerts.autodeclare import RULE_DECLARER
from incidentbot.alerts.commander import (
    CommanderAsked,
    NoCommander,
    NoCommanderNotice,
    person_reason,
)
from incidentbot.alerts.slack_triage import workspace_of
from incidentbot.alerts.sql_alerts import SqlAlerts
from incidentbot.incident.models import Incident, Role, SetupState
from incidentbot.kernel import commands, outbox, reminders
from incidentbot.kernel.context import Services
from incidentbot.kernel.errors import SlackUnavailable
from incidentbot.kernel.outbox_kinds import OutboxKind
from incidentbot.kernel.reminder_rows import Reminder
from incidentbot.kernel.reminders import ReminderNotYet, ReminderObsolete, ReminderWaiting
from incidentbot.roles import service as roles
from incidentbot.slack.gateway import SlackWorkspace

UNREADABLE = frozenset({"missing_scope", "plan_upgrade_required", "not_allowed_token_type"})
"""Refusals to list a group that no retry mends: the notice says what to change."""
CHANNEL_LOOK = timedelta(seconds=2)
"""How often a link waits for a channel being made; a setup that failed is looked at with a backoff."""


def deliver_commander(services: Services, row: Reminder) -> object:
    asked = CommanderAsked.model_validate_json(row.payload or "{}")
    incident = _open_incident(services, row.incident_id)
    if incident is None:
        raise ReminderObsolete("the incident is gone or closed")
    chosen, reason, detail = _choose(workspace_of(services), asked)
    now = services.clock.now()
    with services.store.transaction() as tx:
        if not reminders.complete(tx, row, now):
            return reminders.COMPLETED  # another worker had it
        uow = commands.unit_of_work(services, tx, now)
        current = tx.get_incident(incident.id, for_update=True)
        if current is not None and current.is_open and tx.roster(incident.id).commander is None:
            if chosen is not None:
                roles.assign_in(uow, incident.id, Role.COMMANDER, chosen, RULE_DECLARER)
            else:
                for in_incident_channel in (False, True):
                    notice = NoCommanderNotice(
                        in_incident_channel=in_incident_channel,
                        reason=reason,
                        commander=asked.commander,
                        detail=detail,
                    )
                    uow.emit(
                        OutboxKind.ALERT_NO_COMMANDER, incident.id, incident.id, notice.model_dump_json()
                    )
    outbox.send_now(services, uow.emitted)
    return reminders.COMPLETED


def _choose(slack: SlackWorkspace, asked: CommanderAsked) -> tuple[str | None, NoCommander, str]:
    """The commander, or None with why; SlackUnavailable when Slack cannot say right now."""
    if asked.commander is None:
        return None, NoCommander.NONE, ""
    if asked.group is None:
        person = slack.person(asked.commander)
        why = person_reason(
            person is not None, bool(person and person.deleted), bool(person and person.is_bot)
        )
        return (asked.commander if why is None else None), why or NoCommander.NONE, ""
    try:
        members = _members(slack, asked.group)
    except LookupError as refused:
        code = str(refused.args[0])
        if code == "no_such_subgroup":
            return None, NoCommander.GROUP_UNKNOWN, code
        return None, NoCommander.GROUP_UNREADABLE, code
    for member in members:
        person = slack.person(member)
        if person is not None and person_reason(True, person.deleted, person.is_bot) is None:
            return member, NoCommander.NONE, ""
    return None, NoCommander.GROUP_EMPTY, ""


def _members(slack: SlackWorkspace, group_id: str) -> list[str]:
    """The group's members in Slack's order; LookupError(code) when Slack says no for good."""
    slack.before_call()
    try:
        answer = slack.client.usergroups_users_list(usergroup=group_id)
    except SlackApiError as error:
        code = str(error.response.get("error", "unknown_error"))
        if code == "no_such_subgroup" or code in UNREADABLE:
            raise LookupError(code) from error
        raise SlackUnavailable(f"usergroups.users.list: {code}") from error
    except (SlackClientError, OSError) as error:
        raise SlackUnavailable(f"usergroups.users.list: {type(error).__name__}") from error
    return [str(user) for user in answer.get("users") or []]


def deliver_no_commander(services: Services, row: Reminder) -> None:
    notice = NoCommanderNotice.model_validate_json(row.payload or "{}")
    with services.store.transaction() as tx:
        incident = tx.get_incident(row.incident_id or 0)
        if incident is None or not incident.is_open or tx.roster(incident.id).commander is not None:
            raise ReminderObsolete("someone commands the incident now, or it is closed")
        groups = SqlAlerts(tx).groups_of_incident(incident.id)
    if notice.in_incident_channel:
        channel = incident.channel_id
        if channel is None:
            _wait_for_channel(incident)
    else:
        channel = groups[0].channel_id if groups else None
    if channel is None:
        raise ReminderObsolete("no channel to say it in")
    slack = workspace_of(services)
    text = slack.renderer.render(
        "alerts/no_commander.j2",
        incident=incident,
        reason=notice.reason.value,
        commander=notice.commander,
        detail=notice.detail,
    )
    slack.post(channel, text)


def deliver_channel_link(services: Services, row: Reminder) -> object:
    """Owe the triage message an edit once the incident has a channel, in the transaction that
    marks this done, so the edit is owed exactly once."""
    with services.store.transaction() as tx:
        incident = tx.get_incident(row.incident_id or 0)
    if incident is None:
        raise ReminderObsolete("the incident is gone")
    if incident.channel_id is None:
        _wait_for_channel(incident)
    now = services.clock.now()
    with services.store.transaction() as tx:
        if not reminders.complete(tx, row, now):
            return reminders.COMPLETED
        uow = commands.unit_of_work(services, tx, now)
        uow.emit_latest(OutboxKind.ALERT_TRIAGE, row.subject_id or 0)
    outbox.send_now(services, uow.emitted)
    return reminders.COMPLETED


def _wait_for_channel(incident: Incident) -> None:
    if not incident.is_open:
        raise ReminderObsolete("closed before it had a channel")
    if incident.setup_state is SetupState.FAILED:
        raise ReminderNotYet("the incident's setup is retried")
    raise ReminderWaiting("the incident's channel is being made", CHANNEL_LOOK)


def _open_incident(services: Services, incident_id: int | None) -> Incident | None:
    with services.store.transaction() as tx:
        incident = tx.get_incident(incident_id or 0)
        if incident is None or not incident.is_open or tx.roster(incident.id).commander is not None:
            return None
        return incident

"""The outbox: messages the bot owes Slack, kept as rows of the reminders table until delivered.

Each row is written in the transaction that records the fact it reports, so nothing that was
acknowledged can miss its message. The row names what to say (`kind`) and what about
(`incident_id`, `subject_id`); the text is rendered from the database when it is sent.
"""

from __future__ import annotations

from datetime import timedelta
from enum import StrEnum

CALLER_FIRST = timedelta(seconds=10)
"""How long a fresh row is left to the thread that wrote it before the scheduler may take it."""


class OutboxKind(StrEnum):
    """Kinds of outbox row; each has one handler, registered by its feature."""

    SET_UP = "set_up"
    """Create the incident's channel, invite, post the alert and pinned summary, announce."""
    SETUP_DELAYED = "setup_delayed"
    """Tell the declarer, once, that Slack held the setup up and the bot keeps trying."""
    PUBLISH_UPDATE = "publish_update"
    """Post a structured update (`subject_id` is the update)."""
    CHANGE_NOTICE = "change_notice"
    """The one-line notice of a severity or status change (`subject_id` is its timeline entry)."""
    ROLE_NOTICE = "role_notice"
    """Invite a new role holder and say so in the channel (`subject_id` is the role assignment)."""
    ROLE_CHECKLIST = "role_checklist"
    """DM a role holder the checklist of their role (`subject_id` is the role assignment)."""
    SYNC_SUMMARY = "sync_summary"
    """Bring the pinned summary, the channel topic and the announcement to the incident's state."""
    RESOLUTION_POST = "resolution_post"
    """The resolution message in the channel (`subject_id` is the `resolved` timeline entry)."""
    CAPTURE = "capture"
    """Fill in a message marked for the timeline from Slack (`subject_id` is its entry)."""
    COMMS_POST = "comms_post"
    """Post a customer, stakeholder or executive text (`subject_id` is the text)."""
    ACTION_ITEM_POST = "action_item_post"
    """Announce an action item in the incident channel (`subject_id` is the item)."""
    POSTMORTEM_OFFER = "postmortem_offer"
    """Offer the resolver (the commander when there is one) to start the postmortem."""
    ALERT_TRIAGE = "alert_triage"
    """Post or edit an alert group's triage message, as the group is when sent (`subject_id`)."""
    ALERT_COMMANDER = "alert_commander"
    """Find the commander an alert rule names for the incident it declared (a person or a user group)."""
    ALERT_NO_COMMANDER = "alert_no_commander"
    """Say, in the alert channel or the incident's, why a rule-declared incident has no commander."""
    ALERT_CHANNEL_LINK = "alert_channel_link"
    """Once the incident's channel exists, edit the triage message of the group (`subject_id`) to link it."""

    @property
    def tells_the_actor(self) -> bool:
        """Whether the person who acted hears about it when this message is held up.

        The summary catches up on its own and says nothing the channel has not seen, so a delay
        there is not worth interrupting anyone for.
        """
        return self not in _QUIET


_QUIET = frozenset({OutboxKind.SYNC_SUMMARY, OutboxKind.POSTMORTEM_OFFER})
"""The offer is a convenience: `/incident postmortem` starts the draft just as well."""

"""The journal: requests that change something, kept whole from before the ack until applied.

Slack drops a request that is not acknowledged within 3 s, and a burst of people acting at once
is exactly when the bot must answer fast. So a request that changes something is written down as
it arrived (one row per request, many rows per commit), acknowledged, and applied just after.
Each kind has one apply function; a row nobody applied (the process died) is applied by the
scheduler, like any outbox row.
"""

from __future__ import annotations

from enum import StrEnum


class JournalKind(StrEnum):
    """Kinds of journalled request; each has one handler, registered by its feature."""

    DECLARE = "apply_declare"
    """A declaration submitted from the modal."""
    NOTE = "apply_note"
    """`/incident note …`."""
    MARK = "apply_mark"
    """A message marked with the timeline reaction."""
    CHANGE = "apply_change"
    """`/incident severity …` or `/incident status …`."""
    ROLE = "apply_role"
    """`/incident role <role> @person`."""
    ROLES = "apply_roles"
    """The roles form, submitted."""
    RESOLVE = "apply_resolve"
    """The resolve form, submitted."""
    COMMS_TEXT = "apply_comms_text"
    """A customer, stakeholder or executive text, submitted."""
    ACTION_ITEM = "apply_action_item"
    """`/incident action …` or the action item form, submitted."""
    ACTION_STATE = "apply_action_state"
    """An action item marked done or open again."""
    ANALYSIS = "apply_analysis"
    """A 5 Whys, contributing factor or what-went-well form, submitted."""
    UPDATE = "apply_update"
    """The update form, submitted."""
    SNOOZE = "apply_snooze"
    """A snooze button on a nag."""
    TAKE_ROLE = "apply_take_role"
    """A "take a role" button: the person who clicked takes it."""
    RETRY_SETUP = "apply_retry_setup"
    """The Retry button on a setup that stopped: try building the incident's channel again now."""
    MESSAGE_ENTRY = "apply_message_entry"
    """The "Add to timeline" form, submitted."""
    EDIT_ENTRY = "apply_edit_entry"
    """A timeline entry's edit form, submitted."""
    REMOVE_ENTRY = "apply_remove_entry"
    """A timeline entry's removal, confirmed."""
    ALERTS = "apply_alerts"
    """Alerts a sender delivered (`incidentbot/alerts/`)."""
    DISMISS_ALERTS = "apply_alert_dismiss"
    """An alert group dismissed from its triage message, with a reason."""
    ATTACH_ALERTS = "apply_alert_attach"
    """An alert group attached to an open incident from its triage message."""
    DECLARE_FROM_ALERT = "apply_alert_declare"
    """An incident declared from an alert group, linked to it in the same unit of work."""

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
    """Kinds of journalled request; each has one handler in `handlers.py`."""

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
    ALERTS = "apply_alerts"
    """Alerts a sender delivered (`incidentbot/alerts/`)."""
    DISMISS_ALERTS = "apply_alert_dismiss"
    """An alert group dismissed from its triage message, with a reason."""
    ATTACH_ALERTS = "apply_alert_attach"
    """An alert group attached to an open incident from its triage message."""

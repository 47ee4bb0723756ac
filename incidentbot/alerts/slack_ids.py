"""The triage message's buttons and the forms they open."""

from __future__ import annotations

from enum import StrEnum


class AlertAction(StrEnum):
    DECLARE = "alert_declare"
    ATTACH = "alert_attach"
    DISMISS = "alert_dismiss"


class AlertCallback(StrEnum):
    DISMISS_ALERTS = "alert_dismiss_form"
    ATTACH_ALERTS = "alert_attach_form"


CLAIMED_WITH_THEIR_RECORD: frozenset[StrEnum] = frozenset(
    {AlertCallback.DISMISS_ALERTS, AlertCallback.ATTACH_ALERTS}
)
"""The forms and buttons whose delivery is claimed in the commit that journals them
(`slack/once.py`), so that a repeat is never applied twice."""

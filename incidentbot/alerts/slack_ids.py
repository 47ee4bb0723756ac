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

"""Answers for snooze clicks that come too late; each names a template in `templates/errors/`."""

from __future__ import annotations

from incidentbot.kernel.errors import IncidentError


class AlreadySnoozed(IncidentError):
    """`detail`: when the next update is now due."""

    code = "cadence/already_snoozed"


class UpdateAlreadyPosted(IncidentError):
    """`detail`: when the next update is now due, or empty when none is owed."""

    code = "cadence/update_already_posted"

"""What a drill command can refuse, each explained by its template in `templates/drills/`."""

from __future__ import annotations

from incidentbot.kernel.errors import IncidentError


class NotADrillChannel(IncidentError):
    """A drill command typed outside a drill's channel."""

    code = "drills/not_a_drill_channel"


class DrillEnded(IncidentError):
    """The drill has ended already; `detail` is the incident's label."""

    code = "drills/already_ended"


class DrillNotRunning(IncidentError):
    """Resume without a pause, or pause twice; `detail` says which."""

    code = "drills/not_paused"


class DrillPaused(IncidentError):
    """Pause when already paused."""

    code = "drills/already_paused"


class NothingToSkip(IncidentError):
    code = "drills/nothing_to_skip"

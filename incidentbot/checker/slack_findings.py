"""Telling the person who added a note, a marked message, an action item or an update what the
communication checker found in it, after it is saved (`checker/checked_records.py`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from incidentbot.checker import checked_records
from incidentbot.checker.checked_records import Added
from incidentbot.slack.listeners.checker_context import team_checker_config
from incidentbot.slack.listeners.deps import Deps

FINDINGS_SHOWN = 10
Then = Literal["timeline", "action", "update"]
"""Where the text was saved, which says how it can be reworded."""


def tell_findings(
    deps: Deps, channel_id: str | None, user_id: str, incident_id: int, added: Sequence[Added], then: Then
) -> None:
    """An ephemeral note to `user_id` with each finding and its suggestion; nothing when clean."""
    config = team_checker_config(deps, after_the_answer=True)
    found = checked_records.findings_on(deps.services, incident_id, added, config)
    if not found:
        return
    labelled = [{"field": field, "finding": finding} for field, finding in found]
    text = deps.renderer.render(
        "checker/added.j2", findings=labelled, shown=labelled[:FINDINGS_SHOWN], then=then
    )
    deps.tell(channel_id, user_id, text)

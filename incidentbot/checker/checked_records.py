"""The communication checker on what people add to the record as they go: notes, messages
marked for the timeline, action items typed on the command line, and structured updates.

These are records, not drafts for an audience: they are saved as written and never held up.
What the checker finds is said to the person who added them afterwards, so they can reword it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from incidentbot.checker import Audience, CheckerConfig, checking
from incidentbot.kernel.context import Services
from incidentbot.wrap_up.comms_rules import StoredFinding

Labelled = tuple[str | None, StoredFinding]
"""A finding and the name of the field it was found in (None for a text of one field)."""


@dataclass(frozen=True)
class Added:
    """One text someone added, who reads it, and whether it speaks for an incident still going on."""

    text: str
    audience: Audience = Audience.POSTMORTEM
    field: str | None = None
    in_progress: bool = False


def findings_on(
    services: Services, incident_id: int, added: Sequence[Added], config: CheckerConfig
) -> list[Labelled]:
    """Every finding on `added`, knowing the incident's people by name."""
    if not any(text.text.strip() for text in added):
        return []
    return findings_known(added, checking.for_incident(services, incident_id, config))


def findings_known(added: Sequence[Added], config: CheckerConfig) -> list[Labelled]:
    """Every finding on `added` with what `config` already knows; reads nothing."""
    return [
        (text.field, finding)
        for text in added
        if text.text.strip()
        for finding in checking.findings(
            text.text, text.audience, in_progress=text.in_progress, config=config
        )
    ]

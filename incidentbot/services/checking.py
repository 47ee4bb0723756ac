"""The communication checker applied to what the bot posts for customers, stakeholders and postmortems."""

from __future__ import annotations

from incidentbot.domain.checker import DEFAULT_CONFIG, Audience, CheckerConfig, check
from incidentbot.domain.comms import CommsAudience, StoredFinding
from incidentbot.domain.models import Status

CHECKED_AS = {
    CommsAudience.CUSTOMER: Audience.CUSTOMER,
    CommsAudience.STAKEHOLDER: Audience.STAKEHOLDER,
    # Leadership reads the executive summary as stakeholders do: facts, no blame, no guesses.
    CommsAudience.EXECUTIVE: Audience.STAKEHOLDER,
}


def findings(
    text: str, audience: Audience, *, in_progress: bool, config: CheckerConfig = DEFAULT_CONFIG
) -> list[StoredFinding]:
    return [
        StoredFinding(
            rule=found.rule,
            start=found.start,
            end=found.end,
            text=found.text,
            message=found.message,
            suggestion=found.suggestion,
        )
        for found in check(text, audience, in_progress=in_progress, config=config)
    ]


def comms_findings(
    text: str, audience: CommsAudience, stage: Status, config: CheckerConfig = DEFAULT_CONFIG
) -> list[StoredFinding]:
    """A resolved-stage text owes no next-update time; every other stage does."""
    in_progress = stage is not Status.RESOLVED and audience is not CommsAudience.EXECUTIVE
    return findings(text, CHECKED_AS[audience], in_progress=in_progress, config=config)


def postmortem_findings(text: str, config: CheckerConfig = DEFAULT_CONFIG) -> list[StoredFinding]:
    return findings(text, Audience.POSTMORTEM, in_progress=False, config=config)

"""The communication checker applied to what the bot posts for customers, stakeholders and postmortems."""

from __future__ import annotations

from collections.abc import Iterable

from incidentbot.checker import DEFAULT_CONFIG, Audience, CheckerConfig, check
from incidentbot.incident.models import Status
from incidentbot.kernel.context import Services
from incidentbot.wrap_up.comms_rules import CommsAudience, StoredFinding

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


def written_names(name: str) -> tuple[str, ...]:
    """How a Slack name appears in prose: "alice chen" is written "Alice Chen" and "Alice"."""
    words = [word[:1].upper() + word[1:] for word in name.split()]
    return (" ".join(words), words[0]) if len(words) > 1 else tuple(words)


def for_incident(services: Services, incident_id: int, config: CheckerConfig) -> CheckerConfig:
    """`config` plus the names of the people who took part in the incident (as its timeline
    recorded them): a sentence about one of them doing something wrong is blame for certain."""
    with services.store.transaction() as tx:
        events = tx.events(incident_id)
    return config.extended(names=names_of(event.actor_name for event in events))


def names_of(actors: Iterable[str | None]) -> tuple[str, ...]:
    """The written forms of people's names, leaving out anything that is not a name."""
    people = {actor for actor in actors if actor and any(char.isalpha() for char in actor)}
    return tuple(sorted({name for person in people for name in written_names(person)}))

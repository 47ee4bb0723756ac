"""Open incidents with a due next-update commitment, written straight through the store.

Used where many incidents are needed fast (the two-process test, the nag benchmark): the rows
are what `declare.record` and a finished setup leave behind, without any Slack calls.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from incidentbot.cadence import commitments
from incidentbot.cadence.commitment_rules import CommitmentSource
from incidentbot.incident.models import Role, SetupState, Severity
from incidentbot.kernel.ports import NewIncident, Store

BATCH = 200


@dataclass(frozen=True)
class Seeded:
    incident_id: int
    channel_id: str
    comms: str
    due_at: datetime


def seed_due_incidents(
    store: Store,
    dues: Sequence[datetime],
    *,
    declared_at: datetime,
    team_id: str = "T0001",
    commander: str = "U001",
    comms_prefix: str = "UC",
    channel_prefix: str = "CS",
) -> list[Seeded]:
    """One SEV-1 incident per due time, each with its own channel and communications lead."""
    seeded: list[Seeded] = []
    for start in range(0, len(dues), BATCH):
        with store.transaction() as tx:
            for index in range(start, min(start + BATCH, len(dues))):
                comms, channel = f"{comms_prefix}{index:05d}", f"{channel_prefix}{index:05d}"
                incident = tx.add_incident(
                    NewIncident(
                        team_id=team_id,
                        title=f"Seeded incident {index}",
                        severity=Severity.SEV1,
                        impact="Synthetic load",
                        is_private=False,
                        declared_by=commander,
                        declared_at=declared_at,
                        next_update_due=dues[index],
                    )
                )
                tx.save_incident(
                    incident.model_copy(
                        update={
                            "channel_id": channel,
                            "channel_name": channel.lower(),
                            "setup_state": SetupState.READY,
                        }
                    )
                )
                tx.assign_role(incident.id, Role.COMMANDER, commander, commander, declared_at)
                tx.assign_role(incident.id, Role.COMMS, comms, commander, declared_at)
                commitments.open_commitment(
                    tx,
                    incident.id,
                    dues[index],
                    made_by=None,
                    at=declared_at,
                    source=CommitmentSource.DECLARE,
                )
                seeded.append(Seeded(incident.id, channel, comms, dues[index]))
    return seeded

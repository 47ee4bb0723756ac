"""How long the postmortem draft and the checker take on big inputs (run by hand, not in CI).

    python bench/postmortem_draft.py

Measures: gathering and rendering a postmortem with 10,000 timeline entries, the checker over
that draft, and the checker over 1 MB of pasted text.
"""

from __future__ import annotations

import time
from datetime import timedelta

from incidentbot.checker import Audience, check, checking
from incidentbot.clock import ManualClock
from incidentbot.declare import service as declare
from incidentbot.incident.models import EventKind, Severity
from incidentbot.incident.policy import Policy
from incidentbot.kernel import commands
from incidentbot.kernel.context import Services
from incidentbot.kernel.ports import NewEvent
from incidentbot.wiring import build_registry
from incidentbot.wrap_up import postmortem
from incidentbot.wrap_up.render_postmortem import render_postmortem
from tests.support.memory import MemoryStore, RecordingWorkspace

ENTRIES = 10_000


def timed(label: str, work: object) -> object:
    start = time.perf_counter()
    result = work() if callable(work) else work
    print(f"{label}: {time.perf_counter() - start:.3f} s")
    return result


def main() -> None:
    services = Services(
        store=MemoryStore(),
        workspace=RecordingWorkspace(),
        policy=Policy(),
        clock=ManualClock(),
        handlers=build_registry(),
    )
    declaration = declare.Declaration(
        team_id="T1",
        title="Checkout failing",
        severity=Severity.SEV1,
        impact="Checkout fails",
        declared_by="U001",
    )
    with services.store.transaction() as tx:
        # Recorded only: the draft needs the incident, not its channel's setup.
        incident_id = declare.record_in(
            commands.unit_of_work(services, tx, services.clock.now()), declaration
        ).id
    start = services.clock.now()
    with services.store.transaction() as tx:
        for n in range(ENTRIES):
            tx.add_event(
                NewEvent(
                    incident_id=incident_id,
                    kind=EventKind.INVESTIGATION,
                    text=f"Checked server {n}: error rate 0.{n % 10}% and latency normal",
                    occurred_at=start + timedelta(seconds=n),
                    actor_id="U002",
                )
            )
    data = timed("gather 10,000 entries", lambda: postmortem.gather_in_slack(services, incident_id))
    document = timed("render the Markdown draft", lambda: render_postmortem(data, services.policy))  # type: ignore[arg-type]
    print(f"draft size: {len(str(document)):,} characters")
    timed("checker over the draft", lambda: checking.postmortem_findings(str(document)))
    pasted = ("AWS is having issues again, not our fault. Bob recklessly pushed it. " * 15_000)[:1_000_000]
    timed("checker over 1 MB (customer)", lambda: check(pasted, Audience.CUSTOMER))


if __name__ == "__main__":
    main()

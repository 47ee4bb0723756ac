"""Slack misbehaving: rate limits on a fifth of all calls, server errors, an outage. Nothing is lost."""

from __future__ import annotations

import time
from datetime import timedelta

from incidentbot.incident.models import SetupState
from tests.e2e.helpers import declare, submit_declare, wait_until
from tests.e2e.update_helpers import submit_update, wait_for_post
from tests.support.harness import RunningBot


def test_a_fifth_of_calls_rate_limited_still_delivers_everything(running: RunningBot) -> None:
    running.slack.fail_ratio("*", 0.2, status=429, retry_after=0, seed=7)
    for index in range(3):
        assert submit_declare(running, title=f"Incident {index}", comms="U002").status == 200

    def all_ready() -> list[object] | None:
        found = [running.incident(n) for n in (1, 2, 3)]
        return found if all(i is not None and i.setup_state is SetupState.READY for i in found) else None

    incidents = wait_until(all_ready, timeout=60)
    assert running.slack.count("pins.add") >= 3
    rate_limited = [c for c in running.slack.calls if c.status == 429]
    assert rate_limited, "the fault injection really fired"

    first = incidents[0]
    assert submit_update(running, first).status == 200
    wait_for_post(running, first.channel_id, "Errors started with the 11:50 deploy")
    assert len({c.args["channel"] for c in running.slack.ok_calls_to("pins.add")}) == 3


def failed_elapsed(running: RunningBot) -> float:
    """Seconds since the first 503 the fake answered."""
    first = min(c.at for c in running.slack.calls if c.status == 503)
    return time.monotonic() - first


def test_a_nag_during_an_outage_is_retried_and_sent_once(running: RunningBot) -> None:
    incident = declare(running, comms="U002")
    running.clock.advance(timedelta(minutes=16))
    # Longer than slack-sdk's own retries wait; in the fake an outage is wall-clock time, so a few
    # seconds stand in for minutes.
    running.slack.outage(5.0)
    failed = running.fire_due()
    assert failed.delivered == 0 and failed.retried >= 1
    assert any(c.status == 503 for c in running.slack.calls)
    time.sleep(max(0.0, 5.1 - failed_elapsed(running)))
    running.clock.advance(timedelta(minutes=2))
    delivered = running.fire_due()
    assert delivered.delivered >= 1
    running.clock.advance(timedelta(minutes=2))
    running.fire_due()
    nags = [c for c in running.slack.ok_calls_to("chat.postMessage") if c.args["channel"] == "U002"]
    overdue = [c for c in nags if "Post update" in str(c.args.get("blocks"))]
    assert len(overdue) == 1, [c.args["text"] for c in nags]
    with running.services.store.transaction() as tx:
        kinds = [e.kind for e in tx.events(incident.id)]
    assert kinds.count("nag") == 1

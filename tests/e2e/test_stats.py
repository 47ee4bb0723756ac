"""`/incident stats`: one incident inside its channel, the last 30 days anywhere else."""

from __future__ import annotations

from datetime import timedelta

from tests.e2e.helpers import declare, submit_declare, wait_until
from tests.e2e.wrapup_helpers import resolve
from tests.support.comms_rows import add_commitment, add_nag, add_update
from tests.support.harness import RunningBot


def test_stats_inside_an_incident_channel(running: RunningBot) -> None:
    incident = declare(running)
    start = running.clock.now()
    store = running.services.store
    add_update(store, incident.id, start + timedelta(minutes=14))
    add_commitment(store, incident.id, start + timedelta(minutes=15), "met")
    add_commitment(store, incident.id, start + timedelta(minutes=45), "missed")
    add_nag(store, incident.id, start + timedelta(minutes=46))
    running.clock.advance(timedelta(minutes=50))
    text = running.client.command("stats", channel_id=incident.channel_id).body.decode()
    assert "Communication record of incident #1* (investigating)" in text
    assert "Duration: 50 min so far" in text
    assert "Time to first update: 14 min" in text
    assert "Next-update promises kept: 1 of 2 (50%)" in text
    assert "Longest silence: 36 min (12:14 UTC to 12:50 UTC)" in text
    assert "Reminders sent: 1" in text
    assert "Time to declare: unknown" in text


def test_stats_elsewhere_cover_the_last_30_days(running: RunningBot) -> None:
    assert (
        "No incidents you can see were declared in the last 30 days"
        in running.client.command("stats").body.decode()
    )
    old = declare(running)
    resolve(running, old)
    running.clock.advance(timedelta(days=40))
    submit_declare(running, title="Recent one")
    recent = wait_until(lambda: (i := running.incident(2)) and i.setup_state == "ready" and i)
    add_update(running.services.store, recent.id, running.clock.now() + timedelta(minutes=6))
    running.clock.advance(timedelta(minutes=20))
    resolve(running, recent, started=int((running.clock.now() - timedelta(minutes=30)).timestamp()))
    text = running.client.command("stats", channel_id="C0GENERAL").body.decode()
    assert "Incidents declared in the last 30 days: 1* (1 resolved)" in text
    assert "Median time to declare: 10 min" in text
    assert "Median time to first update: 6 min" in text
    assert "Median duration of resolved incidents: 20 min" in text

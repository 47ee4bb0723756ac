"""The intake routes: who may send, what they may send, how fast; accepted means kept."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from incidentbot.alerts.intake import MAX_BODY_BYTES
from incidentbot.kernel.outbox_kinds import CALLER_FIRST
from tests.alerts.helpers import (
    ALERTMANAGER,
    EVENTS_V2,
    GRAFANA,
    TOKEN,
    alertmanager,
    groups,
    post,
    triage_posts,
)
from tests.e2e.helpers import pending_requests, wait_until
from tests.support.harness import RunningBot


def _event(**changes: object) -> dict[str, object]:
    event: dict[str, object] = {
        "routing_key": TOKEN,
        "event_action": "trigger",
        "dedup_key": "checkout-5xx",
        "payload": {"summary": "Checkout 5xx above 2%", "source": "prometheus", "severity": "critical"},
    }
    return event | changes


@pytest.mark.parametrize("path", [ALERTMANAGER, GRAFANA])
def test_a_wrong_or_missing_token_is_401_and_records_nothing(running: RunningBot, path: str) -> None:
    for token in ("not-the-token", None):
        answer = post(running, path, alertmanager(), token=token)
        assert answer.status == 401
        assert "ALERT_INTAKE_TOKEN" in answer.body["message"]
    assert pending_requests(running) == [] and groups(running) == []


def test_events_v2_takes_the_token_as_its_routing_key(running: RunningBot) -> None:
    answer = post(running, EVENTS_V2, _event(), token=None)
    assert answer.status == 202
    assert answer.body == {"status": "success", "message": "Event processed", "dedup_key": "checkout-5xx"}
    assert post(running, EVENTS_V2, _event(routing_key="R0UT1NGKEY"), token=None).status == 401
    wait_until(lambda: triage_posts(running))


def test_a_malformed_body_is_400_naming_what_is_wrong(running: RunningBot) -> None:
    missing = alertmanager()
    del missing["alerts"][0]["fingerprint"]
    answer = post(running, ALERTMANAGER, missing)
    assert answer.status == 400
    assert answer.body["errors"] == ["alerts.0.fingerprint: Field required"]
    wrong_version = post(running, ALERTMANAGER, alertmanager() | {"version": "3"})
    assert wrong_version.status == 400 and wrong_version.body["errors"][0].startswith("version:")
    not_json = post(running, ALERTMANAGER, None, raw=b"{not json")
    assert not_json.status == 400 and "not valid JSON" in not_json.body["message"]
    no_payload = post(running, EVENTS_V2, _event(payload=None))
    assert no_payload.status == 400
    assert no_payload.body["errors"] == ["payload: required for event_action trigger"]
    assert pending_requests(running) == []


def test_a_dedup_key_of_10_kb_is_refused_as_pagerduty_refuses_it(running: RunningBot) -> None:
    answer = post(running, EVENTS_V2, _event(dedup_key="k" * 10_000))
    assert answer.status == 400
    assert answer.body["errors"][0].startswith("dedup_key: String should have at most 255 characters")


def test_a_long_group_key_is_kept_whole(running: RunningBot) -> None:
    key = "{}:" + "x" * 10_000
    assert post(running, ALERTMANAGER, alertmanager(group_key=key)).status == 202
    assert wait_until(lambda: groups(running))[0].group_key == key


def test_wrong_content_type_unknown_route_wrong_method_and_oversize(running: RunningBot) -> None:
    form = post(running, ALERTMANAGER, None, raw=b"a=b", content_type="application/x-www-form-urlencoded")
    assert form.status == 415 and "application/json" in form.body["message"]
    assert post(running, "/alerts/opsgenie", alertmanager()).status == 404
    got = post(running, ALERTMANAGER, None, raw=b"", method="GET")
    assert got.status == 405 and got.headers["Allow"] == "POST"
    huge = json.dumps(alertmanager() | {"receiver": "x" * MAX_BODY_BYTES}).encode()
    assert post(running, ALERTMANAGER, None, raw=huge).status == 413
    assert pending_requests(running) == []


def test_an_acknowledged_alert_is_kept_even_if_the_process_dies_right_after_the_202(
    running: RunningBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The process "dies" between the answer and applying: nothing after the 202 runs.
    monkeypatch.setattr(running.bot.alerts.applying, "_later", lambda work: None)
    assert post(running, ALERTMANAGER, alertmanager()).status == 202
    assert [row.kind for row in pending_requests(running)] == ["apply_alerts"]
    running.clock.advance(CALLER_FIRST + timedelta(seconds=1))
    running.fire_due(callers_alive=False)
    running.fire_due(callers_alive=False)
    assert len(triage_posts(running)) == 1
    assert pending_requests(running) == []


def test_alerts_are_journalled_by_a_writer_of_their_own_not_by_slacks(running: RunningBot) -> None:
    # Slack's writer gathers a stream of rows into shared commits; alerts must not wait for that.
    slacks_commits = running.bot.journal.commits
    assert post(running, ALERTMANAGER, alertmanager()).status == 202
    assert running.bot.alert_journal.commits == 1, "committed before the 202, by the intake's writer"
    assert running.bot.journal.commits == slacks_commits

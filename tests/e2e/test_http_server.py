"""HTTP mode as Slack meets it: one signed endpoint, a health check, refusals for forged requests."""

from __future__ import annotations

import time

from tests.support import signing
from tests.support.harness import RunningBot


def test_healthz_answers_ok(running: RunningBot) -> None:
    response = running.client.get("/healthz")
    assert response.status == 200
    assert response.body == b"ok\n"


def test_wrong_signature_is_refused(running: RunningBot) -> None:
    body, content_type = signing.slash_command("help")
    forged = signing.sign("not-the-secret", body)
    response = running.client.post(body, content_type, headers=forged, sign=False)
    assert response.status == 401


def test_missing_signature_is_refused(running: RunningBot) -> None:
    body, content_type = signing.slash_command("help")
    assert running.client.post(body, content_type, sign=False).status == 401


def test_stale_timestamp_is_refused_as_a_replay(running: RunningBot) -> None:
    body, content_type = signing.slash_command("help")
    six_minutes_ago = int(time.time()) - 6 * 60
    response = running.client.post(body, content_type, timestamp=six_minutes_ago)
    assert response.status == 401


def test_unknown_path_is_404(running: RunningBot) -> None:
    assert running.client.get("/nowhere").status == 404


def test_a_redelivered_event_is_handled_once(running: RunningBot) -> None:
    event = {"type": "app_home_opened", "user": "U002", "tab": "home"}
    for retry in (None, 1, 2):
        assert running.client.event(event, event_id="EvSame", retry_num=retry).status == 200
    running.client.event(event, event_id="EvOther")
    running.slack.wait_for("views.publish", count=2)
    assert running.slack.count("views.publish") == 2

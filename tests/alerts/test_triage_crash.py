"""`kill -9` right after the ack of a triage decision (Dismiss, Attach, Declare), then a restart:
the decision is applied once (see `tests/e2e/crash_after_ack.py` for how the process is stopped)."""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from incidentbot.alerts.slack_buttons import ATTACH_FORM, DISMISS_FORM, INCIDENT, REASON
from incidentbot.slack.ids import VALUE
from tests.alerts.helpers import ALERT_CHANNEL, ALERTMANAGER, TOKEN, alertmanager
from tests.e2e.crash_after_ack import Scene, kill_right_after_ack, scene_on, settled
from tests.e2e.helpers import declare_state, wait_until
from tests.e2e.process_helpers import rows
from tests.support import signing
from tests.support.fake_slack import FakeSlack
from tests.support.postgres import ThrowawayPostgres
from tests.support.signing import Response, SlackClientForTests

pytestmark = pytest.mark.postgres

ATTACHED = "alert attached: HighErrorRate (5xx above 2% on checkout)"


@pytest.fixture
def scene(postgres_server: ThrowawayPostgres, slack: FakeSlack, tmp_path: Path) -> Iterator[Scene]:
    config = tmp_path / "incidentbot.toml"
    config.write_text(f'[alerts]\nchannel = "{ALERT_CHANNEL}"\n', encoding="utf-8")
    slack.add_channel("alerts", channel_id=ALERT_CHANNEL)
    env = {"ALERT_INTAKE_TOKEN": TOKEN, "INCIDENTBOT_CONFIG": str(config)}
    with scene_on(postgres_server, slack, tmp_path, **env) as current:
        yield current


def _alert_group(scene: Scene, slack: FakeSlack) -> int:
    """An alert sent as Alertmanager does, its triage message posted; the group's id."""
    request = urllib.request.Request(
        f"{scene.bot.process.base_url}{ALERTMANAGER}",
        data=json.dumps(alertmanager()).encode(),
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {TOKEN}"},
    )
    with urllib.request.urlopen(request, timeout=10) as answer:
        assert answer.status == 202
    wait_until(lambda: slack.messages(ALERT_CHANNEL), timeout=30)
    wait_until(lambda: settled(scene.engine), timeout=30)
    [(group_id,)] = rows(scene.engine, "SELECT id FROM alert_groups")
    return int(group_id)


def _metadata(group_id: int) -> str:
    return json.dumps({"group_id": group_id, "channel": ALERT_CHANNEL})


def _triage_text(slack: FakeSlack) -> str:
    [message] = slack.messages(ALERT_CHANNEL)
    return str([block for block in message["blocks"] if block["type"] != "actions"])


def _attached_entries(scene: Scene, incident_id: int) -> int:
    found = "SELECT count(*) FROM timeline_events WHERE incident_id = :i AND text = :t"
    [(count,)] = rows(scene.engine, found, i=incident_id, t=ATTACHED)
    return int(count)


def _decisions(scene: Scene, kind: str) -> list[str]:
    return [str(s) for (s,) in rows(scene.engine, "SELECT state FROM reminders WHERE kind = :k", k=kind)]


def test_a_dismissal_acknowledged_then_killed_is_applied_once_after_restart(
    scene: Scene, slack: FakeSlack
) -> None:
    group_id = _alert_group(scene, slack)

    def send(client: SlackClientForTests) -> Response:
        state = {REASON: {VALUE: signing.plain("known flap")}}
        return client.submit(DISMISS_FORM, state, user_id="U002", private_metadata=_metadata(group_id))

    dismissed = "SELECT dismissed_by, dismissed_reason FROM alert_groups WHERE id = :g"

    def left() -> None:
        assert rows(scene.engine, dismissed, g=group_id) == [(None, None)], "killed before it was kept"
        assert _decisions(scene, "apply_alert_dismiss") == ["pending"], "but journalled"

    answer = kill_right_after_ack(scene, slack, "alert_groups", send, left)
    assert answer is not None and answer.status == 200 and not answer.body, "acknowledged before the kill"

    wait_until(lambda: rows(scene.engine, dismissed, g=group_id) == [("U002", "known flap")], timeout=60)
    wait_until(lambda: "Dismissed by" in _triage_text(slack), timeout=60)
    wait_until(lambda: settled(scene.engine), timeout=30)
    assert _decisions(scene, "apply_alert_dismiss") == ["done"]
    assert "known flap" in _triage_text(slack)


def test_an_attachment_acknowledged_then_killed_is_applied_once_after_restart(
    scene: Scene, slack: FakeSlack
) -> None:
    group_id = _alert_group(scene, slack)

    def send(client: SlackClientForTests) -> Response:
        state = {INCIDENT: {VALUE: signing.static_select(str(scene.incident_id))}}
        return client.submit(ATTACH_FORM, state, user_id="U002", private_metadata=_metadata(group_id))

    linked = "SELECT incident_id FROM alert_groups WHERE id = :g"

    def left() -> None:
        assert rows(scene.engine, linked, g=group_id) == [(None,)], "killed before it was kept"
        assert _decisions(scene, "apply_alert_attach") == ["pending"], "but journalled"

    answer = kill_right_after_ack(scene, slack, "alert_groups", send, left)
    assert answer is not None and answer.status == 200 and not answer.body, "acknowledged before the kill"

    wait_until(lambda: rows(scene.engine, linked, g=group_id) == [(scene.incident_id,)], timeout=60)
    wait_until(lambda: "Attached to incident" in _triage_text(slack), timeout=60)
    wait_until(lambda: settled(scene.engine), timeout=30)
    assert _decisions(scene, "apply_alert_attach") == ["done"]
    assert _attached_entries(scene, scene.incident_id) == 1, "on the incident's timeline once"


def test_a_declaration_from_an_alert_acknowledged_then_killed_declares_once_linked_after_restart(
    scene: Scene, slack: FakeSlack
) -> None:
    group_id = _alert_group(scene, slack)
    created = len(slack.ok_calls_to("conversations.create"))

    def send(client: SlackClientForTests) -> Response:
        state = declare_state(title="HighErrorRate", impact="5xx above 2% on checkout")
        metadata = json.dumps({"channel": ALERT_CHANNEL, "alert_group": group_id})
        return client.submit("declare_incident", state, user_id="U002", private_metadata=metadata)

    declared = "SELECT id FROM incidents WHERE title = 'HighErrorRate'"

    def left() -> None:
        assert rows(scene.engine, declared) == [], "killed before it was kept"
        assert _decisions(scene, "apply_alert_declare") == ["pending"], "but journalled"

    answer = kill_right_after_ack(scene, slack, "alert_groups", send, left)
    assert answer is not None and answer.status == 200, "acknowledged before the kill"

    ready = "SELECT id FROM incidents WHERE title = 'HighErrorRate' AND setup_state = 'ready'"
    [(incident_id,)] = wait_until(lambda: rows(scene.engine, ready), timeout=60)
    linked = "SELECT incident_id FROM alert_groups WHERE id = :g"
    wait_until(lambda: rows(scene.engine, linked, g=group_id) == [(incident_id,)], timeout=30)
    wait_until(lambda: settled(scene.engine), timeout=30)
    assert rows(scene.engine, declared) == [(incident_id,)], "declared once"
    assert _decisions(scene, "apply_alert_declare") == ["done"]
    assert _attached_entries(scene, int(incident_id)) == 1, "on the incident's timeline once"
    assert len(slack.ok_calls_to("conversations.create")) == created + 1, "one channel built"

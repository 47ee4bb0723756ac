"""The commander of an incident a `declare` rule declares: a person or a user group's first member,
found after the alerts are acknowledged; when nobody can lead, both channels are told why and how."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from incidentbot.alerts.rules import AlertsSection
from incidentbot.incident.models import Role
from incidentbot.kernel.reminder_rows import RETRY_MAX
from tests.alerts.helpers import ALERT_CHANNEL, ALERTMANAGER, alertmanager, am_alert, declaring_critical, post
from tests.e2e.helpers import wait_until
from tests.support.harness import RunningBot

GROUP = "S0ONCALL"
CRITICAL = {"alertname": "HighErrorRate", "severity": "critical", "service": "checkout"}
HOW = "/incident role commander @you"


@pytest.fixture
def commander() -> str | None:
    return GROUP


@pytest.fixture
def alerts_config(commander: str | None) -> AlertsSection:
    return declaring_critical(commander)


def _fire(running: RunningBot) -> Any:
    assert post(running, ALERTMANAGER, alertmanager(am_alert(labels=CRITICAL))).status == 202
    wait_until(lambda: running.incident(1))
    wait_until(lambda: running.incident(1).channel_id)
    running.settle()
    return running.incident(1)


def _commander(running: RunningBot, incident: Any) -> str | None:
    return running.services.view_of(incident.id).roster.holder(Role.COMMANDER)


def _notices(running: RunningBot, channel: str) -> list[str]:
    return [str(m.get("text", "")) for m in running.slack.messages(channel) if HOW in str(m.get("text", ""))]


def _both_told(running: RunningBot, incident: Any) -> tuple[str, str]:
    channel = incident.channel_id
    wait_until(lambda: _notices(running, ALERT_CHANNEL) and _notices(running, channel))
    running.settle()
    [in_alerts] = _notices(running, ALERT_CHANNEL)
    [in_incident] = _notices(running, channel)
    return in_alerts, in_incident


def test_the_groups_first_active_person_commands(running: RunningBot) -> None:
    running.slack.add_user("U0GONE", "gone", deleted=True)
    running.slack.add_user("U0ROBOT", "robot", is_bot=True)
    running.slack.add_user("U0ANA", "ana")
    running.slack.add_user("U0BOB", "bob")
    # U0ELSEWHERE is a member Slack answers user_not_found for: not reachable.
    running.slack.user_groups.add(
        GROUP, "oncall", "On call", ["U0GONE", "U0ROBOT", "U0ELSEWHERE", "U0ANA", "U0BOB"]
    )

    incident = _fire(running)

    wait_until(lambda: _commander(running, incident) == "U0ANA")
    wait_until(lambda: "U0ANA" in running.slack.members(incident.channel_id))
    channel = incident.channel_id
    said = wait_until(lambda: [m for m in running.slack.messages(channel) if "is now" in m["text"]])
    assert "<@U0ANA> is now" in said[0]["text"] and "assigned by the alert rule" in said[0]["text"]
    [asked] = running.slack.ok_calls_to("usergroups.users.list")
    assert asked.args["usergroup"] == GROUP
    assert not _notices(running, ALERT_CHANNEL)


def test_the_group_is_read_after_the_answer_and_again_until_slack_answers(running: RunningBot) -> None:
    running.slack.add_user("U0ANA", "ana")
    running.slack.user_groups.add(GROUP, "oncall", "On call", ["U0ANA"])
    running.slack.fail_ratio("usergroups.users.list", 1.0, status=500)

    incident = _fire(running)  # accepted and declared while Slack cannot list the group

    assert _commander(running, incident) is None
    assert running.slack.calls_to("usergroups.users.list"), "tried after the answer"
    running.slack.fail_ratio("usergroups.users.list", 0.0)
    running.clock.advance(RETRY_MAX)
    running.fire_due()
    running.settle()
    assert _commander(running, incident) == "U0ANA"
    assert not _notices(running, ALERT_CHANNEL)
    running.clock.advance(timedelta(hours=1))
    running.fire_due()
    assert len(running.slack.ok_calls_to("usergroups.users.list")) == 1, "resolved once"


def test_a_group_with_nobody_who_can_lead_says_so_in_both_channels(running: RunningBot) -> None:
    running.slack.add_user("U0GONE", "gone", deleted=True)
    running.slack.user_groups.add(GROUP, "oncall", "On call", ["U0GONE"])

    incident = _fire(running)

    in_alerts, in_incident = _both_told(running, incident)
    assert "nobody in the rule's user group" in in_alerts and GROUP in in_alerts
    assert f"<#{incident.channel_id}>" in in_alerts
    assert in_incident == in_alerts
    assert _commander(running, incident) is None
    running.clock.advance(timedelta(hours=1))
    running.fire_due()
    running.settle()
    assert len(_notices(running, ALERT_CHANNEL)) == 1, "told once"


@pytest.mark.parametrize(
    ("commander", "seed", "said"),
    [
        (None, None, "the rule names nobody to lead it"),
        ("U0GHOST", None, "is not someone this workspace knows"),
        ("U0GONE", {"deleted": True}, "is deactivated"),
        ("U0ROBOT", {"is_bot": True}, "is a bot"),
        ("S0NOSUCH", None, "does not exist or is disabled"),
    ],
)
def test_why_nobody_commands_is_said_with_how_to_take_the_role(
    running: RunningBot, commander: str | None, seed: dict[str, bool] | None, said: str
) -> None:
    if seed is not None and commander is not None:
        running.slack.add_user(commander, "someone", **seed)

    incident = _fire(running)

    in_alerts, _ = _both_told(running, incident)
    assert said in in_alerts
    assert _commander(running, incident) is None


def test_a_disabled_group_is_no_group(running: RunningBot) -> None:
    running.slack.add_user("U0ANA", "ana")
    running.slack.user_groups.add(GROUP, "oncall", "On call", ["U0ANA"], disabled=True)

    in_alerts, _ = _both_told(running, _fire(running))

    assert "does not exist or is disabled" in in_alerts


def test_without_the_scope_to_read_groups_the_notice_says_what_to_grant(running: RunningBot) -> None:
    running.slack.user_groups.add(GROUP, "oncall", "On call", ["U001"])
    running.slack.bot_scopes.discard("usergroups:read")

    in_alerts, _ = _both_told(running, _fire(running))

    assert "missing_scope" in in_alerts and "usergroups:read" in in_alerts


def test_a_commander_taken_by_hand_first_stands(running: RunningBot) -> None:
    running.slack.add_user("U0ANA", "ana")
    running.slack.user_groups.add(GROUP, "oncall", "On call", ["U0ANA"])
    running.slack.fail_ratio("usergroups.users.list", 1.0, status=500)
    incident = _fire(running)
    answer = running.client.command("role commander @carol", user_id="U003", channel_id=incident.channel_id)
    assert answer.status == 200
    wait_until(lambda: _commander(running, incident) == "U003")

    running.slack.fail_ratio("usergroups.users.list", 0.0)
    running.clock.advance(RETRY_MAX)
    running.fire_due()
    running.settle()

    assert _commander(running, incident) == "U003"
    assert not _notices(running, ALERT_CHANNEL)

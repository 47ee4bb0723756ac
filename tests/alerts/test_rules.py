"""The team's rules: drop some alerts, send others to their own channel."""

from __future__ import annotations

from pathlib import Path

import pytest

from incidentbot.alerts.rules import AlertRule, AlertsSection, RuleAction
from incidentbot.config import ConfigError, load_team_config
from tests.alerts.helpers import ALERT_CHANNEL, ALERTMANAGER, alertmanager, am_alert, groups, post
from tests.e2e.helpers import pending_requests, wait_until
from tests.support.harness import RunningBot

PAYMENTS = "C0PAYMENTS"


@pytest.fixture
def alerts_config() -> AlertsSection:
    return AlertsSection(
        channel=ALERT_CHANNEL,
        rules=(
            AlertRule(match={"severity": "info"}, action=RuleAction.DROP),
            AlertRule(match_re={"service": "payments|billing"}, action=RuleAction.ROUTE, channel=PAYMENTS),
        ),
    )


def test_a_dropped_alert_is_accepted_and_posts_nothing(running: RunningBot) -> None:
    noise = am_alert(labels={"alertname": "Chatty", "severity": "info"})
    assert post(running, ALERTMANAGER, alertmanager(noise)).status == 202
    assert pending_requests(running) == [] and groups(running) == []


def test_a_routed_alert_is_triaged_in_its_own_channel(running: RunningBot) -> None:
    running.slack.add_channel("payments", channel_id=PAYMENTS)
    billing = am_alert(labels={"alertname": "CardDeclines", "service": "billing"})
    post(running, ALERTMANAGER, alertmanager(billing, group_key="{}:cards"))
    post(running, ALERTMANAGER, alertmanager())
    wait_until(lambda: running.slack.messages(PAYMENTS) and running.slack.messages(ALERT_CHANNEL))
    assert "CardDeclines" in str(running.slack.messages(PAYMENTS)[0]["blocks"])
    assert "HighErrorRate" in str(running.slack.messages(ALERT_CHANNEL)[0]["blocks"])


def test_rules_are_read_from_the_team_config_and_a_bad_pattern_is_named(tmp_path: Path) -> None:
    config = tmp_path / "incidentbot.toml"
    config.write_text(
        '[alerts]\nchannel = "C1"\n[[alerts.rules]]\nmatch = { severity = "info" }\naction = "drop"\n',
        encoding="utf-8",
    )
    assert load_team_config(config).alerts.rules[0].action is RuleAction.DROP
    config.write_text('[[alerts.rules]]\nmatch_re = { service = "(" }\naction = "drop"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="service: not a regular expression"):
        load_team_config(config)


def test_a_declare_rule_is_read_with_its_severity_and_commander(tmp_path: Path) -> None:
    config = tmp_path / "incidentbot.toml"
    config.write_text(
        '[[alerts.rules]]\nmatch = { severity = "critical" }\naction = "declare"\n'
        'severity = 1\ncommander = "U0789ONCALL"\n',
        encoding="utf-8",
    )
    rule = load_team_config(config).alerts.rules[0]
    assert (rule.action, rule.severity, rule.commander) == (RuleAction.DECLARE, 1, "U0789ONCALL")


def test_a_declare_rules_commander_may_be_a_user_group(tmp_path: Path) -> None:
    config = tmp_path / "incidentbot.toml"
    config.write_text(
        '[[alerts.rules]]\nmatch = { severity = "critical" }\naction = "declare"\n'
        'severity = 1\ncommander = "S0789ONCALL"\n',
        encoding="utf-8",
    )
    assert load_team_config(config).alerts.rules[0].commander == "S0789ONCALL"


@pytest.mark.parametrize(
    ("settings", "named"),
    [
        ('action = "declare"\nseverity = 5\n', "alerts.rules.0.severity"),
        ('action = "declare"\nseverity = 2\ncommander = "alice"\n', "alerts.rules.0.commander"),
        ('action = "declare"\nseverity = 2\ncommander = "@oncall"\n', "alerts.rules.0.commander"),
        ('action = "declare"\n', "alerts.rules.0: .*needs severity"),
        ('action = "drop"\nseverity = 2\n', "alerts.rules.0: .*only for action declare"),
    ],
)
def test_a_bad_declare_rule_is_refused_naming_the_rule_and_key(
    tmp_path: Path, settings: str, named: str
) -> None:
    config = tmp_path / "incidentbot.toml"
    config.write_text(f'[[alerts.rules]]\nmatch = {{ team = "web" }}\n{settings}', encoding="utf-8")
    with pytest.raises(ConfigError, match=named):
        load_team_config(config)

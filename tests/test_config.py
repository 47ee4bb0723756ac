from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from incidentbot.config import ConfigError, Settings, load_settings, load_team_config
from incidentbot.incident.models import Role, Severity


def test_defaults_need_no_file() -> None:
    team = load_team_config("incidentbot.toml")
    assert team.channel_prefix == "inc"
    assert team.policy.cadence(Severity.SEV1) == timedelta(minutes=30)


def test_config_file_sets_practice(tmp_path: Path) -> None:
    file = tmp_path / "team.toml"
    file.write_text(
        """
channel_prefix = "incident"
announcement_channel = "C0ANNOUNCE"
stakeholder_channel = "C0STAKE"
timeline_reaction = "round_pushpin"

[policy]
first_update_minutes = 10
escalation_grace_minutes = 3

[policy.severities.1]
meaning = "Everything is on fire"
cadence_minutes = 20

[policy.severities.2]
meaning = "Something big is broken"
cadence_minutes = 45

[policy.severities.3]
meaning = "Minor"

[policy.severities.4]
meaning = "Cosmetic"

[policy.role_names]
commander = "Incident lead"
""",
        encoding="utf-8",
    )
    team = load_team_config(file)
    assert team.channel_prefix == "incident"
    assert team.announcement_channel == "C0ANNOUNCE"
    assert team.policy.cadence(Severity.SEV1) == timedelta(minutes=20)
    assert team.policy.meaning(Severity.SEV1) == "Everything is on fire"
    assert team.policy.first_update_minutes == 10
    assert team.policy.role_name(Role.COMMANDER) == "Incident lead"
    assert team.policy.role_name(Role.SCRIBE) == "Scribe"


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("channel_prefix = ", "not valid TOML"),
        ("colour = 'red'", "colour"),
        ("[policy]\nfirst_update_minutes = -5", "first_update_minutes"),
    ],
)
def test_bad_config_file_is_one_clear_error(tmp_path: Path, content: str, expected: str) -> None:
    file = tmp_path / "bad.toml"
    file.write_text(content, encoding="utf-8")
    with pytest.raises(ConfigError, match=expected):
        load_team_config(file)


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (
            "[policy]\nfirst_update_minute = 10",
            "policy.first_update_minute: unknown key; did you mean first_update_minutes?",
        ),
        (
            "[policy.permisions]\ncommander_only_resolves = false",
            "policy.permisions: unknown key; did you mean permissions?",
        ),
        (
            "[policy.severities.1]\nmeaning = 'Down'\ncadense_minutes = 20",
            "policy.severities.1.cadense_minutes: unknown key; did you mean cadence_minutes?",
        ),
        (
            "[policy.severities.5]\nmeaning = 'Tiny'",
            "policy.severities.5: unknown key; known keys: 1, 2, 3, 4",
        ),
        (
            "[policy.role_names]\ncaptain = 'Captain'",
            "policy.role_names.captain: unknown key; known keys: commander, comms, scribe",
        ),
        (
            "[policy]\nwhatever = 1",
            "policy.whatever: unknown key; known keys: severities, first_update_minutes",
        ),
    ],
)
def test_an_unknown_key_anywhere_names_its_path(tmp_path: Path, content: str, expected: str) -> None:
    file = tmp_path / "team.toml"
    file.write_text(content, encoding="utf-8")
    with pytest.raises(ConfigError) as raised:
        load_team_config(file)
    message = str(raised.value)
    assert message.startswith(f"config file {file}: ")
    assert expected in message
    assert "\n" not in message


def test_settings_from_environment() -> None:
    settings = load_settings(
        {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_API_URL": "http://127.0.0.1:9/api", "PORT": "8080"}
    )
    assert settings.slack_api_url == "http://127.0.0.1:9/api/"
    assert settings.port == 8080
    assert settings.database_url == "sqlite:///./incidentbot.db"
    assert not settings.socket_mode
    assert load_settings({"SLACK_APP_TOKEN": "xapp-1"}).socket_mode


def test_the_readme_config_example_is_valid(tmp_path: Path) -> None:
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    example = readme.split("```toml\n", 1)[1].split("```", 1)[0]
    file = tmp_path / "incidentbot.toml"
    file.write_text(example, encoding="utf-8")
    team = load_team_config(file)
    assert team.policy.cadence(Severity.SEV2) == timedelta(minutes=60)
    assert team.policy.snooze_choices_minutes == (5, 15, 30)


def test_permission_rules_come_from_the_config_file(tmp_path: Path) -> None:
    file = tmp_path / "incidentbot.toml"
    file.write_text("[policy.permissions]\ncommander_only_resolves = false\n", encoding="utf-8")
    rules = load_team_config(file).policy.permissions
    assert not rules.commander_only_resolves
    assert rules.commander_only_reassigns_commander and rules.commander_or_scribe_edits_timeline
    assert rules.confirm_severity_lowering_without_role
    file.write_text("[policy.permissions]\nconfirm_severity_lowering_without_role = false\n", "utf-8")
    assert not load_team_config(file).policy.permissions.confirm_severity_lowering_without_role
    file.write_text("[policy.permissions]\ncommander_only_resolve = false\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="commander_only_resolve"):
        load_team_config(file)


def test_housekeeping_settings_default_to_an_hourly_sweep_keeping_30_and_7_days() -> None:
    settings = load_settings({})
    assert settings.housekeeping_interval_seconds == 3600
    assert settings.retention.finished_rows == timedelta(days=30)
    assert settings.retention.event_ids == timedelta(days=7)


def test_housekeeping_settings_come_from_the_environment() -> None:
    settings = load_settings(
        {
            "HOUSEKEEPING_INTERVAL_SECONDS": "600",
            "FINISHED_ROWS_RETENTION_DAYS": "90",
            "EVENT_IDS_RETENTION_DAYS": "2",
        }
    )
    assert settings.housekeeping_interval_seconds == 600
    assert settings.retention.finished_rows == timedelta(days=90)
    assert settings.retention.event_ids == timedelta(days=2)


def test_a_retention_under_a_day_is_refused() -> None:
    with pytest.raises(ConfigError, match="EVENT_IDS_RETENTION_DAYS"):
        load_settings({"EVENT_IDS_RETENTION_DAYS": "0"})


def test_the_readme_lists_every_environment_setting() -> None:
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    missing = [name.upper() for name in Settings.model_fields if f"| `{name.upper()}` |" not in readme]
    assert missing == []

"""Settings: secrets and addresses from the environment, the team's practice from a TOML file."""

from __future__ import annotations

import difflib
import os
import tomllib
from datetime import timedelta
from enum import Enum
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from incidentbot.alerts.rules import AlertsSection
from incidentbot.checker import DEFAULT_CONFIG as DEFAULT_CHECKER
from incidentbot.checker import CheckerConfig
from incidentbot.drills.catalogue import DrillsSection
from incidentbot.incident.policy import Policy
from incidentbot.kernel.housekeeping import Retention
from incidentbot.status_page.model import StatusPageConfig
from incidentbot.webhooks.model import WebhookEndpoint

DEFAULT_CONFIG_FILE = "incidentbot.toml"

# Where a person finds each secret: the error for a missing one names the page.
WHERE_TO_FIND = {
    "slack_bot_token": 'SLACK_BOT_TOKEN (xoxb-…) is on your Slack app\'s "OAuth & Permissions" page',
    "slack_signing_secret": (
        'SLACK_SIGNING_SECRET is on your Slack app\'s "Basic Information" page, under App Credentials'
    ),
    "slack_app_token": (
        "SLACK_APP_TOKEN (xapp-…, scope connections:write) is on your Slack app's "
        '"Basic Information" page, under App-Level Tokens'
    ),
    "database_url": "DATABASE_URL must be a SQLAlchemy URL such as sqlite:///./incidentbot.db",
    "port": "PORT must be a TCP port number between 1 and 65535",
}


class ConfigError(Exception):
    """A setting is missing or malformed; the message is one line a person can act on."""


class CheckerSection(BaseModel):
    """`[checker]`: the team's own names and terms, added to the checker's built-in lists."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    teams: tuple[str, ...] = ()
    """Team names: a sentence blaming one of them is blame whatever its shape."""
    third_parties: tuple[str, ...] = ()
    """Providers the team depends on, so blaming one before it confirms is caught."""
    jargon: tuple[str, ...] = ()
    """Internal terms customers would not know."""
    allowed: tuple[str, ...] = ()
    """Terms never reported as jargon (a product name your customers use, say)."""

    def checker_config(self) -> CheckerConfig:
        return DEFAULT_CHECKER.extended(
            jargon=self.jargon, third_parties=self.third_parties, allowed=self.allowed, teams=self.teams
        )


class TeamConfig(BaseModel):
    """What the optional config file may set; everything has a sensible default."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    channel_prefix: str = Field(default="inc", min_length=1, max_length=20)
    announcement_channel: str | None = None
    stakeholder_channel: str | None = None
    timeline_reaction: str = "pushpin"
    policy: Policy = Field(default_factory=Policy)
    checker: CheckerSection = Field(default_factory=CheckerSection)
    status_page: StatusPageConfig = Field(default_factory=StatusPageConfig)
    alerts: AlertsSection = Field(default_factory=AlertsSection)
    webhooks: tuple[WebhookEndpoint, ...] = ()
    drills: DrillsSection = Field(default_factory=DrillsSection)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="", case_sensitive=False, extra="ignore")

    slack_bot_token: str = ""
    slack_signing_secret: str = ""
    slack_app_token: str = ""
    slack_api_url: str = "https://slack.com/api/"
    database_url: str = "sqlite:///./incidentbot.db"
    port: int = Field(default=3000, ge=1, le=65535)
    incidentbot_config: str = DEFAULT_CONFIG_FILE
    reminder_interval_seconds: float = Field(default=2.0, gt=0, le=60)
    reminder_threads: int = Field(default=8, ge=1, le=64)
    housekeeping_interval_seconds: float = Field(default=3600, ge=60, le=86400)
    finished_rows_retention_days: int = Field(default=30, ge=1)
    event_ids_retention_days: int = Field(default=7, ge=1)
    webhook_deliveries_retention_days: int = Field(default=30, ge=1)
    """How long an outgoing webhook delivery, delivered or given up, stays for `webhooks log`."""
    slack_retry_max_seconds: float = Field(default=60.0, gt=0, le=3600)
    """The longest wait between attempts to reach Slack at start (1, 2, 4 … seconds up to this)."""
    stop_grace_seconds: float = Field(default=25.0, gt=0, le=3600)
    """How long a stopping process may take: answering, then finishing acknowledged work."""
    status_page_dir: str = ""
    """Where the status page is rewritten as static files after every change (unset: nowhere)."""
    alert_intake_token: str = ""
    """The bearer token alert senders present (`POST /alerts/…`); intake is off without one."""
    smtp_url: str = ""
    """Where status page subscribers' mail is sent (`smtp://user:pass@host:587`, `smtps://…`)."""
    smtp_data_at_once: int = Field(default=8, ge=1, le=64)
    """Mails whose data may await the mail server's answer at once, over all of a process's
    connections: each is one a crash at that moment mails twice. Raise it for a distant relay,
    whose answer to each mail's data caps the sending rate at this many per answer time."""
    status_page_from: str = ""
    """The From address of status page mail; subscribing by email is off without it and SMTP_URL."""
    status_page_allow_private_webhooks: bool = False
    """Let webhook subscribers use loopback and private addresses (tests and closed networks)."""

    @property
    def reminder_parallelism(self) -> int:
        # SQLite has one writer: parallel deliveries would only queue on its lock.
        return 1 if self.database_url.startswith("sqlite") else self.reminder_threads

    @property
    def retention(self) -> Retention:
        return Retention(
            finished_rows=timedelta(days=self.finished_rows_retention_days),
            event_ids=timedelta(days=self.event_ids_retention_days),
        )

    @field_validator("slack_api_url")
    @classmethod
    def _trailing_slash(cls, value: str) -> str:
        return value if value.endswith("/") else value + "/"

    @property
    def socket_mode(self) -> bool:
        return bool(self.slack_app_token)

    def check_ready(self) -> None:
        """Raise ConfigError naming the first missing or malformed secret for the chosen mode."""
        if not self.slack_bot_token:
            raise ConfigError(f"missing SLACK_BOT_TOKEN: {WHERE_TO_FIND['slack_bot_token']}")
        if not self.slack_bot_token.startswith("xoxb-"):
            raise ConfigError(f"SLACK_BOT_TOKEN must start with xoxb-: {WHERE_TO_FIND['slack_bot_token']}")
        if self.socket_mode and not self.slack_app_token.startswith("xapp-"):
            raise ConfigError(f"SLACK_APP_TOKEN must start with xapp-: {WHERE_TO_FIND['slack_app_token']}")
        if not self.socket_mode and not self.slack_signing_secret:
            raise ConfigError(
                "missing SLACK_SIGNING_SECRET (needed in HTTP mode, when SLACK_APP_TOKEN is not set): "
                + WHERE_TO_FIND["slack_signing_secret"]
            )
        if "://" not in self.database_url:
            raise ConfigError(f"malformed DATABASE_URL: {WHERE_TO_FIND['database_url']}")


def load_settings(environ: dict[str, str] | None = None) -> Settings:
    env = dict(os.environ if environ is None else environ)
    lowered = {key.lower(): value for key, value in env.items()}
    try:
        return Settings.model_validate({key: lowered[key] for key in Settings.model_fields if key in lowered})
    except ValidationError as error:
        raise ConfigError(_first_problem(error, env_style=True)) from None


def load_team_config(path: str | Path) -> TeamConfig:
    """The TOML config file; a missing default file means defaults, a missing named file is an error."""
    file = Path(path)
    if not file.exists():
        if str(path) == DEFAULT_CONFIG_FILE:
            return TeamConfig()
        raise ConfigError(f"config file {file} does not exist (set by INCIDENTBOT_CONFIG)")
    try:
        data: dict[str, Any] = tomllib.loads(file.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise ConfigError(f"config file {file} is not valid TOML: {error}") from None
    try:
        return TeamConfig.model_validate(_policy_from_toml(data))
    except ValidationError as error:
        problem = _unknown_key(error) or _first_problem(error, env_style=False)
        raise ConfigError(f"config file {file}: {problem}") from None


def _policy_from_toml(data: dict[str, Any]) -> dict[str, Any]:
    """TOML keys are strings; severities are written `[policy.severities.1]` and roles by name."""
    policy = data.get("policy")
    if isinstance(policy, dict) and isinstance(policy.get("severities"), dict):
        policy["severities"] = {
            int(key) if str(key).isdigit() else key: value for key, value in policy["severities"].items()
        }
    return data


def _unknown_key(error: ValidationError) -> str | None:
    """`policy.permisions: unknown key; did you mean permissions?` for a key no table knows."""
    problem = error.errors()[0]
    path = [str(part) for part in problem["loc"]]
    if problem["type"] != "extra_forbidden":
        # A table keyed by severity or role reports the bad key as `<key>.[key]`.
        if path[-1:] != ["[key]"]:
            return None
        path = path[:-1]
    known = _keys_at(path[:-1])
    close = difflib.get_close_matches(path[-1], known, n=1)
    advice = f"did you mean {close[0]}?" if close else "known keys: " + ", ".join(known)
    return f"{'.'.join(path)}: unknown key; {advice}"


def _keys_at(path: list[str]) -> list[str]:
    """The keys the config file may use in the table at `path`, read off the defaults."""
    table: Any = TeamConfig().model_dump()
    for part in path:
        if not isinstance(table, dict):
            return []
        table = {_key_name(key): value for key, value in table.items()}.get(part)
    return [_key_name(key) for key in table] if isinstance(table, dict) else []


def _key_name(key: object) -> str:
    return str(key.value) if isinstance(key, Enum) else str(key)


def _first_problem(error: ValidationError, *, env_style: bool) -> str:
    problem = error.errors()[0]
    location = ".".join(str(part) for part in problem["loc"])
    name = location.upper() if env_style else location
    hint = WHERE_TO_FIND.get(location, "")
    return f"malformed {name}: {problem['msg']}" + (f" ({hint})" if hint else "")

"""`python app.py`: settings problems are one clear line and exit status 2; HTTP mode serves."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.support.fake_slack import FakeSlack

ROOT = Path(__file__).resolve().parents[1]


def _run_app(env: dict[str, str], timeout: float = 30) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("SLACK_")}
    return subprocess.run(
        [sys.executable, "app.py"],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, "missing SLACK_BOT_TOKEN"),
        ({"SLACK_BOT_TOKEN": "nope"}, "SLACK_BOT_TOKEN must start with xoxb-"),
        ({"SLACK_BOT_TOKEN": "xoxb-1"}, "missing SLACK_SIGNING_SECRET"),
        ({"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "abc"}, "SLACK_APP_TOKEN must start with xapp-"),
        ({"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s", "PORT": "http"}, "malformed PORT"),
        (
            {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s", "INCIDENTBOT_CONFIG": "/nope.toml"},
            "config file /nope.toml does not exist",
        ),
    ],
)
def test_bad_settings_print_one_line_and_exit_2(env: dict[str, str], expected: str) -> None:
    result = _run_app(env)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert expected in lines[0]
    assert "Traceback" not in result.stderr


def test_an_unknown_config_key_prints_its_path_and_exits_2(tmp_path: Path) -> None:
    config = tmp_path / "incidentbot.toml"
    config.write_text("[policy.permisions]\ncommander_only_resolves = false\n", encoding="utf-8")
    env = {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s", "INCIDENTBOT_CONFIG": str(config)}
    result = _run_app(env)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        f"incidentbot: config file {config}: policy.permisions: unknown key; did you mean permissions?"
    ]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_http_mode_serves_healthz_against_a_slack_emulator(tmp_path: Path) -> None:
    port = _free_port()
    with FakeSlack() as slack:
        clean = {k: v for k, v in os.environ.items() if not k.startswith("SLACK_")}
        env = {
            **clean,
            "SLACK_BOT_TOKEN": "xoxb-test",
            "SLACK_SIGNING_SECRET": "secret",
            "SLACK_API_URL": slack.url,
            "DATABASE_URL": f"sqlite:///{tmp_path / 'bot.db'}",
            "PORT": str(port),
        }
        process = subprocess.Popen([sys.executable, "app.py"], cwd=ROOT, env=env, stderr=subprocess.PIPE)
        try:
            deadline = time.monotonic() + 30
            while True:
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1) as answer:
                        assert answer.status == 200
                        break
                except OSError:
                    assert process.poll() is None, process.stderr.read() if process.stderr else ""
                    assert time.monotonic() < deadline, "the bot did not start serving"
                    time.sleep(0.1)
            assert (tmp_path / "bot.db").exists(), "migrations ran at start-up"
            assert slack.count("auth.test") >= 1, "the token is checked against SLACK_API_URL"
        finally:
            process.terminate()
            process.wait(timeout=10)
        log = process.stderr.read().decode() if process.stderr else ""
        assert "serving HTTP on port" in log
        assert "xoxb-test" not in log and "secret" not in log, "secrets never reach the log"

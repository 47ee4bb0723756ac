"""`python app.py` and Slack at start: a refused token is one line and exit 2; no network, retries."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.support.fake_slack import FakeSlack
from tests.test_main import ROOT, _free_port, _run_app


def _http_env(slack_url: str, tmp_path: Path, port: int, **extra: str) -> dict[str, str]:
    return {
        "SLACK_BOT_TOKEN": "xoxb-test",
        "SLACK_SIGNING_SECRET": "secret",
        "SLACK_API_URL": slack_url,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'bot.db'}",
        "PORT": str(port),
        **extra,
    }


def _one_line_exit_2(result: subprocess.CompletedProcess[str], *expected: str) -> str:
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    for words in expected:
        assert words in lines[0]
    return lines[0]


@pytest.mark.parametrize("error", ["invalid_auth", "account_inactive", "token_revoked"])
def test_a_bot_token_slack_refuses_is_one_line_and_exit_2(tmp_path: Path, error: str) -> None:
    with FakeSlack() as slack:
        slack.inject("auth.test", error=error, times=None)
        result = _run_app(_http_env(slack.url, tmp_path, _free_port()))
    line = _one_line_exit_2(result, f"Slack refused SLACK_BOT_TOKEN ({error})", "OAuth & Permissions")
    assert "xoxb-test" not in line
    assert not (tmp_path / "bot.db").exists(), "nothing else starts with a refused token"


def test_a_revoked_bot_token_is_refused_as_slack_refuses_it(tmp_path: Path) -> None:
    with FakeSlack() as slack:
        slack.refused_tokens.add("xoxb-test")
        result = _run_app(_http_env(slack.url, tmp_path, _free_port()))
    _one_line_exit_2(result, "Slack refused SLACK_BOT_TOKEN (invalid_auth)")


def test_an_app_token_slack_refuses_is_one_line_and_exit_2(tmp_path: Path) -> None:
    with FakeSlack() as slack:
        slack.refused_tokens.add("xapp-revoked")
        env = _http_env(slack.url, tmp_path, _free_port(), SLACK_APP_TOKEN="xapp-revoked")
        result = _run_app(env)
    _one_line_exit_2(result, "Slack refused SLACK_APP_TOKEN (invalid_auth)", "App-Level Tokens")


def test_slack_unreachable_at_start_is_retried_until_it_answers(tmp_path: Path) -> None:
    slack_port, port = _free_port(), _free_port()
    url = f"http://127.0.0.1:{slack_port}/api/"
    clean = {k: v for k, v in os.environ.items() if not k.startswith("SLACK_")}
    env = {**clean, **_http_env(url, tmp_path, port, SLACK_RETRY_MAX_SECONDS="0.2")}
    log_path = tmp_path / "stderr.log"
    with log_path.open("w") as log_file:
        process = subprocess.Popen([sys.executable, "app.py"], cwd=ROOT, env=env, stderr=log_file)
    try:
        _wait_for(lambda: log_path.read_text().count("Slack not reachable") >= 2, process, "a retry")
        assert f"Slack not reachable at {url}" in log_path.read_text()
        assert "retrying in" in log_path.read_text()
        assert process.poll() is None, "a network failure does not end the process"
        with FakeSlack(port=slack_port) as slack:
            _wait_for(lambda: _healthy(port), process, "serving once Slack answers")
            assert slack.count("auth.test") >= 1
    finally:
        process.terminate()
        process.wait(timeout=10)
    log = log_path.read_text()
    assert "Traceback" not in log
    assert "Slack answered" in log


def _healthy(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1) as answer:
            return bool(answer.status == 200)
    except OSError:
        return False


def _wait_for(
    done: Callable[[], bool], process: subprocess.Popen[bytes], what: str, timeout: float = 30
) -> None:
    deadline = time.monotonic() + timeout
    while not done():
        assert process.poll() is None, f"the bot exited waiting for {what}"
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


def test_a_stop_while_waiting_for_slack_exits_cleanly(tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{_free_port()}/api/"
    clean = {k: v for k, v in os.environ.items() if not k.startswith("SLACK_")}
    env = {**clean, **_http_env(url, tmp_path, _free_port(), SLACK_RETRY_MAX_SECONDS="3600")}
    log_path = tmp_path / "stderr.log"
    with log_path.open("w") as log_file:
        process = subprocess.Popen([sys.executable, "app.py"], cwd=ROOT, env=env, stderr=log_file)
    try:
        _wait_for(lambda: "Slack not reachable" in log_path.read_text(), process, "the first retry")
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=10) == 0
    finally:
        if process.poll() is None:
            process.kill()
    log = log_path.read_text()
    assert "stopped before Slack answered" in log and "Traceback" not in log

"""The README's receiver, run exactly as written, verifies real deliveries and refuses forged or old ones."""

from __future__ import annotations

import hashlib
import hmac
import re
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from incidentbot.clock import ManualClock
from incidentbot.config import TeamConfig
from incidentbot.webhooks.model import WebhookEndpoint
from tests.e2e.helpers import declare, wait_until
from tests.e2e.update_helpers import submit_update, wait_for_post
from tests.e2e.wrapup_helpers import resolve
from tests.support.fake_slack import FakeSlack
from tests.support.harness import RunningBot, running_bot
from tests.support.processes import free_port
from tests.webhooks.helpers import deliver_all

README = Path(__file__).resolve().parents[2] / "README.md"
SECRET = "whsec-readme-0123456789abcdef"


def _snippet() -> str:
    section = README.read_text(encoding="utf-8").split("## Outgoing webhooks", 1)[1].split("\n## ", 1)[0]
    found = re.search(r"### A receiver.*?```python\n(.*?)```", section, re.S)
    assert found, "the README's receiver snippet"
    return found.group(1)


class Snippet:
    def __init__(self, tmp_path: Path) -> None:
        script = tmp_path / "receiver.py"
        script.write_text(_snippet(), encoding="utf-8")
        self.port = free_port()
        self.printed: list[str] = []
        env = {"WEBHOOK_SECRET": SECRET, "PORT": str(self.port), "PATH": "/usr/bin:/bin"}
        self.process = subprocess.Popen(
            [sys.executable, str(script)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        threading.Thread(target=self._read, daemon=True).start()
        wait_until(self._listening)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.printed.append(line.strip())

    def _listening(self) -> bool:
        try:
            return self.post(b"{}", "t=1,v1=0") == 400
        except OSError:
            return False

    def post(self, body: bytes, signature: str) -> int:
        request = urllib.request.Request(
            self.url, data=body, headers={"X-Incidentbot-Signature": signature}, method="POST"
        )
        try:
            with urllib.request.urlopen(request, timeout=5) as answer:
                return int(answer.status)
        except urllib.error.HTTPError as refused:
            return refused.code

    def stop(self) -> None:
        self.process.kill()
        self.process.wait(timeout=10)


@pytest.fixture
def snippet(tmp_path: Path) -> Iterator[Snippet]:
    running = Snippet(tmp_path)
    yield running
    running.stop()


@pytest.fixture
def bot(slack: FakeSlack, database_url: str, clock: ManualClock, snippet: Snippet) -> Iterator[RunningBot]:
    clock.set(datetime.now(UTC))  # the receiver checks the signature's time against its own clock
    endpoint = WebhookEndpoint(url=snippet.url, secret=SECRET, allow_http_loopback=True)
    with running_bot(slack, database_url, clock, TeamConfig(webhooks=(endpoint,))) as running:
        yield running


def test_the_readme_receiver_takes_each_event_once(bot: RunningBot, snippet: Snippet) -> None:
    incident = declare(bot)
    assert submit_update(bot, incident, user="U001", status="identified").status == 200
    wait_for_post(bot, incident.channel_id, "Errors started")
    resolve(bot, incident)
    deliver_all(bot)
    dispatcher = bot.bot.webhooks
    assert dispatcher is not None
    assert dispatcher.redeliver(1) is not None, "the declaration sent again, with its id"

    watched = ("incident.declared 1", "update.posted 1", "incident.resolved 1")
    wait_until(lambda: "incident.resolved 1" in snippet.printed)
    assert [line for line in snippet.printed if line in watched] == list(watched)


def test_the_readme_receiver_refuses_a_forged_or_old_signature(snippet: Snippet) -> None:
    body = b'{"id": "evt_1", "type": "incident.declared", "incident": null}'
    now = int(time.time())

    def signed(at: int, secret: str = SECRET) -> str:
        digest = hmac.new(secret.encode(), f"{at}.".encode() + body, hashlib.sha256).hexdigest()
        return f"t={at},v1={digest}"

    assert snippet.post(body, signed(now, secret="not-the-secret-at-all")) == 400
    assert snippet.post(body, signed(now - 600)) == 400
    assert snippet.post(body, "") == 400
    assert snippet.post(body, signed(now)) == 204
    wait_until(lambda: snippet.printed == ["incident.declared None"])

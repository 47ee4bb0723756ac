"""A running bot with two webhook endpoints on local receivers: one takes private incidents too."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from incidentbot.clock import ManualClock
from incidentbot.config import TeamConfig
from incidentbot.webhooks import send
from incidentbot.webhooks.model import WebhookEndpoint
from tests.support.fake_slack import FakeSlack
from tests.support.harness import RunningBot, running_bot
from tests.webhooks.receiver import Receiver

SECRET = "whsec-test-0123456789abcdef"
PRIVATE_SECRET = "whsec-private-0123456789abcdef"


@dataclass
class Hooks:
    running: RunningBot
    public: Receiver
    private: Receiver


@pytest.fixture
def hooks(
    slack: FakeSlack, database_url: str, clock: ManualClock, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Hooks]:
    # A receiver that hangs is given up on after half a second here, not five.
    monkeypatch.setattr(send, "TIMEOUT_SECONDS", 0.3)
    public, private = Receiver().start(), Receiver().start()
    team = TeamConfig(
        webhooks=(
            WebhookEndpoint(url=public.url, secret=SECRET, allow_http_loopback=True),
            WebhookEndpoint(
                url=private.url, secret=PRIVATE_SECRET, allow_http_loopback=True, include_private=True
            ),
        )
    )
    try:
        with running_bot(slack, database_url, clock, team) as running:
            yield Hooks(running, public, private)
    finally:
        public.stop()
        private.stop()

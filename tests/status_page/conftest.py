"""Fixtures of the subscriber tests: a real SMTP server, a webhook receiver, and a bot that mails.

A test module that defines its own `team` (a bot without mail) overrides the one here; one that
needs other settings for the mailing bot overrides `mail_settings`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from incidentbot.clock import ManualClock
from tests.status_page.mailbox import Mailbox, smtp_server
from tests.status_page.receiver import Receiver, webhook_receiver
from tests.status_page.subscriber_helpers import bot_with_mail
from tests.support.fake_slack import FakeSlack
from tests.support.harness import RunningBot


@pytest.fixture
def mailbox() -> Iterator[Mailbox]:
    with smtp_server() as box:
        yield box


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with webhook_receiver() as found:
        yield found


@pytest.fixture
def mail_settings() -> dict[str, Any]:
    """Settings of the mailing bot beyond SMTP_URL and STATUS_PAGE_FROM."""
    return {}


@pytest.fixture
def team(
    slack: FakeSlack, database_url: str, clock: ManualClock, mailbox: Mailbox, mail_settings: dict[str, Any]
) -> Iterator[RunningBot]:
    with bot_with_mail(slack, database_url, clock, mailbox, **mail_settings) as bot:
        yield bot

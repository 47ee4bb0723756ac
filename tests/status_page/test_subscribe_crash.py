"""`kill -9` right after the form answered "check your inbox": the confirmation it owed is in the
outbox, and the restarted bot mails it, once."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlencode

import pytest

from incidentbot.status_page.notify import CONFIRMATION
from tests.e2e.helpers import wait_until
from tests.e2e.process_helpers import rows
from tests.status_page.mailbox import Mailbox, parts, path_of
from tests.status_page.subscriber_helpers import FORM, SENDER, links
from tests.support.crash import FAST_TICKS, START_TIMEOUT, own_database, take_over_now
from tests.support.fake_slack import FakeSlack
from tests.support.harness import SIGNING_SECRET
from tests.support.postgres import ThrowawayPostgres
from tests.support.processes import BotProcess
from tests.support.signing import Response, SlackClientForTests

pytestmark = pytest.mark.postgres
READER = "reader@example.com"
PAGE = '[status_page]\ntitle = "Acme status"\n\n[[status_page.components]]\nname = "API"\n'
OWED = f"SELECT state, payload IS NULL FROM reminders WHERE kind = '{CONFIRMATION}'"


def _client(bot: BotProcess) -> SlackClientForTests:
    return SlackClientForTests(bot.base_url, SIGNING_SECRET)


def _subscribe(bot: BotProcess, address: str) -> Response:
    body = urlencode({"email": address}).encode()
    return _client(bot)._send("POST", "/status/subscribe", body, {"Content-Type": FORM})


def test_kill_9_right_after_the_answer_still_mails_the_confirmation_once(
    postgres_server: ThrowawayPostgres, slack: FakeSlack, tmp_path: Path, mailbox: Mailbox
) -> None:
    config = tmp_path / "incidentbot.toml"
    config.write_text(PAGE, encoding="utf-8")
    env = {
        **FAST_TICKS,
        "INCIDENTBOT_CONFIG": str(config),
        "SMTP_URL": mailbox.url,
        "STATUS_PAGE_FROM": SENDER,
    }
    with own_database(postgres_server) as (url, engine):
        mailbox.hold = True
        killed = BotProcess(slack.url, url, SIGNING_SECRET, tmp_path / "killed.log", **env)
        restarted = BotProcess(slack.url, url, SIGNING_SECRET, tmp_path / "restarted.log", **env)
        try:
            killed.start(timeout=START_TIMEOUT)
            answer = _subscribe(killed, READER)
            assert answer.status == 200 and b"Check your inbox" in answer.body, answer.body
            wait_until(lambda: mailbox.holding > 0, timeout=30)  # the mail is on its way
            killed.kill()
            mailbox.hold = False
            assert not mailbox.received
            assert rows(engine, OWED) == [("pending", False)]

            take_over_now(engine)  # stands in for the dead process's lease running out
            restarted.start(timeout=START_TIMEOUT)
            [confirmation] = mailbox.wait_for(READER)
            wait_until(lambda: rows(engine, OWED) == [("done", True)], timeout=30)
            [link] = links(parts(confirmation)[0])
            followed = _client(restarted).get(path_of(link))
            assert followed.status == 200 and b"Subscription confirmed" in followed.body
        finally:
            restarted.stop()
            killed.kill()
    assert len(mailbox.to(READER)) == 1

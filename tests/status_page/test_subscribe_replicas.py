"""The subscribe form's limits hold across replicas: both count the same uses, in the database."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest

from incidentbot.clock import ManualClock
from incidentbot.kernel.housekeeping import sweep
from incidentbot.status_page.rate_limit import PER_ADDRESS, PER_CLIENT
from tests.status_page.mailbox import Mailbox
from tests.status_page.subscriber_helpers import bot_with_mail, post_form
from tests.support.fake_slack import FakeSlack
from tests.support.harness import RunningBot

ADDRESS = "flooded@example.com"


@pytest.fixture
def replicas(
    slack: FakeSlack, database_url: str, clock: ManualClock, mailbox: Mailbox
) -> Iterator[tuple[RunningBot, RunningBot]]:
    with (
        bot_with_mail(slack, database_url, clock, mailbox) as one,
        bot_with_mail(slack, database_url, clock, mailbox) as two,
    ):
        yield one, two


def test_an_address_is_limited_across_replicas(
    replicas: tuple[RunningBot, RunningBot], mailbox: Mailbox
) -> None:
    one, two = replicas
    answers = []
    for n in range(PER_ADDRESS + 1):
        answers.append(post_form(replicas[n % 2], {"email": ADDRESS}).status)
        if answers[-1] == 200:
            mailbox.wait_for(ADDRESS, n + 1)
    assert answers == [200] * PER_ADDRESS + [429]
    assert post_form(two if PER_ADDRESS % 2 else one, {"email": ADDRESS.upper()}).status == 429
    one.clock.advance(timedelta(minutes=16))
    assert post_form(two, {"email": ADDRESS}).status == 200


def test_a_client_is_limited_across_replicas(replicas: tuple[RunningBot, RunningBot]) -> None:
    answers = [
        post_form(replicas[n % 2], {"email": f"reader{n}@example.com"}).status for n in range(PER_CLIENT)
    ]
    assert answers == [200] * PER_CLIENT
    assert [post_form(bot, {"email": "one-more@example.com"}).status for bot in replicas] == [429, 429]


def test_submissions_racing_on_two_replicas_pass_the_limit_no_further(
    replicas: tuple[RunningBot, RunningBot],
) -> None:
    attempts = 4 * PER_ADDRESS

    def post(n: int) -> int:
        return post_form(replicas[n % 2], {"email": ADDRESS}).status

    with ThreadPoolExecutor(attempts) as pool:
        answers = list(pool.map(post, range(attempts)))
    assert sorted(answers) == [200] * PER_ADDRESS + [429] * (attempts - PER_ADDRESS), answers


def test_housekeeping_forgets_uses_older_than_the_window(replicas: tuple[RunningBot, RunningBot]) -> None:
    one, _ = replicas
    for n in range(3):
        assert post_form(one, {"email": f"reader{n}@example.com"}).status == 200
    one.settle()
    one.clock.advance(timedelta(minutes=16))
    report = sweep(one.services)
    assert report.features["status page form uses"] == 4, "one client and three addresses"
    assert sweep(one.services).features["status page form uses"] == 0

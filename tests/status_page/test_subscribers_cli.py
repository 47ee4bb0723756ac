"""`python -m incidentbot statuspage subscribers`: the operator lists and removes subscribers."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.status_page.mailbox import Mailbox
from tests.status_page.subscriber_helpers import post_form, subscribe
from tests.support.harness import RunningBot


def subscribers(database_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": database_url}
    return subprocess.run(
        [sys.executable, "-m", "incidentbot", "statuspage", "subscribers", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_the_operator_lists_and_removes_subscribers(
    team: RunningBot, mailbox: Mailbox, database_url: str
) -> None:
    subscribe(team, mailbox, "confirmed@example.com", components=["API"])
    assert post_form(team, {"email": "pending@example.com"}).status == 200
    listed = subscribers(database_url)
    assert listed.returncode == 0, listed.stderr
    header, *rows = [line.split("\t") for line in listed.stdout.splitlines()]
    assert header == ["id", "kind", "address", "components", "state", "created", "confirmed"]
    assert [(r[1], r[2], r[3], r[4]) for r in rows] == [
        ("email", "confirmed@example.com", "API", "confirmed"),
        ("email", "pending@example.com", "all", "pending"),
    ]
    assert rows[0][6].startswith("2026-01-01T12:00") and rows[1][6] == "-"

    removed = subscribers(database_url, "remove", "pending@example.com")
    assert removed.returncode == 0 and "removed 1 subscriber" in removed.stdout
    by_id = subscribers(database_url, "remove", rows[0][0])
    assert by_id.returncode == 0, by_id.stderr
    assert subscribers(database_url).stdout.splitlines()[1:] == []


def test_removing_an_unknown_subscriber_says_how_to_find_one(team: RunningBot, database_url: str) -> None:
    missing = subscribers(database_url, "remove", "nobody@example.com")
    assert missing.returncode == 1 and "list them to see ids" in missing.stderr
    wrong = subscribers(database_url, "delete")
    assert wrong.returncode == 2 and "usage: incidentbot statuspage subscribers" in wrong.stderr

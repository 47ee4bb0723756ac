"""`python -m incidentbot webhooks log` lists the deliveries; `webhooks redeliver ID` sends one again."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from incidentbot.cli import webhooks as cli
from tests.e2e.helpers import declare
from tests.webhooks.conftest import PRIVATE_SECRET, SECRET, Hooks
from tests.webhooks.helpers import deliver_all


def _run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = cli.run(list(argv), io.StringIO(), out, err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def cli_env(hooks: Hooks, database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Hooks:
    config = tmp_path / "incidentbot.toml"
    config.write_text(
        f'[[webhooks]]\nurl = "{hooks.public.url}"\nsecret = "{SECRET}"\nallow_http_loopback = true\n'
        f'[[webhooks]]\nurl = "{hooks.private.url}"\nsecret = "{PRIVATE_SECRET}"\n'
        "allow_http_loopback = true\ninclude_private = true\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("INCIDENTBOT_CONFIG", str(config))
    return hooks


def test_the_log_shows_a_given_up_delivery_and_redeliver_sends_the_same_event_again(cli_env: Hooks) -> None:
    hooks = cli_env
    hooks.public.answer_next(410)
    declare(hooks.running)
    deliver_all(hooks.running)
    refused = hooks.public.received[0]

    code, out, _ = _run("log", "--failed")

    assert code == 0
    header, *rows = out.splitlines()
    assert header.split() == ["ID", "TYPE", "ENDPOINT", "INCIDENT", "ATTEMPTS", "LAST", "STATE"]
    assert len(rows) == 1
    delivery_id, kind, endpoint, incident, attempts, last, state = rows[0].split()
    assert (kind, endpoint, incident, attempts, last, state) == (
        "incident.declared",
        hooks.public.url,
        "#1",
        "1",
        "410",
        "failed",
    )

    code, out, _ = _run("redeliver", delivery_id)

    assert code == 0, out
    again = hooks.public.accepted[-1]
    assert again.payload["id"] == refused.payload["id"] and again.body == refused.body
    assert out.splitlines()[1].split()[-1] == "delivered"
    all_rows = _run("log")[1].splitlines()[1:]
    assert len(all_rows) == 3, "the redelivery is a delivery of its own beside the two first ones"


def test_redelivering_an_unknown_delivery_says_where_to_find_the_ids(cli_env: Hooks) -> None:
    code, _, err = _run("redeliver", "999")
    assert code == 1 and "webhooks log" in err
    code, _, err = _run("log", "--limit", "0")
    assert code == 2 and "whole number above 0" in err

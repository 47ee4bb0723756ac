"""`[[webhooks]]` in the team config: what is accepted, and the one-line error for what is not."""

from __future__ import annotations

from pathlib import Path

import pytest

from incidentbot.config import ConfigError, load_team_config

SECRET = 'secret = "whsec-0123456789abcdef"'


def _load(tmp_path: Path, body: str) -> object:
    file = tmp_path / "incidentbot.toml"
    file.write_text(body, encoding="utf-8")
    return load_team_config(file)


def test_endpoints_are_read_with_their_defaults(tmp_path: Path) -> None:
    team = _load(
        tmp_path,
        f'[[webhooks]]\nurl = "https://hooks.example.com/in"\n{SECRET}\n'
        f'[[webhooks]]\nurl = "http://127.0.0.1:9000/"\n{SECRET}\nallow_http_loopback = true\n'
        'events = ["incident.declared", "alert.received"]\ninclude_private = true\n',
    )
    first, second = team.webhooks  # type: ignore[attr-defined]
    assert (first.events, first.include_private, first.allow_http_loopback) == (None, False, False)
    assert second.events == ("incident.declared", "alert.received") and second.include_private


@pytest.mark.parametrize(
    ("entry", "problem"),
    [
        (
            'url = "https://h.example.com/"\nevents = ["incident.exploded"]',
            "unknown event type 'incident.exploded'",
        ),
        ('url = "http://hooks.example.com/"', "must use https://"),
        ('url = "http://127.0.0.1:9000/"', "allow_http_loopback = true"),
        ('url = "http://10.0.0.8/"\nallow_http_loopback = true', "must use https://"),
        ('url = "ftp://hooks.example.com/"', "must be an https:// address"),
    ],
)
def test_a_bad_endpoint_is_refused_with_what_to_change(tmp_path: Path, entry: str, problem: str) -> None:
    with pytest.raises(ConfigError) as refused:
        _load(tmp_path, f"[[webhooks]]\n{entry}\n{SECRET}\n")
    assert problem in str(refused.value)
    assert "webhooks.0" in str(refused.value)


def test_a_short_secret_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"webhooks\.0\.secret"):
        _load(tmp_path, '[[webhooks]]\nurl = "https://h.example.com/"\nsecret = "short"\n')

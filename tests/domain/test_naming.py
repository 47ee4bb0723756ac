from __future__ import annotations

import re

import pytest

from incidentbot.declare.naming import MAX_CHANNEL_NAME, channel_name, slugify

SLACK_NAME = re.compile(r"^[a-z0-9_-]{1,80}$")


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Checkout failing", "inc-7-checkout-failing"),
        ("  API   5xx -- EU!! ", "inc-7-api-5xx-eu"),
        ("Café crème down", "inc-7-cafe-creme-down"),
        ("🔥🔥🔥", "inc-7"),
        ("障害が発生", "inc-7"),
        ("<!channel> down", "inc-7-channel-down"),
    ],
)
def test_channel_names_follow_slack_rules(title: str, expected: str) -> None:
    name = channel_name("inc", 7, title)
    assert name == expected
    assert SLACK_NAME.match(name)


def test_long_titles_are_cut_to_80_characters_without_a_trailing_dash() -> None:
    name = channel_name("inc", 12345, "word " * 40)
    assert len(name) <= MAX_CHANNEL_NAME
    assert not name.endswith("-")
    suffixed = channel_name("inc", 12345, "word " * 40, attempt=3)
    assert suffixed.endswith("-4") and len(suffixed) <= MAX_CHANNEL_NAME


def test_retries_add_a_suffix() -> None:
    assert channel_name("inc", 1, "db", attempt=1) == "inc-1-db-2"


def test_prefix_is_cleaned_too() -> None:
    assert channel_name("INC Team!", 3, "x") == "inc-team-3-x"
    assert slugify("---") == ""

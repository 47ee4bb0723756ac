from __future__ import annotations

from tests.support.composer import Directory
from tests.support.manifest import slash_command_escapes

PEOPLE = Directory(users={"carol": "U003"}, channels={"ops": "C9"})


def test_with_escaping_on_mentions_carry_their_names_and_specials_are_escaped() -> None:
    sent = PEOPLE.command_text("role comms @carol in #ops & <b> @here", should_escape=True)
    assert sent == "role comms <@U003|carol> in <#C9|ops> &amp; &lt;b&gt; <!here>"


def test_with_escaping_off_mentions_arrive_as_typed_but_specials_are_still_escaped() -> None:
    assert PEOPLE.command_text("role comms @carol & co", should_escape=False) == "role comms @carol &amp; co"


def test_a_name_slack_cannot_complete_and_an_address_stay_words() -> None:
    assert PEOPLE.command_text("@nobody mail a@b.io", should_escape=True) == "@nobody mail a@b.io"


def test_message_text_is_stored_escaped_with_bare_mentions() -> None:
    assert PEOPLE.message_text("ok @carol: a < b & c") == "ok <@U003>: a &lt; b &amp; c"


def test_the_shipped_manifest_escapes_slash_command_text() -> None:
    assert slash_command_escapes() is True

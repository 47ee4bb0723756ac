from __future__ import annotations

from incidentbot.timeline.slack_message_text import (
    channel_message,
    message_text,
    readable,
    readable_keeping_people,
)

NAMES = {"U001": "alice", "U002": "bob"}


def name_of(user_id: str) -> str:
    return NAMES.get(user_id, user_id)


def test_mentions_channels_and_links_become_plain_text() -> None:
    text = "<@U001> and <@U002|old-name> see <#C1|ops> <#C2> <!here> <!channel> <!subteam^S1|@oncall>"
    assert readable(text, name_of) == "@alice and @bob see #ops #C2 @here @channel @oncall"
    assert readable("<https://x.io/a|dashboard> <https://x.io/b> <mailto:a@b.c|a@b.c>", name_of) == (
        "dashboard (https://x.io/a) https://x.io/b a@b.c"
    )
    assert readable("<!date^1392734382^{date}|Feb 18th>", name_of) == "Feb 18th"


def test_slack_escapes_are_decoded_once() -> None:
    assert readable("a &lt; b &amp;&amp; c &gt; d &amp;lt;", name_of) == "a < b && c > d &lt;"
    assert readable("typed &lt;!here&gt; literally", name_of) == "typed <!here> literally"


def test_message_text_prefers_text_then_attachments_then_blocks_and_adds_files() -> None:
    assert message_text({"text": "hi <@U001>"}, name_of) == "hi @alice"
    alert = {"text": "", "attachments": [{"title": "CPU high", "text": "db-1", "fallback": "x"}]}
    assert message_text(alert, name_of) == "CPU high db-1"
    assert message_text({"attachments": [{"fallback": "only fallback"}]}, name_of) == "only fallback"
    blocks = {"blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "From blocks"}}]}
    assert message_text(blocks, name_of) == "From blocks"
    assert message_text({"text": "see", "files": [{"name": "a.png"}]}, name_of) == "see (file: a.png)"
    assert message_text({"files": [{"title": "untitled"}]}, name_of) == "(file: untitled)"
    assert message_text({}, name_of) == "(message without text)"


def test_authors_people_apps_and_integrations() -> None:
    person = channel_message({"ts": "1.1", "user": "U001", "text": "x"}, name_of)
    assert (person.author_id, person.author_name) == ("U001", "alice")
    webhook = channel_message({"ts": "1.2", "bot_id": "B9", "username": "PagerDuty", "text": "x"}, name_of)
    assert (webhook.author_id, webhook.author_name) == ("B9", "PagerDuty")
    app = channel_message({"ts": "1.3", "bot_id": "B8", "bot_profile": {"name": "Grafana"}}, name_of)
    assert (app.author_id, app.author_name) == ("B8", "Grafana")
    nobody = channel_message({"ts": "1.4", "text": "x"}, name_of)
    assert (nobody.author_id, nobody.author_name) == (None, None)


def test_people_stay_tokens_for_a_parser_and_the_rest_reads_as_typed() -> None:
    text = "Fix api &amp; worker <@U002|bob> in <#C1|ops> <!here> <!subteam^S1|@oncall> &lt;b&gt;"
    assert (
        readable_keeping_people(text)
        == "Fix api & worker <@U002|bob> in #ops @here <!subteam^S1|@oncall> <b>"
    )

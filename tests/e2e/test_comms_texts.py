"""Customer, stakeholder and executive texts: drafted, checked before posting, kept in order."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest

from incidentbot.clock import ManualClock
from incidentbot.config import TeamConfig
from tests.e2e.helpers import declare, wait_until
from tests.e2e.wrapup_helpers import STAKEHOLDERS, last_modal, posted, resolve
from tests.support import signing
from tests.support.fake_slack import FakeSlack
from tests.support.harness import RunningBot, running_bot

GOOD = (
    "We're investigating reports of failed logins affecting some users in Europe. Our team is "
    "working on it; the next update will be posted by 14:30 UTC."
)
JARGON = "Our database connection pool is exhausted and we are promoting a replica."


@pytest.fixture
def team(slack: FakeSlack, database_url: str, clock: ManualClock) -> Iterator[RunningBot]:
    with running_bot(slack, database_url, clock, TeamConfig(stakeholder_channel=STAKEHOLDERS)) as bot:
        yield bot


def submit_text(running: RunningBot, view: dict[str, Any], text: str, user: str = "U002") -> Any:
    state = {"text": {"value": signing.plain(text)}}
    return running.client.submit("comms_text", state, user_id=user, private_metadata=view["private_metadata"])


def kept(running: RunningBot, incident_id: int, audience: str | None = None) -> list[Any]:
    with running.services.store.transaction() as tx:
        return [t for t in tx.comms_texts(incident_id) if audience is None or t.audience == audience]


def test_customer_draft_is_editable_and_a_good_text_is_saved_at_once(team: RunningBot) -> None:
    incident = declare(team, impact="Users in Europe cannot log in")
    team.client.command("comms customer", channel_id=incident.channel_id, user_id="U002")
    view = last_modal(team)
    assert view["callback_id"] == "comms_text"
    draft = view["blocks"][-1]["element"]["initial_value"]
    assert "What you may notice: Users in Europe cannot log in." in draft
    assert "The next update will be posted by 12:15 UTC." in draft
    assert view["blocks"][-1]["element"]["max_length"] == 3000

    response = submit_text(team, view, GOOD)
    assert response.status == 200 and not response.body
    message = posted(team, incident.channel_id, "Customer update (investigating)").args["text"]
    assert ">We're investigating reports of failed logins" in message
    # The message's ts is stored right after posting: wait for it rather than for the row.
    [saved] = wait_until(lambda: [t for t in kept(team, incident.id) if t.message_ts])
    assert (saved.audience, saved.stage, saved.author_id, saved.findings) == (
        "customer",
        "investigating",
        "U002",
        (),
    )


def test_findings_come_back_as_a_review_and_post_anyway_keeps_them(team: RunningBot) -> None:
    incident = declare(team)
    team.client.command("comms customer", channel_id=incident.channel_id, user_id="U002")
    view = last_modal(team)

    review = submit_text(team, view, JARGON).json()
    assert review["response_action"] == "update"
    shown = review["view"]
    assert shown["submit"]["text"] == "Post anyway"
    listing = json.dumps(shown["blocks"][0])
    assert "found 4 things" in listing and "connection pool" in listing and "next one comes" in listing
    assert shown["blocks"][-1]["element"]["initial_value"] == JARGON
    assert kept(team, incident.id) == [], "nothing is saved before the author decides"

    assert not submit_text(team, shown, JARGON).body
    [saved] = wait_until(lambda: kept(team, incident.id))
    assert {f.rule for f in saved.findings} == {"jargon", "missing-next-update"}
    message = posted(team, incident.channel_id, "Customer update").args["text"]
    assert "flagged 4 things; the author posted it as written" in message


def test_a_finding_about_what_is_missing_quotes_nothing(team: RunningBot) -> None:
    incident = declare(team)
    team.client.command("comms customer", channel_id=incident.channel_id, user_id="U002")
    silent = "We're investigating failed checkouts affecting some customers."
    review = submit_text(team, last_modal(team), silent).json()
    listing = review["view"]["blocks"][0]["text"]["text"]
    assert "does not say when the next one comes" in listing
    assert "“”" not in listing and '""' not in listing


def test_editing_in_the_review_checks_again(team: RunningBot) -> None:
    incident = declare(team)
    team.client.command("comms customer", channel_id=incident.channel_id)
    review = submit_text(team, last_modal(team), JARGON).json()["view"]
    again = submit_text(team, review, "Should be fixed in 5 minutes!").json()
    assert again["response_action"] == "update"
    assert "promises when the fix will land" in json.dumps(again["view"]["blocks"][0])
    assert not submit_text(team, again["view"], GOOD).body
    [saved] = wait_until(lambda: kept(team, incident.id))
    assert saved.text == GOOD and saved.findings == ()


@pytest.mark.parametrize(
    ("text", "words"), [("", "Write the text"), ("x" * 10_240, "under 3,000 characters")]
)
def test_empty_or_ten_kilobyte_customer_text_is_refused_inline(
    team: RunningBot, text: str, words: str
) -> None:
    incident = declare(team)
    team.client.command("comms customer", channel_id=incident.channel_id)
    body = submit_text(team, last_modal(team), text).json()
    assert body["response_action"] == "errors"
    assert words in body["errors"]["text"]
    assert kept(team, incident.id) == []


def test_stakeholder_summary_goes_to_the_stakeholder_channel(team: RunningBot) -> None:
    incident = declare(team, impact="Checkout fails for everyone")
    team.client.command("comms stakeholder", channel_id=incident.channel_id, user_id="U002")
    view = last_modal(team)
    draft = view["blocks"][-1]["element"]["initial_value"]
    assert "Business impact: Checkout fails for everyone." in draft and "Next update: by 12:15 UTC." in draft
    assert not submit_text(team, view, draft).body
    message = posted(team, STAKEHOLDERS, "Stakeholder summary for incident #1").args["text"]
    assert f"<#{incident.channel_id}>" in message and ">Business impact" in message
    assert [t.audience for t in wait_until(lambda: kept(team, incident.id))] == ["stakeholder"]


def test_a_stakeholder_draft_gives_one_next_update_time(team: RunningBot) -> None:
    incident = declare(team, impact="Checkout fails for everyone")
    team.client.command("comms stakeholder", channel_id=incident.channel_id, user_id="U002")
    first = last_modal(team)
    assert _clock_times(first["blocks"][-1]["element"]["initial_value"]) == ["12:15 UTC"]

    team.client.command("comms customer", channel_id=incident.channel_id, user_id="U002")
    assert not submit_text(team, last_modal(team, count=2), GOOD).body  # promises 14:30 UTC
    wait_until(lambda: kept(team, incident.id, "customer"))
    team.client.command("comms stakeholder", channel_id=incident.channel_id, user_id="U002")
    draft = wait_until(lambda: _stakeholder_draft_quoting(team, "failed logins"))
    assert _clock_times(draft) == ["12:15 UTC"], draft
    assert "Our team is working on it." in draft


def test_a_next_update_on_another_day_carries_its_date_in_the_drafts(
    team: RunningBot, clock: ManualClock
) -> None:
    clock.advance(timedelta(hours=11, minutes=50))  # declared 23:50; the first update is due after midnight
    incident = declare(team, impact="Checkout fails for everyone")
    due = f"{clock.now() + timedelta(minutes=15):%a} {(clock.now() + timedelta(minutes=15)).day}"
    for audience, count in (("customer", 1), ("stakeholder", 2)):
        team.client.command(f"comms {audience}", channel_id=incident.channel_id, user_id="U002")
        draft = last_modal(team, count=count)["blocks"][-1]["element"]["initial_value"]
        assert f"by {due} " in draft and "00:05 UTC" in draft, draft


def _clock_times(text: str) -> list[str]:
    return re.findall(r"\b\d{1,2}:\d{2} UTC", text)


def _stakeholder_draft_quoting(running: RunningBot, fragment: str) -> str | None:
    for call in reversed(running.slack.ok_calls_to("views.open")):
        text = str(call.args["view"]["blocks"][-1]["element"].get("initial_value", ""))
        if text.startswith("Incident #1") and fragment in text:
            return text
    return None


def test_executive_summary_only_after_resolution(team: RunningBot) -> None:
    incident = declare(team)
    answer = team.client.command("comms executive", channel_id=incident.channel_id).body.decode()
    assert "still open" in answer and "/incident resolve" in answer
    resolve(team, incident)
    team.client.command("comms exec", channel_id=incident.channel_id)
    view = last_modal(team, count=1)
    draft = view["blocks"][-1]["element"]["initial_value"]
    assert "How bad: SEV-1 for 0 min, about 1,200 users affected." in draft
    assert "Is it fixed: yes" in draft
    assert not submit_text(team, view, draft).body
    posted(team, STAKEHOLDERS, "Executive summary for incident #1")


def test_resolved_customer_text_and_the_public_history(team: RunningBot) -> None:
    incident = declare(team)
    team.client.command("comms customer", channel_id=incident.channel_id)
    submit_text(team, last_modal(team), GOOD)
    wait_until(lambda: kept(team, incident.id))
    resolve(team, incident)
    team.client.command("comms customer resolved", channel_id=incident.channel_id)
    view = last_modal(team, count=2)
    draft = view["blocks"][-1]["element"]["initial_value"]
    assert draft.startswith("The problem with our service has been resolved as of 12:00 UTC.")
    assert "we're sorry" in draft and "full report" in draft
    assert not submit_text(team, view, draft).body, "the resolution draft passes the checker"
    wait_until(lambda: len(kept(team, incident.id)) == 2)
    history = team.client.command("comms history", channel_id=incident.channel_id).body.decode()
    assert history.index("investigating: We're investigating") < history.index("resolved: The problem")


@pytest.mark.parametrize(
    "args", ["comms", "comms everyone", "comms customer fixed", "comms customer resolved now"]
)
def test_comms_usage(team: RunningBot, args: str) -> None:
    incident = declare(team)
    answer = team.client.command(args, channel_id=incident.channel_id).body.decode()
    assert "/incident comms customer" in answer


def test_the_resolution_message_offers_the_texts_still_owed(team: RunningBot) -> None:
    incident = declare(team)
    resolve(team, incident)
    message = posted(team, incident.channel_id, "resolved at").args
    buttons = [e for b in message["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert [(b["action_id"], b["value"]) for b in buttons] == [
        ("open_comms:customer", f"{incident.id}:customer"),
        ("open_comms:stakeholder", f"{incident.id}:stakeholder"),
        ("open_comms:executive", f"{incident.id}:executive"),
    ]
    team.client.action("open_comms:executive", f"{incident.id}:executive", channel_id=incident.channel_id)
    view = last_modal(team)
    assert json.loads(view["private_metadata"])["audience"] == "executive"
    assert view["title"]["text"] == "Executive summary"
    team.client.action("open_comms:customer", f"{incident.id}:customer", channel_id=incident.channel_id)
    draft = last_modal(team, count=2)["blocks"][-1]["element"]["initial_value"]
    assert draft.startswith("The problem with our service has been resolved")

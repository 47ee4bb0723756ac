"""The scorecard says whether each text the checker flagged in its draft was fixed before it was posted."""

from __future__ import annotations

from typing import Any

from tests.drills.helpers import reply, start_drill
from tests.e2e.helpers import wait_until
from tests.e2e.wrapup_helpers import last_modal, posted
from tests.support import signing
from tests.support.harness import RunningBot

GOOD = (
    "We're investigating reports of failed checkouts affecting all customers. Our team is "
    "working on it; the next update will be posted by 12:30 UTC."
)
JARGON = "Our database connection pool is exhausted and we are promoting a replica."
SPECULATION = "Checkout is failing, probably because of a change we made. Next update by 12:30 UTC."


def _submit(running: RunningBot, view: dict[str, Any], text: str) -> Any:
    state = {"text": {"value": signing.plain(text)}}
    metadata = view["private_metadata"]
    return running.client.submit("comms_text", state, user_id="U002", private_metadata=metadata)


def _write(running: RunningBot, channel: str, count: int, *drafts: str) -> None:
    """Open the customer form and submit each draft in turn; the last one is posted as it is."""
    running.client.command("comms customer", channel_id=channel, user_id="U002")
    view = last_modal(running, count)
    for draft in drafts[:-1]:
        answer = _submit(running, view, draft).json()
        assert answer["response_action"] == "update", answer
        view = answer["view"]
    final = _submit(running, view, drafts[-1])
    if final.body:  # the checker found something: post anyway
        final = _submit(running, final.json()["view"], drafts[-1])
    assert final.status == 200 and not final.body, final.body


def _posted(running: RunningBot, incident_id: int, count: int) -> list[Any] | None:
    """The first `count` texts, once each is in the channel."""
    with running.services.store.transaction() as tx:
        texts = tx.comms_texts(incident_id)
    return texts if len(texts) == count and all(t.message_ts for t in texts) else None


def test_the_findings_on_the_draft_are_kept_with_the_posted_text_and_scored(running: RunningBot) -> None:
    incident = start_drill(running)
    channel = incident.channel_id
    # Each text is applied after its form's ack; waiting for one before writing the next keeps
    # them in this order (the test clock stands still, so their times are all the same).
    _write(running, channel, 2, JARGON, GOOD)  # fixed before posting
    wait_until(lambda: _posted(running, incident.id, 1))
    _write(running, channel, 3, SPECULATION)  # posted anyway, as drafted
    wait_until(lambda: _posted(running, incident.id, 2))
    _write(running, channel, 4, JARGON, SPECULATION)  # the jargon fixed, the guess posted
    texts = wait_until(lambda: _posted(running, incident.id, 3))
    fixed, anyway, partly = texts
    assert {f.rule for f in fixed.draft_findings} == {"jargon", "missing-next-update"}
    assert fixed.findings == ()
    assert {f.rule for f in anyway.draft_findings} == {f.rule for f in anyway.findings} == {"speculation"}
    assert {f.rule for f in partly.findings} == {"speculation"}
    reply(running, "drill end", channel, "The drill has ended")
    card = str(posted(running, channel, "Drill scorecard").args["text"])
    lines = [line for line in card.splitlines() if line.startswith("• customer text")]
    assert len(lines) == 3, card
    assert "the checker flagged 4 things in the draft; all fixed before posting" in lines[0]
    assert "posted with 1 finding; the draft had it too: not fixed before posting" in lines[1]
    assert "posted with 1 finding; 4 of the draft's 5 fixed before posting" in lines[2]

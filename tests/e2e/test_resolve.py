"""Resolving through `/incident resolve`, the summary's button and the modal."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta

import pytest

from incidentbot.cadence import post_update, updates
from incidentbot.cadence.update_rules import UpdateDraft
from incidentbot.clock import ManualClock
from incidentbot.config import TeamConfig
from incidentbot.incident.models import Severity, Status
from tests.e2e.helpers import declare
from tests.e2e.wrapup_helpers import (
    ANNOUNCE,
    ephemeral_to,
    last_modal,
    posted,
    resolve,
    submit_resolve,
    told,
)
from tests.support.fake_slack import FakeSlack
from tests.support.harness import RunningBot, running_bot
from tests.support.reminder_rows import cadence
from tests.support.units import applied


@pytest.fixture
def announcing(slack: FakeSlack, database_url: str, clock: ManualClock) -> Iterator[RunningBot]:
    with running_bot(slack, database_url, clock, TeamConfig(announcement_channel=ANNOUNCE)) as bot:
        yield bot


def test_summary_has_a_resolve_button_that_opens_the_modal(running: RunningBot) -> None:
    incident = declare(running)
    summary = next(
        c for c in running.slack.ok_calls_to("chat.postMessage") if "Next update due" in c.args["text"]
    )
    buttons = [e for b in summary.args["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert ("open_resolve", str(incident.id)) in [(e["action_id"], e["value"]) for e in buttons]
    running.client.action("open_resolve", str(incident.id), channel_id=incident.channel_id)
    view = last_modal(running)
    assert view["callback_id"] == "resolve_incident"
    assert [b["block_id"] for b in view["blocks"]] == [
        "fix",
        "customer_impact",
        "users_affected",
        "root_cause",
        "started_at",
    ]
    assert json.loads(view["private_metadata"])["incident_id"] == incident.id


def test_resolve_closes_everywhere_and_offers_the_postmortem(announcing: RunningBot) -> None:
    running = announcing
    incident = declare(running, comms="U002")
    start = running.clock.now()
    store = running.services.store
    running.clock.advance(timedelta(minutes=9))
    draft = UpdateDraft(
        status=Status.IDENTIFIED,
        severity=Severity.SEV1,
        theory="Gateway configuration change",
        next_update_at=start + timedelta(minutes=60),
    )
    updates.publish(
        running.services,
        applied(
            running.services,
            post_update.POST_UPDATE,
            post_update.PostUpdate(user_id="U002", incident_id=incident.id, draft=draft),
        ),
    )
    running.client.command("resolve", channel_id=incident.channel_id)
    assert last_modal(running)["callback_id"] == "resolve_incident"
    running.clock.advance(timedelta(minutes=33))
    running.slack.clear_calls()

    started = int((start - timedelta(minutes=6)).timestamp())
    resolved = resolve(running, incident, started=started, root_cause="Config change had no canary")

    assert resolved.status == "resolved" and resolved.resolved_at == running.clock.now()
    with store.transaction() as tx:
        record = tx.resolution(incident.id)
    assert record is not None and record.users_affected == 1200 and record.started_at is not None
    message = posted(running, incident.channel_id, "resolved at").args["text"]
    assert "after 42 min" in message
    assert "*What fixed it:* Rolled back the gateway configuration" in message
    assert "(1,200 users)" in message
    assert "declared 6 min later" in message
    assert (
        "first update 9 min after the declaration" in message
        and "1 of 1 next-update promises kept" in message
    )
    running.slack.wait_for("conversations.setTopic")
    assert running.slack.last("conversations.setTopic").args["topic"].startswith("SEV-1 · resolved")
    edits = running.slack.wait_for("chat.update", count=2)
    summary = next(c for c in edits if c.args["channel"] == incident.channel_id)
    assert "*Resolved*" in summary.args["text"]
    assert not [b for b in summary.args["blocks"] if b["type"] == "actions"], "no buttons once resolved"
    announcement = next(c for c in edits if c.args["channel"] == ANNOUNCE)
    assert announcement.args["ts"] == resolved.announcement_ts and "is resolved" in announcement.args["text"]
    offer = ephemeral_to(running, "U001", "Shall I start the blameless postmortem")
    button = offer.args["blocks"][-1]["elements"][0]
    assert (button["action_id"], button["value"]) == ("start_postmortem", str(incident.id))


def test_resolve_with_no_update_ever_posted_says_so(running: RunningBot) -> None:
    incident = declare(running)
    running.clock.advance(timedelta(minutes=25))
    resolve(running, incident, users=None)
    message = posted(running, incident.channel_id, "resolved at").args["text"]
    assert "no update was posted during this incident" in message
    assert "longest silence 25 min" in message
    assert "users)" not in message


def test_resolving_twice_gets_a_clear_answer_and_changes_nothing(running: RunningBot) -> None:
    incident = declare(running)
    first = resolve(running, incident, fix="First fix")
    opened = running.slack.count("views.open")
    answer = running.client.command("resolve", channel_id=incident.channel_id).body.decode()
    assert "already resolved" in answer and "/incident status investigating" in answer
    assert running.slack.count("views.open") == opened

    running.slack.clear_calls()
    response = submit_resolve(running, incident, fix="Second fix", user="U002")
    assert response.status == 200
    told(running, "U002", "already resolved")
    with running.services.store.transaction() as tx:
        record = tx.resolution(incident.id)
    assert record is not None and record.fix == "First fix"
    assert running.incident().resolved_at == first.resolved_at
    assert not [c for c in running.slack.calls_to("chat.postMessage") if "resolved at" in c.args["text"]]

    running.client.action("open_resolve", str(incident.id), user_id="U003", channel_id=incident.channel_id)
    told(running, "U003", "already resolved")


@pytest.mark.parametrize(
    ("fields", "block", "words"),
    [
        ({"fix": ""}, "fix", "Say what fixed it"),
        ({"impact": ""}, "customer_impact", "Say who was affected"),
        ({"users": "lots"}, "users_affected", "whole number"),
        ({"root_cause": "x" * 2001}, "root_cause", "under 2,000"),
        ({"started": 1_767_269_400}, "started_at", "before the declaration"),  # 12:10 UTC
        ({"started": 4_102_444_800}, "started_at", "can't start in the future"),
    ],
)
def test_resolve_modal_explains_bad_input_inline(
    running: RunningBot, fields: dict[str, object], block: str, words: str
) -> None:
    incident = declare(running)  # at 12:00 UTC
    running.clock.advance(timedelta(minutes=30))
    response = submit_resolve(running, incident, **fields)
    body = response.json()
    assert body["response_action"] == "errors"
    assert words in body["errors"][block]
    assert running.incident().status == "investigating"


def test_resolve_outside_an_incident_channel(running: RunningBot) -> None:
    answer = running.client.command("resolve", channel_id="C0GENERAL").body.decode()
    assert "only inside an incident channel" in answer


def test_help_lists_the_new_commands(running: RunningBot) -> None:
    text = running.client.command("help").body.decode()
    for word in ("resolve", "comms", "postmortem", "whys", "action", "stats"):
        assert f"/incident {word}" in text


def test_resolving_through_the_form_stops_the_pending_nag(running: RunningBot) -> None:
    incident = declare(running, comms="U002")
    resolve(running, incident)
    running.clock.advance(timedelta(minutes=30))
    report = running.fire_due()
    assert report.delivered == 0
    nags = [c for c in running.slack.ok_calls_to("chat.postMessage") if c.args["channel"] == "U002"]
    assert not [c for c in nags if "update" in c.args["text"].lower() and "overdue" in c.args["text"].lower()]
    with running.services.store.transaction() as tx:
        states = {r.kind: r.state for r in cadence(tx.reminders(incident.id))}
    assert states and all(state == "cancelled" for state in states.values()), states

"""The whole arc through Slack: declare, update, resolve, analyse, act, and the postmortem draft."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from incidentbot.incident.models import EventKind
from incidentbot.kernel.ports import NewEvent
from incidentbot.store.tables import timeline_events
from tests.e2e.helpers import declare, wait_until
from tests.e2e.wrapup_helpers import last_modal, posted, resolve, told
from tests.support import signing
from tests.support.comms_rows import add_commitment, add_nag, add_update
from tests.support.harness import RunningBot

GOOD = (
    "We're investigating reports of failed checkouts affecting some customers. Our team is "
    "working on it; the next update will be posted by 12:45 UTC."
)


def uploaded_document(
    running: RunningBot, count: int = 1, timeout: float = 5.0
) -> tuple[str, dict[str, Any]]:
    complete = running.slack.wait_for("files.completeUploadExternal", count=count, timeout=timeout)[-1]
    file_id = complete.args["files"][0]["id"]
    return running.slack.uploaded_files[file_id].decode("utf-8"), complete.args


def submit(
    running: RunningBot, callback: str, state: dict[str, Any], view: dict[str, Any], user: str = "U001"
) -> Any:
    return running.client.submit(callback, state, user_id=user, private_metadata=view["private_metadata"])


def test_declare_update_resolve_analyse_and_draft_the_postmortem(running: RunningBot) -> None:
    incident = declare(running, title="Checkout failing", comms="U002", scribe="U003")
    channel = incident.channel_id
    store = running.services.store
    start = running.clock.now()
    with store.transaction() as tx:
        tx.add_event(
            NewEvent(
                incident_id=incident.id,
                kind=EventKind.DETECTION,
                text="5xx rate on checkout rose from 0.1% to 40%",
                occurred_at=start + timedelta(minutes=2),
                actor_id="U003",
                message_ts="1700000000.000100",
            )
        )
    add_update(store, incident.id, start + timedelta(minutes=11), author_id="U002")
    add_commitment(store, incident.id, start + timedelta(minutes=15), "met")
    add_commitment(store, incident.id, start + timedelta(minutes=45), "missed")
    add_nag(store, incident.id, start + timedelta(minutes=46))
    add_update(store, incident.id, start + timedelta(minutes=50), author_id="U002")
    running.clock.advance(timedelta(minutes=12))
    running.client.command("comms customer", channel_id=channel, user_id="U002")
    submit(running, "comms_text", {"text": {"value": signing.plain(GOOD)}}, last_modal(running), "U002")
    posted(running, channel, "Customer update (investigating)")

    running.clock.advance(timedelta(minutes=48))
    resolve(running, incident, fix="Stopped the schema migration", impact="Customers could not check out")
    offer = told(running, "U001", "Shall I start the blameless postmortem")
    assert offer.args["blocks"][-1]["elements"][0]["action_id"] == "start_postmortem"

    running.client.command("whys", channel_id=channel)
    view = last_modal(running, count=2)
    whys = {
        "problem": {"value": signing.plain("Customers could not check out for 60 minutes")},
        "why_1": {"value": signing.plain("The orders table was locked")},
        "why_2": {"value": signing.plain("A migration took a table lock during peak hours")},
        "why_3": {"value": signing.plain("Migrations have no lock timeout")},
        "root_cause": {
            "value": signing.plain("The deploy process does not check lock behaviour on large tables")
        },
    }
    assert not submit(running, "five_whys", whys, view).body
    told(running, "U001", "Saved for the postmortem")

    running.client.command("factor", channel_id=channel)
    view = last_modal(running, count=3)
    blame = {
        "category": {"value": signing.static_select("people")},
        "text": {"value": signing.plain("Bob recklessly ran the migration")},
    }
    review = submit(running, "contributing_factor", blame, view).json()
    assert review["response_action"] == "update" and review["view"]["submit"]["text"] == "Post anyway"
    assert "recklessly" in json.dumps(review["view"]["blocks"][0])
    assert not submit(running, "contributing_factor", blame, review["view"]).body
    told(running, "U001", "Saved for the postmortem")
    running.client.command("factor", channel_id=channel)
    tooling = {
        "category": {"value": signing.static_select("tooling")},
        "text": {"value": signing.plain("Migrations run without a lock timeout")},
    }
    assert not submit(running, "contributing_factor", tooling, last_modal(running, count=4)).body

    running.client.command("wentwell", channel_id=channel)
    well = {"text": {"value": signing.plain("The alert fired within a minute")}}
    assert not submit(running, "went_well", well, last_modal(running, count=5)).body
    wait_until(lambda: _analysis_count(running, incident.id) == 4)

    running.client.command(
        "action Add a lock timeout to migrations @bob due:2026-01-15 P1", channel_id=channel
    )
    # Each is added just after its ack, so the second is sent once the first is in.
    wait_until(lambda: _action_count(running, incident.id) == 1)
    running.client.command("action Review alert thresholds", channel_id=channel)
    wait_until(lambda: _action_count(running, incident.id) == 2)

    running.slack.clear_calls()
    ack = running.client.command("postmortem", channel_id=channel).body.decode()
    assert "Writing the postmortem draft" in ack
    document, upload = uploaded_document(running)
    assert upload["channel_id"] == channel
    for heading in (
        "# Postmortem: incident \\#1, Checkout failing",
        "## Summary",
        "## Impact",
        "## Timeline",
        "## Contributing factors",
        "## Root cause analysis: 5 Whys",
        "## What went well",
        "## Action items",
        "## Follow-up",
        "## Communication record",
    ):
        assert heading in document
    assert "How it was mitigated: Stopped the schema migration." in document
    assert "| 2026-01-01 12:02 UTC | carol | 5xx rate on checkout rose from 0.1% to 40% |" in document
    assert "| 2026-01-01 12:12 UTC | bob | Customer update (investigating): We're investigating" in document
    assert "### People\n\n- Bob recklessly ran the migration" in document
    assert "### Tooling\n\n- Migrations run without a lock timeout" in document
    assert "3. Why? Migrations have no lock timeout" in document
    assert "- The alert fired within a minute" in document
    assert "| 1 | Add a lock timeout to migrations | bob | P1 | 2026-01-15 | **none** |" in document
    assert "| 2 | Review alert thresholds | **none** | P2 | **none** | **none** |" in document
    assert "- #1: no success metric\n- #2: no owner, no due date, no success metric" in document
    assert "Review date: 2026-01-31" in document
    assert "| Time to first update | 11 min |" in document
    assert "| Next-update times that came due | 2 |" in document
    assert "| Kept (an update came by the promised time) | 1 |" in document
    assert "| Missed (the time passed with no update) | 1 |" in document
    assert "| Longest silence | 39 min (12:11 UTC to 12:50 UTC) |" in document
    assert "| Reminders (nags) sent | 1 |" in document
    assert "| Customer updates | 1 |" in document
    comment = upload["initial_comment"]
    assert "(8 timeline entries, 2 action items, 2 not SMART)" in comment
    assert "found wording to look at again (1)" in comment
    assert "_personal-blame_: “recklessly”" in comment
    workbench = posted(running, channel, "Postmortem for #1")
    actions = [
        e["action_id"] for b in workbench.args["blocks"] if b["type"] == "actions" for e in b["elements"]
    ]
    assert actions == [
        "open_five_whys",
        "open_factor",
        "open_went_well",
        "open_action_item",
        "regenerate_postmortem",
    ]

    running.client.action("regenerate_postmortem", str(incident.id), channel_id=channel)
    again, _ = uploaded_document(running, count=2)
    assert again == document

    running.client.action("open_five_whys", str(incident.id), channel_id=channel)
    revisit = last_modal(running, count=1)
    assert revisit["callback_id"] == "five_whys"
    initial = {b["block_id"]: b["element"].get("initial_value") for b in revisit["blocks"]}
    assert initial["problem"] == "Customers could not check out for 60 minutes"
    assert initial["why_3"] == "Migrations have no lock timeout" and initial["why_4"] is None
    running.client.action("open_went_well", str(incident.id), channel_id=channel)
    assert last_modal(running, count=2)["callback_id"] == "went_well"


def _analysis_count(running: RunningBot, incident_id: int) -> int:
    with running.services.store.transaction() as tx:
        return len(tx.analysis_entries(incident_id))


def _action_count(running: RunningBot, incident_id: int) -> int:
    with running.services.store.transaction() as tx:
        return len(tx.action_items(incident_id))


def test_start_postmortem_button_for_an_incident_with_no_timeline(running: RunningBot) -> None:
    incident = declare(running)
    with running.bot.engine.begin() as connection:
        connection.execute(timeline_events.delete())
    running.client.action("start_postmortem", str(incident.id), channel_id=incident.channel_id)
    document, upload = uploaded_document(running)
    assert "No timeline entries were recorded" in document
    assert "It is still open" in document
    assert "no blaming or speculative wording" in upload["initial_comment"]


def test_ten_thousand_timeline_entries_upload_as_one_file(running: RunningBot) -> None:
    incident = declare(running)
    start = running.clock.now()
    rows = [
        {
            "incident_id": incident.id,
            "occurred_at": start + timedelta(seconds=n),
            "kind": "investigation",
            "text": f"Checked server {n}: no errors",
            "actor_id": "U002",
            "source": "reaction",
            "edited": False,
            "recorded_at": start,
        }
        for n in range(10_000)
    ]
    with running.bot.engine.begin() as connection:
        connection.execute(timeline_events.insert(), rows)
    running.client.command("postmortem", channel_id=incident.channel_id)
    # Drafting reads, checks and renders 10,000 entries: given time on a busy machine (the speed
    # of it is bench/postmortem_draft.py's business, not this test's).
    document, upload = uploaded_document(running, timeout=60)
    table = [line for line in document.splitlines() if line.startswith("| 2026-01-01 ")]
    assert len(table) == 10_001
    assert table[-1] == "| 2026-01-01 14:46 UTC | bob | Checked server 9999: no errors |"
    assert "(10001 timeline entries, 0 action items)" in upload["initial_comment"]
    running.slack.wait_until(
        lambda: bool([m for m in running.slack.messages(incident.channel_id) if m.get("files")]),
        timeout=30,
        what="the draft shared in the incident channel",
    )

"""A form submitted twice, or a button clicked twice, is applied once.

A double click, a client resending, or Slack resending an interaction it got no answer to: the
repeat carries the same view id and hash, or the same `action_ts`, as the first.
"""

from __future__ import annotations

import json
import threading
from datetime import timedelta
from typing import Any

from sqlalchemy import func, select

from incidentbot.incident.models import EventKind
from incidentbot.kernel.journal_kinds import JournalKind
from incidentbot.store.tables import incidents, processed_events, reminders
from tests.e2e.helpers import declare, declare_state, pending_requests, wait_until
from tests.e2e.update_helpers import button_value, update_state, wait_for_post, wait_published
from tests.e2e.wrapup_helpers import told
from tests.support import signing
from tests.support.harness import RunningBot
from tests.support.interaction_ids import fresh_action_ts, fresh_trigger_id
from tests.support.signing import Body, Response
from tests.support.times import slack_time

DECLARE_VIEW = {"view_id": "VDECLARE01", "view_hash": "1700000001.a1b2c3"}


def declare_form(title: str = "Checkout failing", **view: str) -> Body:
    """The declare form as Slack sends it; the same `view` arguments make the same submission."""
    return signing.view_submission(
        "declare_incident",
        declare_state(title=title),
        user_id="U001",
        private_metadata='{"channel": "C0GENERAL"}',
        **(view or DECLARE_VIEW),
    )


def count(running: RunningBot, table: Any, *where: Any) -> int:
    with running.bot.engine.connect() as db:
        return int(db.execute(select(func.count()).select_from(table).where(*where)).scalar_one())


def declare_rows(running: RunningBot) -> int:
    return count(running, reminders, reminders.c.kind == JournalKind.DECLARE.value)


def all_applied(running: RunningBot) -> None:
    """Every journalled request applied and every message owed sent: nothing more will happen."""
    wait_until(lambda: not pending_requests(running))
    wait_until(lambda: running.incident() is not None and running.incident().setup_state == "ready")
    running.settle()


def assert_declared_once(running: RunningBot, answers: list[Response]) -> None:
    assert [(a.status, a.body) for a in answers] == [(200, b"")] * len(answers), "each closes the modal"
    assert declare_rows(running) == 1, "one journal row"
    all_applied(running)
    assert count(running, incidents) == 1
    assert running.slack.count("conversations.create") == 1
    alerts = [
        c for c in running.slack.ok_calls_to("chat.postMessage") if "incident declared" in c.args["text"]
    ]
    assert len(alerts) == 1, "one announcement"


def test_the_same_declare_form_submitted_twice_declares_once(running: RunningBot) -> None:
    answers = [running.client.post(*declare_form()), running.client.post(*declare_form())]
    assert_declared_once(running, answers)


def test_the_same_declare_form_submitted_twice_at_once_declares_once(running: RunningBot) -> None:
    start = threading.Barrier(2)
    answers: list[Response] = []

    def submit() -> None:
        start.wait()
        answers.append(running.client.post(*declare_form()))

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert_declared_once(running, answers)


def test_another_view_or_a_changed_view_is_another_declaration(running: RunningBot) -> None:
    running.client.post(*declare_form())
    running.client.post(*declare_form(view_id="VDECLARE02", view_hash=DECLARE_VIEW["view_hash"]))
    running.client.post(*declare_form(view_id=DECLARE_VIEW["view_id"], view_hash="1700000002.d4e5f6"))
    assert declare_rows(running) == 3


def test_a_form_sent_back_with_errors_can_be_corrected_and_resubmitted(running: RunningBot) -> None:
    refused = running.client.post(*declare_form(title="", **DECLARE_VIEW))
    assert refused.json()["response_action"] == "errors"
    assert count(running, processed_events) == 0, "a refused form is not taken as seen"
    corrected = running.client.post(*declare_form(**DECLARE_VIEW))
    assert corrected.status == 200 and not corrected.body
    assert declare_rows(running) == 1


def click_twice(running: RunningBot, action_id: str, value: str, **where: Any) -> list[Response]:
    """One click delivered twice: the same action_ts and trigger id, as a resent request has."""
    click = signing.block_action(
        action_id,
        value,
        action_ts=fresh_action_ts(),
        trigger_id=fresh_trigger_id(),
        **where,
    )
    return [running.client.post(*click), running.client.post(*click)]


def kinds(running: RunningBot, incident_id: int) -> list[EventKind]:
    with running.services.store.transaction() as tx:
        return [event.kind for event in tx.events(incident_id)]


def test_a_take_role_click_delivered_twice_is_applied_once(running: RunningBot) -> None:
    incident = declare(running)
    answers = click_twice(
        running, "take_role:scribe", f"{incident.id}:scribe", user_id="U004", channel_id=incident.channel_id
    )
    assert [a.status for a in answers] == [200, 200]
    wait_until(lambda: running.services.view_of(incident.id).roster.scribe == "U004")
    running.settle()
    assert kinds(running, incident.id).count(EventKind.ROLE_ASSIGNED) == 1
    assert count(running, processed_events, processed_events.c.event_id.like("action:%")) == 1
    assert not running.slack.ok_calls_to("chat.postEphemeral"), "no 'already yours' for a click made once"


def test_a_new_click_on_the_same_button_is_applied(running: RunningBot) -> None:
    incident = declare(running)
    for _ in range(2):
        running.client.action("take_role:scribe", f"{incident.id}:scribe", channel_id=incident.channel_id)
    assert count(running, processed_events, processed_events.c.event_id.like("action:%")) == 2


def test_an_action_item_done_click_delivered_twice_is_applied_once(running: RunningBot) -> None:
    incident = declare(running)
    running.client.command("action Add a lock timeout", channel_id=incident.channel_id)
    [item] = wait_until(lambda: _items(running, incident.id))
    click_twice(running, "action_item_done", str(item.id), channel_id=incident.channel_id)
    told(running, "U001", "is done")
    running.settle()
    done_notes = [
        c for c in running.slack.ok_calls_to("chat.postEphemeral") if "done" in c.args.get("text", "")
    ]
    assert len(done_notes) == 1, [c.args["text"] for c in done_notes]


def _items(running: RunningBot, incident_id: int) -> list[Any]:
    with running.services.store.transaction() as tx:
        return tx.action_items(incident_id)


UPDATE_VIEW = {"view_id": "VUPDATE01", "view_hash": "1700000004.beef01"}


def submit_update_view(running: RunningBot, incident: Any, **fields: Any) -> Response:
    """The update form of one view (UPDATE_VIEW), as Slack sends it each time it is submitted."""
    metadata = json.dumps({"incident_id": incident.id, "channel": incident.channel_id})
    return running.client.submit(
        "post_update", update_state(**fields), user_id="U001", private_metadata=metadata, **UPDATE_VIEW
    )


def test_the_same_update_form_submitted_twice_posts_one_update(running: RunningBot) -> None:
    incident = declare(running)
    answers = [submit_update_view(running, incident), submit_update_view(running, incident)]
    assert [a.status for a in answers] == [200, 200]
    wait_published(running, incident.channel_id, "Errors started with the 11:50 deploy")
    running.settle()
    assert kinds(running, incident.id).count(EventKind.UPDATE_POSTED) == 1


def test_a_form_sent_back_with_errors_is_applied_when_sent_again_corrected(running: RunningBot) -> None:
    incident = declare(running)
    refused = submit_update_view(running, incident, theory="", impact="  ")
    assert refused.json()["response_action"] == "errors"
    corrected = submit_update_view(running, incident)
    assert corrected.status == 200 and not corrected.body, "the corrected form closes"
    wait_published(running, incident.channel_id, "Errors started with the 11:50 deploy")


def test_a_snooze_click_delivered_twice_snoozes_once(running: RunningBot) -> None:
    incident = declare(running, comms="U002")
    running.clock.advance(timedelta(minutes=15))
    running.fire_due()
    [nag] = wait_for_post(running, "U002", f"was due {slack_time('12:15')}")
    dm_ts = running.slack.messages("DU002")[-1]["ts"]
    value = button_value(nag, "snooze_update:15")
    click_twice(running, "snooze_update:15", value, user_id="U002", channel_id="DU002", message_ts=dm_ts)
    wait_for_post(running, incident.channel_id, "snoozed 15 min")
    running.settle()
    assert kinds(running, incident.id).count(EventKind.SNOOZE) == 1
    assert running.incident().next_update_due == running.clock.now() + timedelta(minutes=15)

"""A wrap-up form submitted twice (a double click, a client resending it) is recorded once: the
delivery is claimed in the commit that journals the command, so the repeat gets no row."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import func, select

from incidentbot.kernel.journal_kinds import JournalKind
from incidentbot.store.tables import action_items, analysis_entries, comms_texts, reminders, resolutions
from tests.e2e.helpers import declare, pending_requests, wait_until
from tests.e2e.wrapup_helpers import posted, resolve_state
from tests.support import signing
from tests.support.harness import RunningBot
from tests.support.signing import Json

GOOD = (
    "We're investigating reports of failed logins affecting some users in Europe. Our team is "
    "working on it; the next update will be posted by 14:30 UTC."
)


def count(running: RunningBot, table: Any, *where: Any) -> int:
    with running.bot.engine.connect() as db:
        return int(db.execute(select(func.count()).select_from(table).where(*where)).scalar_one())


def submit_twice(
    running: RunningBot, callback_id: str, state: dict[str, Any], metadata: dict[str, Any], view_id: str
) -> None:
    """One submission of one view, delivered twice (same view id and hash)."""
    form = signing.view_submission(
        callback_id,
        state,
        user_id="U001",
        private_metadata=json.dumps(metadata),
        view_id=view_id,
        view_hash="1700000009.cafe01",
    )
    answers = [running.client.post(*form), running.client.post(*form)]
    assert [(a.status, a.body) for a in answers] == [(200, b"")] * 2, "each closes the modal"
    wait_until(lambda: not pending_requests(running))
    running.settle()


def journalled(running: RunningBot, kind: JournalKind) -> int:
    return count(running, reminders, reminders.c.kind == kind.value)


def where(incident: Any) -> dict[str, Any]:
    return {"incident_id": incident.id, "channel": incident.channel_id}


def test_the_same_resolve_form_submitted_twice_resolves_once(running: RunningBot) -> None:
    incident = declare(running)
    submit_twice(running, "resolve_incident", resolve_state(), where(incident), "VRESOLVE01")
    posted(running, incident.channel_id, "resolved at")
    assert journalled(running, JournalKind.RESOLVE) == 1
    assert count(running, resolutions) == 1
    resolved = [c for c in running.slack.ok_calls_to("chat.postMessage") if "resolved at" in c.args["text"]]
    assert len(resolved) == 1


def test_the_same_customer_text_submitted_twice_is_kept_and_posted_once(running: RunningBot) -> None:
    incident = declare(running)
    state: dict[str, dict[str, Json]] = {"text": {"value": signing.plain(GOOD)}}
    metadata = {**where(incident), "audience": "customer", "stage": "investigating"}
    submit_twice(running, "comms_text", state, metadata, "VCOMMS01")
    posted(running, incident.channel_id, "Customer update (investigating)")
    assert journalled(running, JournalKind.COMMS_TEXT) == 1
    assert count(running, comms_texts) == 1
    texts = [c for c in running.slack.ok_calls_to("chat.postMessage") if "Customer update" in c.args["text"]]
    assert len(texts) == 1


def test_the_same_action_item_form_submitted_twice_adds_one_item(running: RunningBot) -> None:
    incident = declare(running)
    state = {
        "text": {"value": signing.plain("Page on checkout errors")},
        "owner": {"value": signing.users_select("U002")},
        "due": {"value": signing.datepicker(None)},
        "priority": {"value": signing.static_select("P3")},
        "success_metric": {"value": signing.plain("Page within 2 minutes")},
    }
    submit_twice(running, "action_item", state, where(incident), "VACTION01")
    posted(running, incident.channel_id, "Page on checkout errors")
    assert journalled(running, JournalKind.ACTION_ITEM) == 1
    assert count(running, action_items) == 1


def test_the_same_went_well_form_submitted_twice_is_saved_once(running: RunningBot) -> None:
    incident = declare(running)
    state = {"text": {"value": signing.plain("The alert fired within a minute")}}
    submit_twice(running, "went_well", state, where(incident), "VWELL01")
    assert journalled(running, JournalKind.ANALYSIS) == 1
    assert count(running, analysis_entries) == 1

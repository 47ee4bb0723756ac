"""Slack's `&amp;`, `&lt;`, `&gt;` decoded once on the way in, escaped once on the way out."""

from __future__ import annotations

import io
from typing import Any

import pytest

from incidentbot.cli import timeline as timeline_cli
from tests.e2e.helpers import declare, wait_until
from tests.e2e.timeline_helpers import entries, note
from tests.support.harness import RunningBot

TYPED = "api & worker <restarted>"


def test_a_note_keeps_what_was_typed_and_each_output_escapes_it_once(
    running: RunningBot, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    incident = declare(running)
    reply = note(running, f"{TYPED} with @bob", channel_id=incident.channel_id)
    assert "api &amp; worker &lt;restarted&gt; with @bob" in reply
    assert "&amp;amp;" not in reply and "&amp;lt;" not in reply
    stored = wait_until(lambda: [e.text for e in entries(running, incident.id) if e.source == "note"])
    assert stored == [f"{TYPED} with @bob"], "a mention reads as the name it showed"

    running.client.command("timeline export", channel_id=incident.channel_id)
    running.slack.wait_for("files.completeUploadExternal")
    exported = next(iter(running.slack.uploaded_files.values())).decode()
    # Markdown shows `<` as the entity `&lt;` so a viewer never reads it as HTML; `&` stays itself.
    assert "api & worker &lt;restarted&gt; with @bob" in exported and "&amp;" not in exported

    monkeypatch.setenv("DATABASE_URL", database_url)
    out = io.StringIO()
    assert timeline_cli.run(["1", "--format", "csv"], io.StringIO(), out, io.StringIO()) == 0
    assert f"{TYPED} with @bob" in out.getvalue()


def test_a_title_given_with_declare_is_prefilled_as_typed(running: RunningBot) -> None:
    running.client.command(f"declare {TYPED}", user_id="U001")
    view = running.slack.wait_for("views.open")[0].args["view"]
    assert view["blocks"][0]["element"]["initial_value"] == TYPED


def test_an_action_item_keeps_what_was_typed(running: RunningBot) -> None:
    incident = declare(running)
    running.client.command(f"action Fix {TYPED} @bob due:2026-01-05", channel_id=incident.channel_id)
    # Journalled before the answer, recorded just after it.
    items = wait_until(lambda: _action_items(running, incident.id))
    assert [(i.text, i.owner_id) for i in items] == [(f"Fix {TYPED}", "U002")]


def test_modal_inputs_are_plain_text_and_are_not_decoded(running: RunningBot) -> None:
    incident = declare(running, title="R&amp;D tools down")
    assert incident.title == "R&amp;D tools down", "Slack does not escape view_submission values"


def _action_items(running: RunningBot, incident_id: int) -> list[Any]:
    with running.services.store.transaction() as tx:
        return list(tx.action_items(incident_id))

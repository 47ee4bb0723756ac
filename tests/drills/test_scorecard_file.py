"""At the end of a drill its scorecard is shared in the channel as a Markdown file, exactly once."""

from __future__ import annotations

from sqlalchemy import update

from incidentbot.drills import kinds
from incidentbot.store.tables import reminders
from tests.drills.helpers import advance, reply, start_drill
from tests.e2e.helpers import wait_until
from tests.support.harness import RunningBot


def _shared(running: RunningBot, channel: str) -> list[dict[str, object]]:
    return [m for m in running.slack.messages(channel) if m.get("files")]


def _end(running: RunningBot, answer: str = "The drill has ended") -> str:
    incident = start_drill(running)
    advance(running, 0)
    reply(running, "drill end", incident.channel_id, answer)
    return str(incident.channel_id)


def test_the_scorecard_file_is_shared_in_the_drill_channel(running: RunningBot) -> None:
    channel = _end(running)
    [message] = wait_until(lambda: _shared(running, channel))
    [file] = message["files"]  # type: ignore[misc]
    assert file["name"] == "drill-1-scorecard.md" and file["title"] == "Drill #1 scorecard"
    assert "Markdown file" in str(message["text"])
    content = running.slack.uploaded_files[file["id"]].decode()
    assert content.startswith("# Drill scorecard: Checkout stops while a schema change runs")
    assert "| Next-update promises |" in content
    assert not running.slack.calls_to("files.upload"), "files.upload is retired"
    step_one = running.slack.last("files.getUploadURLExternal").args
    assert int(step_one["length"]) == len(content.encode())


def test_a_retried_share_completes_the_same_upload(running: RunningBot) -> None:
    running.slack.inject("files.completeUploadExternal", error="internal_error")
    channel = _end(running, answer="")
    wait_until(lambda: running.slack.calls_to("files.completeUploadExternal"))
    running.settle()  # the failure is recorded, with its retry time, before the clock moves on
    assert not _shared(running, channel)
    advance(running, 60)
    wait_until(lambda: _shared(running, channel))
    assert len(running.slack.calls_to("files.getUploadURLExternal")) == 1
    assert len(running.slack.ok_calls_to("files.completeUploadExternal")) == 1


def test_a_share_done_before_its_process_died_is_not_done_again(running: RunningBot) -> None:
    channel = _end(running)
    wait_until(lambda: _shared(running, channel))
    running.settle()
    # As if the process had died after Slack shared the file but before it recorded that.
    with running.bot.engine.begin() as db:
        db.execute(
            update(reminders)
            .where(reminders.c.kind == kinds.SCORECARD_FILE)
            .values(state="pending", claimed_by=None, claimed_until=None, fired_at=None)
        )
    advance(running, 60)
    [looked] = wait_until(lambda: running.slack.calls_to("conversations.history"))
    running.settle()
    # One page as Slack gives a non-Marketplace app (15 messages), with the bot's message metadata.
    assert int(looked.args["limit"]) == 15
    assert str(looked.args.get("include_all_metadata")).lower() in {"1", "true"}
    assert len(_shared(running, channel)) == 1
    assert len(running.slack.calls_to("files.completeUploadExternal")) == 1
    assert len(running.slack.calls_to("files.getUploadURLExternal")) == 1
    with running.services.store.transaction() as tx:
        [row] = [r for r in tx.outbox_rows(kinds.SCORECARD_FILE, 1)]
    assert row.state == "done"


def test_an_upload_url_refused_starts_a_new_upload(running: RunningBot) -> None:
    running.slack.expired_upload_urls = 1
    channel = _end(running, answer="")
    wait_until(lambda: running.slack.calls_to("files.getUploadURLExternal"))
    running.settle()
    assert not _shared(running, channel)
    advance(running, 60)
    [message] = wait_until(lambda: _shared(running, channel))
    assert len(running.slack.calls_to("files.getUploadURLExternal")) == 2, "a new upload, not the spent URL"
    assert list(running.slack.uploaded_files) == [message["files"][0]["id"]]  # type: ignore[index]
    assert len(running.slack.calls_to("files.completeUploadExternal")) == 1

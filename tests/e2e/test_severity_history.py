"""The resolution post and the postmortem name the incident's peak severity and how it moved."""

from __future__ import annotations

from datetime import timedelta

from incidentbot.incident.models import Severity
from tests.e2e.helpers import declare, wait_until
from tests.e2e.test_postmortem import uploaded_document
from tests.e2e.wrapup_helpers import last_modal, posted, resolve
from tests.support.harness import RunningBot

MOVES = "SEV-1 (peak; declared SEV-2, raised to SEV-1 at 12:20 UTC, lowered to SEV-3 at 13:05 UTC)"


def _change_severity(running: RunningBot, channel: str, to: Severity, minutes_later: int) -> None:
    running.clock.advance(timedelta(minutes=minutes_later))
    running.client.command(f"severity {to.value}", channel_id=channel)
    wait_until(lambda: running.incident().severity is to)


def test_resolution_and_postmortem_show_the_peak_and_the_changes(running: RunningBot) -> None:
    incident = declare(running, severity="2")
    _change_severity(running, incident.channel_id, Severity.SEV1, 20)
    _change_severity(running, incident.channel_id, Severity.SEV3, 45)
    resolve(running, incident)

    post = posted(running, incident.channel_id, "resolved at").args["text"]
    assert "(SEV-1: Checkout failing)" in post
    assert f"*Severity:* {MOVES}" in post

    running.client.command("comms executive", channel_id=incident.channel_id)
    executive = last_modal(running)["blocks"][-1]["element"]["initial_value"]
    assert f"How bad: {MOVES} for 1 h 5 min" in executive

    running.client.command("postmortem", channel_id=incident.channel_id)
    document, _ = uploaded_document(running)
    assert f"| Severity | {MOVES} |" in document
    assert "(SEV-1 at its worst) was declared" in document


def test_a_severity_that_never_changed_is_shown_plainly(running: RunningBot) -> None:
    incident = declare(running, severity="2")
    resolve(running, incident)
    post = posted(running, incident.channel_id, "resolved at").args["text"]
    assert "(SEV-2: Checkout failing)" in post and "*Severity:*" not in post
    running.client.command("postmortem", channel_id=incident.channel_id)
    document, _ = uploaded_document(running)
    assert "| Severity | SEV-2 |" in document

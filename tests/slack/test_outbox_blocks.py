"""What the declarer reads when Slack held the setup up, and what an actor reads on a hold-up."""

from __future__ import annotations

from datetime import UTC, datetime

from incidentbot.declare.slack_messages import setup_delayed
from incidentbot.incident.models import Incident, Roster, SetupState, Severity, Status
from incidentbot.incident.policy import Policy
from incidentbot.kernel.outbox import DeliveryDelayed
from incidentbot.kernel.ports import IncidentView
from incidentbot.rendering import Renderer
from tests.support.fake_slack import MAX_MESSAGE_BLOCKS, blocks_problem

NOW = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)


def _view(state: SetupState, channel: str | None = None) -> IncidentView:
    incident = Incident(
        id=7,
        team_id="T1",
        number=3,
        title="<!channel> checkout & <b>",
        severity=Severity.SEV1,
        status=Status.INVESTIGATING,
        impact="x",
        is_private=False,
        declared_by="U001",
        declared_at=NOW,
        channel_id=channel,
        setup_state=state,
    )
    return IncidentView(incident=incident, roster=Roster(commander="U001"), policy=Policy(), now=NOW)


def _actions(blocks: list[dict[str, object]]) -> list[tuple[object, object]]:
    return [
        (e["action_id"], e["value"])
        for b in blocks
        if b["type"] == "actions"
        for e in b["elements"]  # type: ignore[attr-defined]
    ]


def test_while_waiting_the_declarer_learns_the_bot_keeps_trying_and_can_retry() -> None:
    text, blocks = setup_delayed(_view(SetupState.FAILED), Renderer(), "conversations.create: ratelimited")
    assert "#3 *&lt;!channel&gt; checkout &amp; &lt;b&gt;*" in text, "the title is escaped"
    assert "(conversations.create: ratelimited)" in text
    assert "I keep trying on my own" in text and "`/incident retry`" in text
    assert _actions(blocks) == [("retry_setup", "7")]
    assert blocks_problem(blocks, MAX_MESSAGE_BLOCKS) is None


def test_once_ready_it_points_to_the_channel_without_a_button() -> None:
    text, blocks = setup_delayed(_view(SetupState.READY, "C0042"), Renderer(), "")
    assert "is set up: <#C0042>" in text
    assert "Slack was not answering" in text
    assert _actions(blocks) == []


def test_a_held_message_is_explained_as_saved_and_coming() -> None:
    error = DeliveryDelayed("chat.postMessage: <service_unavailable>")
    text = Renderer().render(f"slack/errors/{error.code}.j2", detail=error.detail)
    assert text.startswith(":hourglass_flowing_sand: Saved.")
    assert "(chat.postMessage: &lt;service_unavailable&gt;)" in text
    assert "post it once" in text

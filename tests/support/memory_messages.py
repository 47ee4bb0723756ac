"""The features' messages with buttons, recorded on a `RecordingWorkspace` under the names the
service tests know them by, and failed there with its `failing`."""

from __future__ import annotations

from typing import Any, Protocol

from incidentbot.cadence.commitment_rules import Commitment
from incidentbot.cadence.ports import CADENCE_MESSAGES
from incidentbot.cadence.update_rules import Update
from incidentbot.declare.ports import DECLARATION_MESSAGES
from incidentbot.kernel.errors import ChannelRefused
from incidentbot.kernel.ports import IncidentView
from incidentbot.wrap_up.action_item_rules import ActionItem
from incidentbot.wrap_up.comms_rules import CommsText
from incidentbot.wrap_up.metric_rules import IncidentMetrics
from incidentbot.wrap_up.ports import WRAP_UP_MESSAGES
from incidentbot.wrap_up.resolution_rules import Resolution


class Recorder(Protocol):
    def _record(self, name: str, payload: Any) -> None: ...


class RecordingCadenceMessages:
    def __init__(self, workspace: Recorder) -> None:
        self.workspace = workspace

    def post_update(self, view: IncidentView, update: Update) -> str:
        self.workspace._record("post_update", update)
        return f"2.{update.id:04d}"

    def send_nag(self, view: IncidentView, commitment: Commitment, owner: str) -> str:
        self.workspace._record("send_nag", (commitment.id, owner))
        return f"3.{commitment.id:04d}"

    def show_snoozed(self, view: IncidentView, commitment: Commitment, channel: str, ts: str) -> None:
        self.workspace._record("show_snoozed", (commitment.id, channel, ts))

    def post_nag_notice(self, view: IncidentView, commitment: Commitment, owner: str | None) -> None:
        self.workspace._record("post_nag_notice", (commitment.id, owner))

    def post_escalation(self, view: IncidentView, commitment: Commitment) -> None:
        self.workspace._record("post_escalation", (commitment.id, view.roster.commander, view.roster.comms))


class RecordingWrapUpMessages:
    def __init__(self, workspace: Recorder) -> None:
        self.workspace = workspace

    def post_resolution(self, view: IncidentView, resolution: Resolution, metrics: IncidentMetrics) -> None:
        self.workspace._record("post_resolution", (resolution, metrics))

    def offer_postmortem(self, view: IncidentView, user_id: str) -> None:
        self.workspace._record("offer_postmortem", user_id)

    def post_comms_text(self, view: IncidentView, text: CommsText, channel_id: str) -> str:
        self.workspace._record("post_comms_text", (text, channel_id))
        return f"2.{text.id:04d}"

    def post_action_item(self, view: IncidentView, item: ActionItem, by: str) -> None:
        self.workspace._record("post_action_item", (item, by))

    def remind_action_owner(self, view: IncidentView, item: ActionItem, owner_id: str) -> None:
        self.workspace._record("remind_action_owner", (item, owner_id))


class RecordingDeclarationMessages:
    def __init__(self, workspace: Recorder) -> None:
        self.workspace = workspace

    def post_alert(self, view: IncidentView) -> str:
        self.workspace._record("post_alert", view)
        return "1.0001"

    def post_summary(self, view: IncidentView) -> str:
        self.workspace._record("post_summary", view)
        return "1.0002"

    def refresh_summary(self, view: IncidentView) -> None:
        self.workspace._record("refresh_summary", view)

    def announce(self, view: IncidentView, channel_id: str) -> str:
        self.workspace._record("announce", (view, channel_id))
        return "1.0003"

    def report_announcement_refused(self, view: IncidentView, user_id: str, refusal: ChannelRefused) -> None:
        self.workspace._record("report_announcement_refused", (user_id, refusal.channel_id, refusal.reason))

    def refresh_announcement(self, view: IncidentView) -> None:
        self.workspace._record("refresh_announcement", view)

    def report_setup_failure(self, view: IncidentView, user_id: str, reason: str) -> None:
        self.workspace._record("report_setup_failure", (user_id, reason))

    def report_setup_delayed(self, view: IncidentView, user_id: str, reason: str) -> None:
        self.workspace._record("report_setup_delayed", (user_id, view.incident.setup_state, reason))


def recording_messages(workspace: Recorder) -> dict[str, object]:
    """Every feature's messages, recorded on `workspace`: `Services.messages` for service tests."""
    return {
        CADENCE_MESSAGES.name: RecordingCadenceMessages(workspace),
        WRAP_UP_MESSAGES.name: RecordingWrapUpMessages(workspace),
        DECLARATION_MESSAGES.name: RecordingDeclarationMessages(workspace),
    }

"""Wrap-up commands applied the way their forms and commands apply them, for tests below Slack."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from incidentbot.incident.models import Status
from incidentbot.kernel import commands
from incidentbot.kernel.context import Services
from incidentbot.wrap_up import action_items, analysis, comms
from incidentbot.wrap_up import resolve as resolving
from incidentbot.wrap_up.action_item_rules import ActionDraft, ActionItem, ActionState
from incidentbot.wrap_up.analysis_rules import AnalysisEntry
from incidentbot.wrap_up.comms_rules import CommsAudience, CommsText, StoredFinding
from incidentbot.wrap_up.resolution_rules import Resolution


def resolve(services: Services, incident_id: int, given: resolving.ResolutionInput, by: str) -> Resolution:
    command = resolving.ResolveIncident(user_id=by, incident_id=incident_id, given=given)
    return commands.execute(services, resolving.RESOLVE, command, None)


def save_comms(
    services: Services,
    incident_id: int,
    audience: CommsAudience,
    text: str,
    author: str,
    *,
    findings: Sequence[StoredFinding] = (),
    stage: Status | None = None,
    stakeholder_channel: str | None = None,
) -> CommsText:
    """Save and post the text; returns it as kept, with the ts of its post once posted."""
    command = comms.PostCommsText(
        user_id=author,
        incident_id=incident_id,
        audience=audience,
        text=text,
        findings=tuple(findings),
        stage=stage,
    )
    team = replace(services, stakeholder_channel=stakeholder_channel)
    kept = commands.execute(team, comms.SAVE, command, None)
    with services.store.transaction() as tx:
        return next(t for t in tx.comms_texts(incident_id) if t.id == kept.id)


def add_action(services: Services, incident_id: int, draft: ActionDraft, by: str) -> ActionItem:
    command = action_items.AddActionItem(user_id=by, incident_id=incident_id, draft=draft)
    return commands.execute(services, action_items.ADD, command, None)


def set_action_state(services: Services, item_id: int, state: ActionState) -> ActionItem:
    command = action_items.SetActionState(user_id="U001", item_id=item_id, state=state)
    return commands.execute(services, action_items.SET_STATE, command, None)


def add_analysis(services: Services, command: analysis.AddAnalysis) -> AnalysisEntry:
    return commands.execute(services, analysis.ADD, command, None)

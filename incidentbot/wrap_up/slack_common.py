"""Steps shared by the commands, buttons and forms of resolution, comms texts and postmortems."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any

from incidentbot.checker import CheckerConfig, checking
from incidentbot.incident.models import Status
from incidentbot.kernel.errors import NotAnIncidentChannel
from incidentbot.rendering.markdown import TextRenderer, plain_renderer
from incidentbot.slack import once
from incidentbot.slack.blocks.incident import incident_context
from incidentbot.slack.listeners.checker_context import team_checker_config
from incidentbot.slack.listeners.deps import Deps
from incidentbot.wrap_up import comms, postmortem
from incidentbot.wrap_up import slack_blocks_resolution as blocks
from incidentbot.wrap_up.comms_rules import CommsAudience, StoredFinding
from incidentbot.wrap_up.postmortem_draft import review_date
from incidentbot.wrap_up.render_postmortem import render_postmortem

FINDINGS_SHOWN = 10
Labelled = tuple[str | None, StoredFinding]


@cache
def drafts() -> TextRenderer:
    return plain_renderer()


def draft_text(facts: comms.DraftFacts, audience: CommsAudience) -> str:
    """The bot's first version of a text, from the per-stage (or per-audience) template."""
    name = f"wrap_up/comms/customer_{facts.stage.value}.j2" if audience is CommsAudience.CUSTOMER else None
    return drafts().render(
        name or f"wrap_up/comms/{audience.value}.j2",
        incident=facts.view.incident,
        stage=facts.stage,
        next_update_at=facts.next_update_at,
        resolution=facts.resolution,
        metrics=facts.metrics,
        actions=facts.actions,
        latest_customer=facts.latest_customer_text,
        now=facts.view.now,
        review_on=review_date(facts.view.incident.resolved_at, facts.view.now),
    )


def comms_form(
    deps: Deps, incident_id: int, audience: CommsAudience, stage: Status | None, channel_id: str
) -> dict[str, Any]:
    comms.check_audience_allowed(deps.services, incident_id, audience)
    facts = comms.draft_facts(deps.services, incident_id, stage)
    page = deps.status_page if audience is CommsAudience.CUSTOMER else None
    if facts.view.incident.is_private:
        page = None  # A private incident never reaches the status page.
    part = page.form_part(facts.view.incident, facts.stage, facts.next_update_at) if page else None
    return blocks.comms_modal(
        deps.renderer,
        facts.view,
        audience=audience,
        stage=facts.stage.value,
        channel_id=channel_id,
        text=draft_text(facts, audience),
        extra=(part.blocks, part.metadata) if part else ((), {}),
    )


def delivery(body: dict[str, Any]) -> str | None:
    """The delivery's name, claimed with the command's journal row (see `slack/once.py`);
    None for one that carries nothing to tell a repeat of it by."""
    return once.delivery_key(body)


def checker_config(deps: Deps, incident_id: int) -> CheckerConfig:
    """The team's [checker] lists, plus the names of the incident's people."""
    return checking.for_incident(deps.services, incident_id, team_checker_config(deps))


def review_text(deps: Deps, labelled: Sequence[Labelled]) -> str:
    shown = [{"field": field, "finding": finding} for field, finding in labelled[:FINDINGS_SHOWN]]
    return deps.renderer.render("wrap_up/comms/review.j2", findings=list(labelled), shown=shown)


def post_postmortem(deps: Deps, incident_id: int) -> str:
    """Render the draft, check it, share it as a Markdown file, and offer the analysis buttons."""
    data = postmortem.gather_in_slack(deps.services, incident_id)
    incident = data.incident
    if incident.channel_id is None:
        raise NotAnIncidentChannel(incident.label)
    document = render_postmortem(data, deps.services.policy)
    # The draft's own timeline names the incident's people; no second read of 10,000 entries.
    config = team_checker_config(deps).extended(names=checking.names_of(row.actor for row in data.timeline))
    found = checking.postmortem_findings(document, config)
    view = deps.services.view_of(incident_id)
    comment = deps.renderer.render(
        "wrap_up/postmortem/posted.j2",
        rows=len(data.timeline),
        actions=len(data.actions),
        not_smart=len(data.not_smart),
        findings=found,
        shown=found[:FINDINGS_SHOWN],
        **incident_context(view),
    )
    file_id = deps.workspace.upload_document(
        incident.channel_id,
        deps.renderer.label("postmortem_file.filename", number=incident.number),
        document,
        deps.renderer.label("postmortem_file.title", label=incident.label, title=incident.title),
        comment,
    )
    text, shown = blocks.workbench(view, deps.renderer)
    deps.workspace.post(incident.channel_id, text, shown)
    return file_id

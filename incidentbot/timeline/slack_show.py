"""Showing the timeline to one person, a page at a time, and posting it as a Markdown file."""

from __future__ import annotations

from functools import cache

from incidentbot.incident.models import Incident
from incidentbot.rendering import Renderer
from incidentbot.slack.blocks.common import Blocks
from incidentbot.slack.listeners.deps import Deps
from incidentbot.timeline import capture as timeline_capture
from incidentbot.timeline import service as timeline
from incidentbot.timeline.render_exports import ExportRenderer
from incidentbot.timeline.slack_blocks import Page, page_count, page_slice, timeline_page


@cache
def exporter(renderer: Renderer) -> ExportRenderer:
    return ExportRenderer(renderer)


def render_page(deps: Deps, incident: Incident, user_id: str, number: int | None) -> tuple[str, Blocks]:
    """Page `number` (None: the latest) as this person sees it; editors get an edit menu per entry."""
    services = deps.services
    timeline_capture.refetch_unfetched(services, incident)
    events = timeline.entries(services, incident.id)
    chosen, shown = page_slice(events, number)
    page = Page(
        incident=incident,
        events=timeline.with_names(services, shown),
        number=chosen,
        count=page_count(len(events)),
        total=len(events),
        editable=timeline.is_editor(services, incident.id, user_id),
        reaction=deps.team.timeline_reaction,
    )
    return timeline_page(page, deps.renderer)


def export_to_channel(deps: Deps, incident: Incident) -> None:
    assert incident.channel_id is not None, "exported from inside the incident channel"
    events = timeline.with_names(deps.services, timeline.entries(deps.services, incident.id))
    content = exporter(deps.renderer).timeline(incident, events, "md")
    deps.workspace.upload_text(
        incident.channel_id,
        filename=deps.renderer.label("timeline.file_name", number=incident.number),
        content=content,
        title=deps.renderer.label("timeline.file_title", number=incident.number),
        comment=deps.renderer.render("timeline/export_comment.j2", incident=incident, count=len(events)),
    )

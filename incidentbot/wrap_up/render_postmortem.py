"""The postmortem draft as a Markdown document."""

from __future__ import annotations

from functools import cache

from incidentbot.incident.policy import Policy
from incidentbot.rendering.markdown import TextRenderer, markdown_renderer
from incidentbot.wrap_up.postmortem_draft import PostmortemData

TEMPLATE = "wrap_up/postmortem/postmortem.md.j2"


@cache
def _documents() -> TextRenderer:
    return markdown_renderer()


def render_postmortem(data: PostmortemData, policy: Policy, renderer: TextRenderer | None = None) -> str:
    return (renderer or _documents()).render(TEMPLATE, pm=data, policy=policy) + "\n"

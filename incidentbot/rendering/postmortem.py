"""The postmortem draft as a Markdown document."""

from __future__ import annotations

from functools import cache

from incidentbot.domain.policy import Policy
from incidentbot.domain.postmortem import PostmortemData
from incidentbot.rendering.markdown import TextRenderer, markdown_renderer

TEMPLATE = "postmortem/postmortem.md.j2"


@cache
def _documents() -> TextRenderer:
    return markdown_renderer()


def render_postmortem(data: PostmortemData, policy: Policy, renderer: TextRenderer | None = None) -> str:
    return (renderer or _documents()).render(TEMPLATE, pm=data, policy=policy) + "\n"

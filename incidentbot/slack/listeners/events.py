"""Events API: the App Home shows open incidents (each delivery is handled once: `slack/once.py`)."""

from __future__ import annotations

from functools import partial
from typing import Any

from slack_bolt import App

from incidentbot.listing import queries
from incidentbot.slack.blocks.common import home_view
from incidentbot.slack.listeners.deps import Deps


def register(app: App, deps: Deps) -> None:
    @app.event("app_home_opened")
    def on_home(event: dict[str, Any], body: dict[str, Any]) -> None:
        if event.get("tab") != "home":
            return
        user = str(event["user"])
        deps.later(None, user, partial(_publish_home, deps, str(body.get("team_id", "")), user))


def _publish_home(deps: Deps, team_id: str, user: str) -> None:
    views = queries.visible_open_incidents(deps.services, team_id, user)
    text = deps.renderer.render("listing/list.j2", views=views)
    deps.workspace.publish_home(user, home_view(text))

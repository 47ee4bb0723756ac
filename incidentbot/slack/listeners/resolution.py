"""Listeners for resolving incidents, their texts for other audiences, postmortems and action items."""

from __future__ import annotations

from slack_bolt import App

from incidentbot.slack.listeners import resolution_actions, resolution_commands, resolution_views
from incidentbot.slack.listeners.commands import Router
from incidentbot.slack.listeners.deps import Deps


def register(app: App, deps: Deps, router: Router) -> None:
    resolution_commands.install(router, deps)
    resolution_views.register(app, deps)
    resolution_actions.register(app, deps)

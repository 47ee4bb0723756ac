"""Listeners for resolving incidents, their texts for other audiences, postmortems and action items."""

from __future__ import annotations

from slack_bolt import App

from incidentbot.slack.listeners.deps import Deps
from incidentbot.slack.listeners.invocation import Router
from incidentbot.wrap_up import slack_actions as resolution_actions
from incidentbot.wrap_up import slack_commands as resolution_commands
from incidentbot.wrap_up import slack_views as resolution_views
from incidentbot.wrap_up import slack_views_action_items as action_item_views


def register(app: App, deps: Deps, router: Router) -> None:
    resolution_commands.install(router)
    resolution_views.register(app, deps)
    action_item_views.register(app, deps)
    resolution_actions.register(app, deps)

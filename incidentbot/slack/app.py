"""Assemble the Bolt app: listeners by kind, plus the once-per-delivery middleware."""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk import WebClient

from incidentbot.alerts import slack_buttons as alert_buttons
from incidentbot.cadence import slack_listeners as updates
from incidentbot.changes import slack_lowering as severity_lowering
from incidentbot.drills import slack_listeners as drills
from incidentbot.drills import slack_replies as drill_replies
from incidentbot.handoff import slack_listeners as handoff
from incidentbot.kernel.context import Services
from incidentbot.slack.clean_input import StorableText
from incidentbot.slack.envelope import DocumentedShape
from incidentbot.slack.error_answer import answering_every_error
from incidentbot.slack.listeners import actions, commands, events, views
from incidentbot.slack.listeners.deps import Deps
from incidentbot.slack.listeners.invocation import Router
from incidentbot.slack.once import OnceApp, OncePerDelivery
from incidentbot.status_page import slack_corrections as status_page_corrections
from incidentbot.timeline import slack_events as timeline_events
from incidentbot.timeline import slack_interactions as timeline_interactions
from incidentbot.wrap_up import slack_listeners as resolution

log = logging.getLogger(__name__)


class IncidentApp(OnceApp):
    """The bot's Bolt app, holding the `/incident` router table its features declared."""

    def __init__(self, services: Services, router: Router, **bolt: Any) -> None:
        super().__init__(services, **bolt)
        self.router = router


def build_app(deps: Deps, client: WebClient, signing_secret: str) -> IncidentApp:
    router = Router()
    app = IncidentApp(
        deps.services,
        router,
        client=client,
        signing_secret=signing_secret or "socket-mode-has-no-signing-secret",
        # A listener runs on the thread that received the request, and the answer leaves when it
        # returns: no hand-off to a pool and no polling for ack(). So a listener only checks,
        # records and acknowledges; Slack work after the ack goes to `Deps.later` or
        # `Deps.open_modal` (see docs/performance.md).
        process_before_response=True,
        # Refuses a malformed envelope before authorization, Bolt's matchers or any listener.
        before_authorize=DocumentedShape(),
    )
    app.error(answering_every_error(deps))
    # Cleaned first, so even the ids a repeat is known by are text both databases store.
    app.middleware(StorableText())
    app.middleware(OncePerDelivery(deps.services))
    events.register(app, deps)
    commands.register(app, deps, router)
    views.register(app, deps)
    actions.register(app, deps)
    drill_replies.register(app, deps)  # before the timeline's `message` listener
    timeline_events.register(app, deps)
    timeline_interactions.register(app, deps)
    resolution.register(app, deps, router)
    updates.register(app, deps, router)
    handoff.register(app, deps, router)
    drills.register(app, deps, router)
    severity_lowering.register(app, deps)
    status_page_corrections.register(app, deps, router)
    alert_buttons.register(app, deps)
    return app

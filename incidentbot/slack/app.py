"""Assemble the Bolt app: listeners by kind, plus the once-per-delivery middleware."""

from __future__ import annotations

from slack_bolt import App
from slack_sdk import WebClient

from incidentbot.slack.clean_input import StorableText
from incidentbot.slack.listeners import (
    actions,
    commands,
    events,
    resolution,
    severity_lowering,
    timeline_events,
    timeline_interactions,
    updates,
    views,
)
from incidentbot.slack.listeners.deps import Deps
from incidentbot.slack.once import OnceApp, OncePerDelivery


def build_app(deps: Deps, client: WebClient, signing_secret: str) -> App:
    app = OnceApp(
        deps.services,
        client=client,
        signing_secret=signing_secret or "socket-mode-has-no-signing-secret",
        # A listener runs on the thread that received the request, and the answer leaves when it
        # returns: no hand-off to a pool and no polling for ack(). So a listener only checks,
        # records and acknowledges; Slack work after the ack goes to `Deps.later` or
        # `Deps.open_modal` (see docs/performance.md).
        process_before_response=True,
    )
    app.middleware(OncePerDelivery(deps.services))
    router = commands.Router()
    app.middleware(StorableText())
    events.register(app, deps)
    commands.register(app, deps, router)
    views.register(app, deps)
    actions.register(app, deps)
    timeline_events.register(app, deps)
    timeline_interactions.register(app, deps)
    resolution.register(app, deps, router)
    updates.register(app, deps, router)
    severity_lowering.register(app, deps)
    return app

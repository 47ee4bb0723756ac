"""Assemble the Bolt app: listeners by kind, plus the once-per-event middleware."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from slack_bolt import App
from slack_sdk import WebClient

from incidentbot.slack.listeners import (
    actions,
    commands,
    events,
    resolution,
    timeline_events,
    timeline_interactions,
    updates,
    views,
)
from incidentbot.slack.listeners.deps import Deps

LISTENER_THREADS = 32


def build_app(deps: Deps, client: WebClient, signing_secret: str) -> App:
    app = App(
        client=client,
        signing_secret=signing_secret or "socket-mode-has-no-signing-secret",
        # Answer Slack first, then work: a listener runs on this pool and the HTTP answer leaves
        # as soon as it calls ack(). Some listeners still post or upload after acknowledging, so
        # they must not hold the request thread (see docs/performance.md).
        process_before_response=False,
        listener_executor=ThreadPoolExecutor(
            LISTENER_THREADS, thread_name_prefix="listener", initializer=deps.ack_first.mark_foreground
        ),
    )
    router = commands.Router()
    events.register(app, deps)
    commands.register(app, deps, router)
    views.register(app, deps)
    actions.register(app, deps)
    timeline_events.register(app, deps)
    timeline_interactions.register(app, deps)
    resolution.register(app, deps, router)
    updates.register(app, deps, router)
    return app

"""Assemble the Bolt app: listeners by kind, plus the once-per-event middleware."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from slack_bolt import App
from slack_sdk import WebClient

from incidentbot.slack.listeners import actions, commands, events, updates, views
from incidentbot.slack.listeners.deps import Deps

LISTENER_THREADS = 32


def build_app(deps: Deps, client: WebClient, signing_secret: str) -> App:
    app = App(
        client=client,
        signing_secret=signing_secret or "socket-mode-has-no-signing-secret",
        # Answer Slack first, work after: listeners run in a pool once they have acknowledged.
        process_before_response=False,
        listener_executor=ThreadPoolExecutor(LISTENER_THREADS, thread_name_prefix="listener"),
    )
    router = commands.Router()
    events.register(app, deps)
    commands.register(app, deps, router)
    views.register(app, deps)
    actions.register(app, deps)
    updates.register(app, deps, router)
    return app

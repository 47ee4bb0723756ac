"""Events API: each delivery is handled once, and the App Home shows open incidents."""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import partial
from typing import Any

from slack_bolt import App, BoltRequest, BoltResponse
from slack_bolt.middleware import Middleware

from incidentbot.services import queries
from incidentbot.slack.blocks.common import home_view
from incidentbot.slack.listeners.deps import Deps

log = logging.getLogger(__name__)


def register(app: App, deps: Deps) -> None:
    app.middleware(OncePerEvent(deps))

    @app.event("app_home_opened")
    def on_home(event: dict[str, Any], body: dict[str, Any]) -> None:
        if event.get("tab") != "home":
            return
        user = str(event["user"])
        deps.later(None, user, partial(_publish_home, deps, str(body.get("team_id", "")), user))


def _publish_home(deps: Deps, team_id: str, user: str) -> None:
    views = queries.visible_open_incidents(deps.services, team_id, user)
    text = deps.renderer.render("list.j2", views=views)
    deps.workspace.call(
        "views.publish", lambda: deps.workspace.client.views_publish(user_id=user, view=home_view(text))
    )


CLAIMED_WITH_THEIR_RECORD = frozenset({"reaction_added"})
"""Events whose id is claimed in the transaction that records them (`timeline_events.RecordMarks`)."""


class OncePerEvent(Middleware):
    """Slack redelivers an event (X-Slack-Retry-Num) when it thinks we were slow: drop repeats.

    The event id is claimed in the database, so a retry landing on another replica is dropped too.
    A class rather than a function: Bolt hands a function middleware every argument it knows,
    built afresh for each request, and this one runs on every request.
    """

    def __init__(self, deps: Deps) -> None:
        self._deps = deps

    def process(
        self, *, req: BoltRequest, resp: BoltResponse, next: Callable[[], BoltResponse]
    ) -> BoltResponse | None:
        body = req.body
        if body.get("type") != "event_callback":
            return next()
        event_id = body.get("event_id")
        event = body.get("event")
        kind = event.get("type") if isinstance(event, dict) else None
        claimed_later = isinstance(kind, str) and kind in CLAIMED_WITH_THEIR_RECORD
        if isinstance(event_id, str) and not claimed_later:
            services = self._deps.services
            with services.store.transaction() as tx:
                first = tx.first_delivery(event_id, services.clock.now())
            if not first:
                log.info("dropping repeated delivery of %s", event_id)
                return BoltResponse(status=200, body="")
        return next()

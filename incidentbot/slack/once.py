"""Each Slack delivery is acted on once: an event, a modal submission, a click.

Slack redelivers an event (X-Slack-Retry-Num) when it thinks the bot was slow; a form reaches the
bot twice when someone double-clicks Submit or a client resends it, and a button when it is
clicked twice. Interactivity requests carry no retry header: a repeat looks exactly like the
first, down to the view's id and hash, or the click's `action_ts`. So each delivery is named by
what identifies it (`delivery_key`) and the first to arrive claims that name in the database,
whose unique key decides between two replicas receiving it at once. A delivery the bot did not
act on (an error, a form sent back with errors to correct) is forgotten again, so its repeat is
acted on. Housekeeping forgets the claims with the event ids (`Retention.event_ids`).
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import App, BoltRequest, BoltResponse
from slack_bolt.middleware import Middleware

from incidentbot.alerts import slack_ids as alerts
from incidentbot.cadence import slack_ids as cadence
from incidentbot.changes import slack_ids as changes
from incidentbot.declare import slack_ids as declare
from incidentbot.drills import slack_ids as drills
from incidentbot.kernel import journal
from incidentbot.kernel.context import Services
from incidentbot.roles import slack_ids as roles
from incidentbot.status_page import slack_ids as status_page
from incidentbot.timeline import slack_ids as timeline
from incidentbot.wrap_up import slack_ids as wrap_up

log = logging.getLogger(__name__)

KEY_LENGTH = 64
"""The width of `processed_events.event_id`."""

EVENTS_CLAIMED_WITH_THEIR_RECORD = frozenset({"reaction_added", "message"})
"""Events whose id is claimed in the transaction that records them (`timeline_events.RecordMarks`,
`drills/slack_replies.RecordReplies`). The other `message` events (edits of captured messages)
change nothing when repeated (`timeline/capture.message_edited`), so they need no claim."""

FEATURE_IDS = (alerts, cadence, changes, declare, drills, roles, status_page, timeline, wrap_up)
"""Each feature's `slack_ids.py`, which names the forms and buttons of its own that are claimed in
the commit that journals them (`CLAIMED_WITH_THEIR_RECORD`, `journal.accept_once`), so that a
process stopped between the claim and the journal cannot leave a claimed delivery that nobody
applies."""


def _claimed(kind: str) -> frozenset[str]:
    """The ids of one kind (`Callback`: forms, `Action`: buttons) that the features claim so."""
    return frozenset(
        member.value
        for ids in FEATURE_IDS
        for member in ids.CLAIMED_WITH_THEIR_RECORD
        if type(member).__name__.endswith(kind)
    )


VIEWS_CLAIMED_WITH_THEIR_RECORD = _claimed("Callback")
ACTIONS_CLAIMED_WITH_THEIR_RECORD = _claimed("Action")
"""A button's action id may carry a choice after a colon (`snooze_update:15`)."""


def delivery_key(body: dict[str, Any]) -> str | None:
    """What makes this delivery the same as an earlier one; None when nothing does."""
    kind = body.get("type")
    if kind == "event_callback":
        event_id = body.get("event_id")
        return event_id if isinstance(event_id, str) and event_id else None
    if kind == "view_submission":
        view = body.get("view")
        if isinstance(view, dict) and view.get("id"):
            return _bounded("view", f"{view['id']}:{view.get('hash') or ''}")
    if kind == "block_actions":
        actions, user = body.get("actions"), body.get("user")
        if isinstance(actions, list) and actions and isinstance(actions[0], dict) and isinstance(user, dict):
            action = actions[0]
            if action.get("action_ts"):
                return _bounded("action", f"{user.get('id')}:{action['action_ts']}:{action.get('action_id')}")
    return None


def _bounded(kind: str, identity: str) -> str:
    key = f"{kind}:{identity}"
    if len(key) <= KEY_LENGTH:
        return key
    # An action id may be long; a digest keeps the key within the column and still unique.
    return f"{kind}:{hashlib.sha256(identity.encode()).hexdigest()[: KEY_LENGTH - len(kind) - 1]}"


def _claimed_with_their_record(body: dict[str, Any]) -> bool:
    event, view = body.get("event"), body.get("view")
    if isinstance(event, dict):
        return _named(event.get("type"), EVENTS_CLAIMED_WITH_THEIR_RECORD)
    if body.get("type") == "view_submission" and isinstance(view, dict):
        return _named(view.get("callback_id"), VIEWS_CLAIMED_WITH_THEIR_RECORD)
    if body.get("type") == "block_actions":
        return _named(_first_action_name(body), ACTIONS_CLAIMED_WITH_THEIR_RECORD)
    return False


def _first_action_name(body: dict[str, Any]) -> str | None:
    actions = body.get("actions")
    if not (isinstance(actions, list) and actions and isinstance(actions[0], dict)):
        return None
    action_id = actions[0].get("action_id")
    return action_id.partition(":")[0] if isinstance(action_id, str) else None


def _named(value: object, names: frozenset[str]) -> bool:
    # A malformed payload may carry a list or an object here: not a name, and not hashable.
    return isinstance(value, str) and value in names


CLAIMED = "incidentbot_claimed_delivery"
"""Where `OncePerDelivery` leaves the key it claimed, for `OnceApp` to withdraw if need be."""


class OncePerDelivery(Middleware):
    """Drop a repeated delivery: a repeat gets an empty 200, which closes a submitted modal and
    does nothing for a click.

    A class rather than a function: Bolt hands a function middleware every argument it knows,
    built afresh for each request, and this one runs on every request.
    """

    def __init__(self, services: Services) -> None:
        self._services = services

    def process(
        self, *, req: BoltRequest, resp: BoltResponse, next: Callable[[], BoltResponse]
    ) -> BoltResponse | None:
        key = delivery_key(req.body)
        if key is None or _claimed_with_their_record(req.body):
            return next()
        if not journal.claim_delivery(self._services, key):
            log.info("dropping repeated delivery of %s", key)
            return BoltResponse(status=200, body="")
        req.context[CLAIMED] = key
        return next()


class OnceApp(App):
    """A Bolt app that withdraws the claim on a delivery it did not act on, so a repeat of it is.

    Bolt's middleware cannot see the listener's answer (its `next()` only lets the chain go on),
    so this is done where the answer comes back: an error (4xx, 5xx) or a form sent back with
    errors to correct changed nothing, and the person may well send that very form again.
    """

    def __init__(self, services: Services, **bolt: Any) -> None:
        super().__init__(**bolt)
        self._once_services = services

    def dispatch(self, req: BoltRequest) -> BoltResponse:
        answer = super().dispatch(req)
        key = req.context.get(CLAIMED)
        if isinstance(key, str) and not acted_on(answer):
            with self._once_services.store.transaction() as tx:
                tx.forget_delivery(key)
        return answer


def acted_on(answer: BoltResponse) -> bool:
    """False for an error answer and for a form sent back with errors to correct."""
    if answer.status >= 400:
        return False
    body = answer.body
    if not body.startswith("{"):
        return True
    try:
        sent = json.loads(body)
    except ValueError:
        return True
    return not (isinstance(sent, dict) and sent.get("response_action") == "errors")

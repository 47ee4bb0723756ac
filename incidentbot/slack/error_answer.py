"""Bolt's error handler: any exception a listener lets escape becomes an answer the person reads.

Listeners raise; they do not catch. An `IncidentError` says what to do next in its own template,
`SlackUnavailable` says to try again, and anything else is logged with the request's kind and ids
(never what anyone typed) and answered with a short "nothing was lost, try again".

Slack gets a 200 for every request that reached a listener: a 500 would make Slack say the app
failed, or send the event again, when the person has already been told what happened. Requests
of the wrong shape never get this far; they are refused with a 4xx before any listener
(`slack/envelope.py`), and a bad signature is Bolt's 401.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable
from typing import Any

from slack_bolt import BoltRequest, BoltResponse
from slack_bolt.request.payload_utils import is_event, is_slash_command, is_view_submission

from incidentbot.kernel.errors import IncidentError, SlackUnavailable
from incidentbot.slack.listeners.deps import Deps

log = logging.getLogger(__name__)
ErrorHandler = Callable[[Exception, BoltRequest, BoltResponse], None]


def answering_every_error(deps: Deps) -> ErrorHandler:
    """The handler for `app.error`, answering through `deps`."""

    def answer(error: Exception, request: BoltRequest, response: BoltResponse) -> None:
        context = request.context
        user, channel = context.user_id or "", context.channel_id
        text = _failure_text(deps, error, request)
        acknowledged = context.ack.response if context.ack is not None else None
        if acknowledged is not None:
            # The request was recorded before its acknowledgement: Slack keeps that answer.
            _answer_with(response, acknowledged)
        elif is_slash_command(request.body):
            _answer_with(response, BoltResponse(status=200, body=text))
            return
        elif is_view_submission(request.body) and (block := _first_input_block(request.body)):
            # Shown beside the form, which stays open with everything the person typed.
            errors = {"response_action": "errors", "errors": {block: text}}
            _answer_with(response, BoltResponse(status=200, body=errors))
            return
        else:
            _answer_with(response, BoltResponse(status=200, body=""))
        if user:
            deps.tell_later(channel, user, text)

    return answer


def _first_input_block(body: dict[str, Any]) -> str | None:
    view = body.get("view")
    blocks = view.get("blocks") if isinstance(view, dict) else None
    for block in blocks if isinstance(blocks, list) else []:
        if isinstance(block, dict) and block.get("type") == "input" and block.get("block_id"):
            return str(block["block_id"])
    return None


def _answer_with(response: BoltResponse, answer: BoltResponse) -> None:
    response.status, response.body, response.headers = answer.status, answer.body, answer.headers


def _failure_text(deps: Deps, error: Exception, request: BoltRequest) -> str:
    if isinstance(error, IncidentError):
        return deps.error_text(error)
    if isinstance(error, SlackUnavailable):
        return deps.renderer.render("slack/errors/slack_unavailable.j2", detail=str(error))
    _log_unexpected(error, request)
    return deps.renderer.render("slack/errors/internal.j2")


def _log_unexpected(error: Exception, request: BoltRequest) -> None:
    """Log what failed by kind and ids; the traceback's frames, not its message, which may quote text."""
    context = request.context
    log.error(
        "%s %s failed with %s for user %s in channel %s (team %s)\n%s",
        _kind(request.body),
        _name(request.body),
        type(error).__name__,
        context.user_id,
        context.channel_id,
        context.team_id,
        "".join(traceback.format_tb(error.__traceback__)),
    )


def _kind(body: dict[str, Any]) -> str:
    if is_slash_command(body):
        return "command"
    if is_event(body):
        return "event"
    return str(body.get("type") or "request")


def _name(body: dict[str, Any]) -> str:
    """Which command, event, action or form: the handler's id, never the person's words."""
    if is_slash_command(body):
        return str(body.get("command"))
    if is_event(body):
        return str(body["event"].get("type"))
    actions = body.get("actions")
    if isinstance(actions, list) and actions and isinstance(actions[0], dict):
        return str(actions[0].get("action_id"))
    view = body.get("view")
    return str(view.get("callback_id")) if isinstance(view, dict) else "?"

"""What every wrap-up form's listener does alike: who sent it, which incident, inline errors,
the checker's review, and journalling the command before the ack."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from slack_bolt import Ack

from incidentbot.kernel import commands
from incidentbot.kernel.commands import Command, CommandHandler
from incidentbot.slack import parse
from incidentbot.slack.listeners.deps import Deps
from incidentbot.wrap_up import slack_blocks_resolution as blocks
from incidentbot.wrap_up.slack_common import delivery

Errors = dict[str, str]
Listener = Callable[..., None]


def submitter(body: dict[str, Any]) -> tuple[str | None, str]:
    return parse.metadata(body.get("view") or {}).get("channel"), str(body["user"]["id"])


def incident_id_of(view: dict[str, Any]) -> int:
    value = parse.metadata(view).get("incident_id")
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def invalid(deps: Deps, problems: dict[str, str | None]) -> Errors:
    return {block: deps.renderer.label(f"wrapup_invalid.{key}") for block, key in problems.items() if key}


def needs_review(view: dict[str, Any], found: Sequence[object], texts: Sequence[str]) -> str | None:
    """The digest to review these texts under, or None when they may be saved now."""
    reviewed = parse.metadata(view).get("reviewed")
    current = blocks.digest(texts)
    return current if found and reviewed != current else None


def submit_then_apply(
    deps: Deps,
    ack: Ack,
    body: dict[str, Any],
    command: Command,
    handler: CommandHandler[Any, Any],
    then: Callable[[Any], object] | None = None,
) -> None:
    """Journal the form before the ack (a resend of it is recorded once), apply it just after,
    then `then(result)` (an answer to the person) when this process applied it."""
    row = commands.submit(deps.services, command, delivery(body))
    ack()
    if row is None:
        return

    def apply() -> None:
        result = commands.apply_submitted(deps.services, row, handler)
        if result is not None and then is not None:
            then(result)

    deps.later(*submitter(body), apply)

"""The person a slash command names: a completed mention, or a name typed for them.

With the command's escaping on, Slack sends a mention picked from the composer as
`<@U123|carol>`. A person may still type a name without completing it (`@carol`, `Carol`), and
with escaping off every mention arrives that way: such a name is looked up in the workspace.
"""

from __future__ import annotations

import re

from incidentbot.kernel.errors import SlackUnavailable
from incidentbot.slack.listeners.invocation import Invocation
from incidentbot.timeline.slack_message_text import USER_MENTION, readable

# An `@word` someone typed, not part of an e-mail address or a Slack token.
TYPED_AT = re.compile(r"(?<![\w<@])@([^\s@<>]+)")
_BROADCASTS = frozenset({"here", "channel", "everyone"})


def mentioned(text: str) -> str | None:
    match = USER_MENTION.search(text)
    return match[1] if match else None


def person_named(inv: Invocation, typed: str, example: str) -> str | None:
    """The user id `typed` names; None when it names nobody or several, after saying whom it may mean.

    `typed` is Slack-escaped command text; `example` is the command to show as what to type next.
    """
    found = mentioned(typed)
    if found:
        return found
    name = readable(typed, str).strip()
    people = inv.deps.workspace.people
    try:
        exact = people.named(name)
        if len(exact) == 1:
            return exact[0].id
        candidates = exact or people.similar(name)
    except SlackUnavailable as error:
        inv.reply(inv.deps.renderer.render("slack/errors/slack_unavailable_lookup.j2", detail=str(error)))
        return None
    inv.reply(
        inv.deps.renderer.render(
            "slack/errors/person_unclear.j2",
            typed=name,
            candidates=candidates,
            several=len(exact) > 1,
            example=example,
        )
    )
    return None


def owner_completed(inv: Invocation, text: str, example: str) -> str | None:
    """`text` with an owner typed as `@name` turned into their mention; None when it is unclear.

    `text` is readable, with mentions of people and groups kept as tokens: a completed mention
    needs no lookup, and a parser finds several owners or a group owner among the tokens.
    """
    if "<@" in text or "<!subteam^" in text:
        return text
    typed = next((m for m in TYPED_AT.finditer(text) if m[1].lower() not in _BROADCASTS), None)
    if typed is None:
        return text
    owner = person_named(inv, typed[0], example)
    if owner is None:
        return None
    return f"{text[: typed.start()]}<@{owner}>{text[typed.end() :]}"

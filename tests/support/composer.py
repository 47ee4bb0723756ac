"""What Slack sends for what a person types in the message composer.

Slack's client escapes `&`, `<` and `>` in everything a person types (`&amp;`, `&lt;`, `&gt;`).
In messages, a mention picked from the composer is sent as `<@U123>`, a channel as `<#C123>`,
`@here` as `<!here>`. In slash-command text the same happens only when the command's
`should_escape` is on, and then with the name after a pipe (`<@U123|carol>`, `<#C123|ops>`);
with it off, mentions arrive as typed (`@carol`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

_AT = re.compile(r"(?<![\w@])@([\w.\-]*[\w])")
_HASH = re.compile(r"(?<![\w#&])#([a-z0-9_\-]+)")
_BROADCASTS = frozenset({"here", "channel", "everyone"})


def escape(typed: str) -> str:
    return typed.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


@dataclass(frozen=True)
class Directory:
    """Who and which channels the composer can complete: name → id."""

    users: Mapping[str, str]
    channels: Mapping[str, str]
    groups: Mapping[str, str] = field(default_factory=dict)
    """User groups by handle: `@platform` completes to `<!subteam^S123|@platform>`."""

    def command_text(self, typed: str, *, should_escape: bool) -> str:
        """Slash-command text as Slack posts it to the app."""
        escaped = escape(typed)
        return self._tokens(escaped, labelled=True) if should_escape else escaped

    def message_text(self, typed: str) -> str:
        """A message's `text` as Slack stores it and returns it (events, history, shortcuts)."""
        return self._tokens(escape(typed), labelled=False)

    def _tokens(self, text: str, *, labelled: bool) -> str:
        def person(match: re.Match[str]) -> str:
            name = match[1]
            if name in _BROADCASTS:
                return f"<!{name}>"
            group_id = self.groups.get(name)
            if group_id is not None and name not in self.users:
                return f"<!subteam^{group_id}|@{name}>" if labelled else f"<!subteam^{group_id}>"
            user_id = self.users.get(name)
            if user_id is None:
                return match[0]  # not completed: Slack sends the words as typed
            return f"<@{user_id}|{name}>" if labelled else f"<@{user_id}>"

        def channel(match: re.Match[str]) -> str:
            channel_id = self.channels.get(match[1])
            if channel_id is None:
                return match[0]
            return f"<#{channel_id}|{match[1]}>"

        return _HASH.sub(channel, _AT.sub(person, text))

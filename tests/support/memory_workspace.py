"""A recording stand-in for the Slack port (`kernel/ports.Workspace`), for tests of use cases
without Slack: it records each call and can be told to fail or to refuse."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from incidentbot.incident.models import Role
from incidentbot.kernel.errors import ChannelRefused, IncidentError, NameTaken, SlackUnavailable
from incidentbot.kernel.ports import Blocks, ChannelMessage, IncidentView, Person


class OutboxRecording:
    """Mixed into RecordingWorkspace: records the outbox's own Slack call."""

    if TYPE_CHECKING:

        def _record(self, name: str, payload: Any) -> None: ...

    def explain_refusal(self, channel_id: str | None, user_id: str, error: IncidentError) -> None:
        self._record("explain_refusal", (channel_id, user_id, error.code, error.detail))

    def post_rendered(self, view: IncidentView, template: str, **context: object) -> str:
        self._record(*_message("post_rendered", (view.incident.channel_id, template, context)))
        return "1.0010"

    def post_rendered_once(
        self, view: IncidentView, template: str, key: str, *, look_first: bool, **context: object
    ) -> str:
        self._record("post_rendered", (view.incident.channel_id, template, context))
        return "1.0010"

    def dm_rendered(self, view: IncidentView, user_id: str, template: str, **context: object) -> str:
        self._record(*_message("dm_rendered", (user_id, template, context)))
        return "1.0011"


CHECKLIST = re.compile(r"roles/checklists/(\w+)\.j2")


def _message(call: str, payload: tuple[Any, str, dict[str, Any]]) -> tuple[str, Any]:
    """A message the services tests know by name (`post_role_change`, `send_role_checklist`,
    `post_change`), recorded, and failed with `failing`, under that name with what it says;
    any other rendered message under the call's own name."""
    whom, template, context = payload
    if template == "roles/role_change.j2":
        return "post_role_change", (context["role"], context["user"], context["by"])
    if call == "dm_rendered" and (checklist := CHECKLIST.fullmatch(template)):
        return "send_role_checklist", (Role(checklist.group(1)), whom)
    if template == "changes/change.j2":
        return "post_change", context["event"]
    return call, payload


@dataclass
class RecordingWorkspace(OutboxRecording):
    """Records what the services asked Slack to do; can be told to fail."""

    people: dict[str, Person] = field(
        default_factory=lambda: {
            "U001": Person("U001", "alice"),
            "U002": Person("U002", "bob"),
            "UBOT": Person("UBOT", "bot", is_bot=True),
        }
    )
    calls: list[tuple[str, Any]] = field(default_factory=list)
    taken_names: set[str] = field(default_factory=set)
    failing: set[str] = field(default_factory=set)
    refusing: dict[str, tuple[str, str]] = field(default_factory=dict)
    """Calls Slack refuses for good: name → (channel id, Slack's error code)."""
    members: dict[str, set[str]] = field(default_factory=dict)
    messages: dict[tuple[str, str], ChannelMessage] = field(default_factory=dict)
    marks: dict[tuple[str, str], int] = field(default_factory=dict)
    """Timeline reactions people have on each message, as `timeline_reactions` reports them."""

    def _record(self, name: str, payload: Any) -> None:
        if name in self.refusing:
            raise ChannelRefused(*self.refusing[name])
        if name in self.failing:
            raise SlackUnavailable(f"{name}: internal_error")
        self.calls.append((name, payload))

    def names(self) -> list[str]:
        return [name for name, _ in self.calls]

    def post(self, channel: str, text: str, blocks: Blocks | None = None) -> str:
        self._record("post", (channel, text, blocks))
        return "1.0020"

    def edit(self, channel: str, ts: str, text: str, blocks: Blocks) -> None:
        self._record("edit", (channel, ts, text, blocks))

    def dm(self, user_id: str, text: str, blocks: Blocks | None = None) -> str:
        self._record("dm", (user_id, text, blocks))
        return "1.0021"

    def ephemeral(self, channel: str, user: str, text: str, blocks: Blocks | None = None) -> None:
        self._record("ephemeral", (channel, user, text, blocks))

    def person(self, user_id: str) -> Person | None:
        return self.people.get(user_id)

    def create_channel(self, name: str, *, private: bool) -> str:
        if name in self.taken_names:
            raise NameTaken(name)
        self._record("create_channel", (name, private))
        self.taken_names.add(name)
        return f"C{len(self.taken_names):04d}"

    def invite(self, channel_id: str, user_ids: Sequence[str]) -> None:
        self._record("invite", (channel_id, tuple(user_ids)))
        self.members.setdefault(channel_id, set()).update(user_ids)

    def set_topic(self, channel_id: str, topic: str) -> None:
        self._record("set_topic", (channel_id, topic))

    def pin(self, channel_id: str, ts: str) -> None:
        self._record("pin", (channel_id, ts))

    def open_view(self, trigger_id: str, view: dict[str, Any]) -> None:
        self._record("open_view", (trigger_id, view))

    def publish_home(self, user_id: str, view: dict[str, Any]) -> None:
        self._record("publish_home", (user_id, view))

    def channel_members(self, channel_id: str) -> set[str]:
        return self.members.get(channel_id, set())

    def message(self, channel_id: str, ts: str) -> ChannelMessage | None:
        self._record("message", (channel_id, ts))
        return self.messages.get((channel_id, ts))

    def permalink(self, channel_id: str, ts: str) -> str | None:
        self._record("permalink", (channel_id, ts))
        return f"https://example.slack.com/archives/{channel_id}/p{ts.replace('.', '')}"

    def mark_captured(self, channel_id: str, ts: str) -> None:
        self._record("mark_captured", (channel_id, ts))

    def unmark_captured(self, channel_id: str, ts: str) -> None:
        self._record("unmark_captured", (channel_id, ts))

    def timeline_reactions(self, channel_id: str, ts: str) -> int:
        self._record("timeline_reactions", (channel_id, ts))
        return self.marks.get((channel_id, ts), 0)

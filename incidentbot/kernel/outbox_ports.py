"""What the outbox needs from Slack to send a feature's message (part of the Workspace port)."""

from __future__ import annotations

from typing import Protocol

from incidentbot.incident.view import IncidentView
from incidentbot.kernel.errors import IncidentError


class OutboxWorkspace(Protocol):
    def explain_refusal(self, channel_id: str | None, user_id: str, error: IncidentError) -> None:
        """Tell a person why a request of theirs was closed unapplied (`kernel.errors.error_template`)."""
        ...

    def post_rendered(self, view: IncidentView, template: str, **context: object) -> str:
        """Post `template` in the incident's channel, rendered with the incident and `context`.

        The primitive a feature's delivery handler posts through: the feature names the template
        and gives what it needs, so a new message needs no method of its own on this port.
        """
        ...

    def post_rendered_once(
        self, view: IncidentView, template: str, key: str, *, look_first: bool, **context: object
    ) -> str:
        """`post_rendered`, the message tagged with `key` (in Slack's message metadata, which
        people do not see). With `look_first`, the channel's recent messages are read first, and
        when one of them carries `key` nothing is posted (its ts is returned): a delivery tried
        before — its worker stopped, or Slack's answer never came — may have been posted then.
        """
        ...

    def dm_rendered(self, view: IncidentView, user_id: str, template: str, **context: object) -> str:
        """DM `template` to `user_id`, rendered with the incident and `context`."""
        ...

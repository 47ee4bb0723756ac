"""What the declaration says in Slack: the channel's first messages, the announcement, and the
setup's reports (`declare/slack_messages.py`).

The pinned summary and the announcement are kept true by the change that alters the incident
(`changes/notices.py`), through the same messages.
"""

from __future__ import annotations

from typing import Protocol

from incidentbot.incident.view import IncidentView
from incidentbot.kernel.errors import ChannelRefused
from incidentbot.kernel.messages import Messages


class DeclarationMessages(Protocol):
    def post_alert(self, view: IncidentView) -> str:
        """The channel's first message: what was declared, and how to put things on the timeline."""
        ...

    def post_summary(self, view: IncidentView) -> str:
        """Post and pin the summary, with its buttons; its ts."""
        ...

    def refresh_summary(self, view: IncidentView) -> None:
        """Edit the pinned summary in place and reset the channel topic."""
        ...

    def announce(self, view: IncidentView, channel_id: str) -> str:
        """Announce the incident in `channel_id`; the announcement's ts."""
        ...

    def report_announcement_refused(self, view: IncidentView, user_id: str, refusal: ChannelRefused) -> None:
        """Tell `user_id` (the commander) why the incident was not announced and what to do."""
        ...

    def refresh_announcement(self, view: IncidentView) -> None:
        """Edit the announcement to show the incident as it is now."""
        ...

    def report_setup_failure(self, view: IncidentView, user_id: str, reason: str) -> None:
        """Tell `user_id` the channel's setup failed for good, with a Retry button."""
        ...

    def report_setup_delayed(self, view: IncidentView, user_id: str, reason: str) -> None:
        """DM `user_id` that Slack held up the channel's setup, and how it stands now."""
        ...


DECLARATION_MESSAGES: Messages[DeclarationMessages] = Messages("declare")
"""Where the declaration finds its messages: `DECLARATION_MESSAGES.of(services)` (`kernel/messages.py`)."""

"""Failures a person can act on; the Slack layer turns each into a message that says what to do."""

from __future__ import annotations


class IncidentError(Exception):
    """Base for errors shown to the person who asked; `code` names the template that explains it."""

    code = "error"
    """`templates/slack/errors/<code>.j2`, or, for a code naming its feature (`handoff/to_commander`),
    `templates/<code>.j2`: a feature keeps its errors with its other templates."""

    def __init__(self, detail: str = "") -> None:
        super().__init__(detail or self.code)
        self.detail = detail


def error_template(code: str) -> str:
    """The template that explains an error of this code (see `IncidentError.code`)."""
    return f"{code}.j2" if "/" in code else f"slack/errors/{code}.j2"


class NotAnIncidentChannel(IncidentError):
    code = "not_incident_channel"


class IncidentNotFound(IncidentError):
    code = "incident_not_found"


class IncidentClosed(IncidentError):
    code = "incident_closed"


class UnknownUser(IncidentError):
    code = "unknown_user"


class BotUser(IncidentError):
    code = "bot_user"


class NotPermitted(IncidentError):
    code = "not_permitted"


class NotAMember(IncidentError):
    """A private incident is changed only from inside its channel; `detail` is the commander's id."""

    code = "not_a_member"


class OnlyCommanderHandsOver(IncidentError):
    """`detail` is the commander's user id."""

    code = "only_commander_hands_over"


class LoweringNotConfirmed(IncidentError):
    """A SEV-1/SEV-2 lowered by someone with no role, without confirming; `detail`: the commander."""

    code = "lowering_not_confirmed"


class Unstorable(IncidentError):
    """The database refused the values a request carries: trying again can never succeed."""

    code = "unstorable"


class UnreadableRequest(IncidentError):
    """A journalled request no longer reads as its kind (written by another version): it can never apply."""

    code = "unreadable_request"


class NameTaken(Exception):
    """Slack already has a channel by that name."""


class SlackUnavailable(Exception):
    """Slack could not be reached or kept refusing, after the client's own retries."""


class FormExpired(IncidentError):
    """Slack would not open a form: the click's trigger lives 3 seconds and opens one view
    (`expired_trigger_id`, `invalid_trigger_id`). Clicking again gives a new one."""

    code = "form_expired"


class FormRefused(IncidentError):
    """Slack refused a form the bot built (`invalid_arguments`, `view_too_large`): clicking again
    cannot help; the refusal is logged with Slack's reasons."""

    code = "form_refused"


class ChannelRefused(IncidentError, SlackUnavailable):
    """Slack will not let the bot post in a channel until someone changes that: retrying cannot help.

    `not_in_channel` (a public channel the bot was never invited to, and no `chat:write.public`),
    `channel_not_found` (a private channel it is not in, or a wrong id) or `is_archived`.
    """

    code = "channel_refused"

    def __init__(self, channel_id: str, reason: str) -> None:
        super().__init__(reason)
        self.channel_id = channel_id
        self.reason = reason

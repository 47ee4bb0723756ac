"""One Jinja2 environment over `templates/`, escaping every value for Slack mrkdwn."""

from incidentbot.rendering.environment import Renderer, mrkdwn_escape, safe

__all__ = ["Renderer", "mrkdwn_escape", "safe"]

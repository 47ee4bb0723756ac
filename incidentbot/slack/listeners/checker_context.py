"""What the communication checker knows about this team: the `[checker]` lists of the config
file, plus the workspace's user groups (`slack/user_groups.py`)."""

from __future__ import annotations

from incidentbot.checker import CheckerConfig
from incidentbot.slack.listeners.deps import Deps


def team_checker_config(deps: Deps, *, after_the_answer: bool = False) -> CheckerConfig:
    """Before an answer the groups are what is already known: a form is never held up by Slack."""
    groups = deps.workspace.user_groups.terms(wait=after_the_answer)
    return deps.team.checker.checker_config().extended(
        teams=groups.teams, names=groups.names, handles=groups.handles
    )

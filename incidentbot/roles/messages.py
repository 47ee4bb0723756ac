"""What the roles say in Slack: the channel's notice of a new holder, and each role's checklist.

The content is the feature's own (`templates/roles/`); Slack only posts and DMs it.
"""

from __future__ import annotations

from incidentbot.incident.models import Role
from incidentbot.kernel.ports import IncidentView, Workspace


def post_role_change(workspace: Workspace, view: IncidentView, role: Role, user_id: str, by: str) -> None:
    """Say in the incident's channel who holds `role` now, and who named them."""
    workspace.post_rendered(view, "roles/role_change.j2", role=role, user=user_id, by=by)


def send_checklist(workspace: Workspace, view: IncidentView, role: Role, user_id: str) -> None:
    """DM `user_id` what holding `role` means, and how to do it with the bot."""
    workspace.dm_rendered(view, user_id, f"roles/checklists/{role.value}.j2")

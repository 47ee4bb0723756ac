"""User groups as Slack's usergroups.list answers for them (api.slack.com/methods/usergroups.list),
and one group's members as usergroups.users.list does (`usergroup` required, `include_disabled`).

Every group comes in one answer (the method has no pages); a disabled group (`date_delete` set)
only with `include_disabled`; `user_count` only with `include_count` and `users` only with
`include_users`. A workspace on the free plan has no user groups at all: Slack answers
`plan_upgrade_required`, which `refusal` stands in for. The scope, `usergroups:read`, is checked
with every other method's (`scopes.py`).
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import Any

Json = dict[str, Any]
TEAM_ID = "T0001"


class FakeUserGroups:
    def __init__(self) -> None:
        self._groups: dict[str, Json] = {}
        self.refusal: str | None = None
        """An error Slack answers instead of the list, such as "plan_upgrade_required"."""

    def add(
        self,
        group_id: str,
        handle: str,
        name: str,
        users: Sequence[str] = (),
        *,
        disabled: bool = False,
    ) -> None:
        """A group as Slack describes it, with the fields the reference's example shows."""
        self._groups[group_id] = {
            "id": group_id,
            "team_id": TEAM_ID,
            "is_usergroup": True,
            "name": name,
            "description": "",
            "handle": handle,
            "is_external": False,
            "date_create": 1_700_000_000,
            "date_update": 1_700_000_000,
            "date_delete": 1_700_000_500 if disabled else 0,
            "auto_type": None,
            "created_by": "U001",
            "updated_by": "U001",
            "deleted_by": "U001" if disabled else None,
            "prefs": {"channels": [], "groups": []},
            "users": list(users),
        }

    def handles(self) -> dict[str, str]:
        """Enabled groups by handle, as the composer completes `@handle`."""
        return {g["handle"]: g["id"] for g in self._groups.values() if not g["date_delete"]}

    def members(self, group_id: str, *, include_disabled: bool) -> list[str]:
        """usergroups.users.list: the group's user ids, in the order they were added.

        An unknown id is `no_such_subgroup`; so is a disabled group unless `include_disabled`,
        and then Slack answers it with no users (disabling a group empties it).
        """
        group = self._groups.get(group_id)
        if group is None or (group["date_delete"] and not include_disabled):
            raise LookupError("no_such_subgroup")
        return [] if group["date_delete"] else list(group["users"])

    def listed(self, *, include_disabled: bool, include_count: bool, include_users: bool) -> list[Json]:
        shown = []
        for group in self._groups.values():
            if group["date_delete"] and not include_disabled:
                continue
            answer = copy.deepcopy(group)
            members = answer.pop("users")
            if include_count:
                answer["user_count"] = len(members)
            if include_users:
                answer["users"] = members
            shown.append(answer)
        return shown

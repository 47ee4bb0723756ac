"""The bot scopes each Web API method needs, from Slack's reference (api.slack.com/methods/<name>).

The fake refuses a call whose scope the manifest does not grant, as Slack does
(`missing_scope`), and tests/test_manifest.py checks the manifest against the code with the
same table. Methods on a conversation need the scope of its kind: public, private or DM.
"""

from __future__ import annotations

from collections.abc import Mapping

Kinds = Mapping[str, str]


def _by_kind(public: str, private: str, im: str) -> Kinds:
    return {"public": public, "private": private, "im": im}


# Method → one scope whatever the conversation, or the scope for each kind of conversation.
SCOPES: dict[str, str | Kinds | None] = {
    "auth.test": None,
    "api.test": None,
    # Socket Mode: called with the app-level token, whose scope is connections:write, not a bot scope.
    "apps.connections.open": None,
    "users.info": "users:read",
    "users.list": "users:read",
    "users.lookupByEmail": "users:read.email",
    "usergroups.list": "usergroups:read",
    "usergroups.users.list": "usergroups:read",
    "conversations.create": _by_kind("channels:manage", "groups:write", "im:write"),
    "conversations.rename": _by_kind("channels:manage", "groups:write", "im:write"),
    "conversations.invite": _by_kind("channels:manage", "groups:write", "im:write"),
    "conversations.setTopic": _by_kind("channels:manage", "groups:write", "im:write"),
    "conversations.setPurpose": _by_kind("channels:manage", "groups:write", "im:write"),
    "conversations.archive": _by_kind("channels:manage", "groups:write", "im:write"),
    "conversations.unarchive": _by_kind("channels:manage", "groups:write", "im:write"),
    "conversations.info": _by_kind("channels:read", "groups:read", "im:read"),
    "conversations.members": _by_kind("channels:read", "groups:read", "im:read"),
    "conversations.list": "channels:read",
    "conversations.join": "channels:join",
    "conversations.open": "im:write",
    "conversations.history": _by_kind("channels:history", "groups:history", "im:history"),
    "conversations.replies": _by_kind("channels:history", "groups:history", "im:history"),
    # Posting to a user id lands in the app's DM with them: chat:write is enough.
    "chat.postMessage": "chat:write",
    "chat.update": "chat:write",
    "chat.postEphemeral": "chat:write",
    "chat.delete": "chat:write",
    "chat.getPermalink": None,
    "pins.add": "pins:write",
    "pins.remove": "pins:write",
    "pins.list": "pins:read",
    "reactions.add": "reactions:write",
    "reactions.remove": "reactions:write",
    "reactions.get": "reactions:read",
    "views.open": None,
    "views.push": None,
    "views.update": None,
    "views.publish": None,
    "files.getUploadURLExternal": "files:write",
    "files.completeUploadExternal": "files:write",
}
# slack-sdk helpers that call several methods.
SDK_HELPERS: dict[str, tuple[str, ...]] = {
    "files_upload_v2": ("files.getUploadURLExternal", "files.completeUploadExternal"),
    # A method name of three parts, which the `family_name` split cannot spell.
    "apps_connections_open": ("apps.connections.open",),
    "usergroups_users_list": ("usergroups.users.list",),
}


def needed(method: str, kind: str | None) -> str | None:
    """The scope `method` needs on a conversation of `kind` (None: not about one, or unknown)."""
    scope = SCOPES[method]
    if scope is None or isinstance(scope, str):
        return scope
    return scope.get(kind or "", None)


def for_incident_channels(method: str) -> frozenset[str]:
    """What the bot needs to call `method` on both public and private incident channels."""
    scope = SCOPES[method]
    if scope is None:
        return frozenset()
    if isinstance(scope, str):
        return frozenset({scope})
    return frozenset({scope["public"], scope["private"]})


def slack_methods(sdk_name: str) -> tuple[str, ...]:
    """`chat_postMessage` → `chat.postMessage`; a helper → the methods it calls."""
    if sdk_name in SDK_HELPERS:
        return SDK_HELPERS[sdk_name]
    family, _, name = sdk_name.partition("_")
    return (f"{family}.{name}",)

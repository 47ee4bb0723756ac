"""The shipped manifest asks for exactly the scopes the code needs, and no others.

Each Web API method the bot calls (tests/support/scopes.py) and each event it subscribes to maps
to the bot scopes Slack's reference pages list for it. A method missing from the table fails the
test: add it with the scopes its page names (https://api.slack.com/methods/<method>).
"""

from __future__ import annotations

import re
from pathlib import Path

from tests.support import manifest, scopes

PACKAGE = Path(__file__).resolve().parents[1] / "incidentbot"
_CALL = re.compile(r"\bclient\.([a-z][a-zA-Z0-9_]*)\b")
NOT_METHODS = frozenset({"retry_handlers"})

EVENT_SCOPES: dict[str, frozenset[str]] = {
    "app_home_opened": frozenset(),
    "reaction_added": frozenset({"reactions:read"}),
    "reaction_removed": frozenset({"reactions:read"}),
    "message.channels": frozenset({"channels:history"}),
    "message.groups": frozenset({"groups:history"}),
    "message.im": frozenset({"im:history"}),
}
# Slash commands and shortcuts need `commands`.
FEATURE_SCOPES = frozenset({"commands"})


def method_scopes(sdk_name: str) -> frozenset[str] | None:
    """What calling `sdk_name` on public and private incident channels needs; None if unknown."""
    methods = scopes.slack_methods(sdk_name)
    if any(m not in scopes.SCOPES for m in methods):
        return None
    return frozenset().union(*(scopes.for_incident_channels(m) for m in methods))


def methods_called() -> set[str]:
    found: set[str] = set()
    for module in PACKAGE.rglob("*.py"):
        found.update(_CALL.findall(module.read_text(encoding="utf-8")))
    return found - NOT_METHODS


def test_every_method_the_code_calls_has_its_scopes_in_the_manifest() -> None:
    needs = {method: method_scopes(method) for method in methods_called()}
    unknown = sorted(m for m, needed in needs.items() if needed is None)
    assert not unknown, f"add these methods and their scopes to tests/support/scopes.py: {unknown}"
    granted = set(manifest.bot_scopes())
    missing = {m: sorted((needed or frozenset()) - granted) for m, needed in needs.items()}
    missing = {m: lacking for m, lacking in missing.items() if lacking}
    assert not missing, f"the manifest lacks scopes these methods need: {missing}"


def test_every_event_subscribed_to_has_its_scopes_in_the_manifest() -> None:
    granted = set(manifest.bot_scopes())
    for event in manifest.bot_events():
        assert event in EVENT_SCOPES, f"add {event} and its scopes to EVENT_SCOPES"
        assert EVENT_SCOPES[event] <= granted, f"{event} needs {sorted(EVENT_SCOPES[event] - granted)}"


def test_the_manifest_asks_for_no_scope_nothing_needs() -> None:
    needed = set(FEATURE_SCOPES)
    for method in methods_called():
        needed |= method_scopes(method) or frozenset()
    for event in manifest.bot_events():
        needed |= EVENT_SCOPES.get(event, frozenset())
    unused = sorted(set(manifest.bot_scopes()) - needed)
    assert not unused, f"no method or event needs {unused}: remove them from manifest.yml"


def test_the_messages_tab_is_read_only_as_the_bot_answers_no_direct_message() -> None:
    assert "message.im" not in manifest.bot_events()
    assert manifest.value("messages_tab_read_only_enabled") == "true"

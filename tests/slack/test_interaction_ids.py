"""Bolt routes a click by its action id and a form or shortcut by its callback id: each feature
declares its own in its `slack_ids.py`, no two features may declare the same one, and every one
declared must reach a listener."""

from __future__ import annotations

import importlib
import json
from collections.abc import Iterator
from enum import StrEnum
from pathlib import Path
from urllib.parse import quote

import pytest
from slack_bolt import App, BoltRequest, BoltResponse

from incidentbot.clock import ManualClock
from incidentbot.slack import once
from tests.status_page.helpers import team_with_page
from tests.support.fake_slack import FakeSlack
from tests.support.harness import running_bot

PACKAGE = Path(__file__).resolve().parents[2] / "incidentbot"
ROUTED = ("Action", "Callback")
"""The enums Bolt routes by, by the end of their name; block ids only name inputs within one view."""


@pytest.fixture
def app(slack: FakeSlack, tmp_path: Path, clock: ManualClock) -> Iterator[App]:
    """Every feature switched on (the status page's listeners only exist with a page); routing does
    not depend on the database, so SQLite alone."""
    with running_bot(slack, f"sqlite:///{tmp_path / 'incidentbot.db'}", clock, team_with_page()) as running:
        yield running.bot.app


def _id_modules() -> list[str]:
    found = [
        ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        for path in PACKAGE.glob("*/slack_ids.py")
    ]
    return sorted(found)


def _routed_enums(module_name: str) -> list[type[StrEnum]]:
    module = importlib.import_module(module_name)
    return [
        value
        for value in vars(module).values()
        if isinstance(value, type)
        and issubclass(value, StrEnum)
        and value.__module__ == module_name
        and value.__name__.endswith(ROUTED)
    ]


def _declared() -> list[tuple[str, str, str]]:
    """(module, enum member, id) for every routed id, aliases included: an enum silently makes a
    member whose value repeats another's into an alias of it."""
    return [
        (module, f"{enum.__name__}.{name}", str(member.value))
        for module in _id_modules()
        for enum in _routed_enums(module)
        for name, member in enum.__members__.items()
    ]


def _duplicates(declared: list[tuple[str, str, str]]) -> dict[str, list[str]]:
    owners: dict[str, list[str]] = {}
    for module, member, value in declared:
        owners.setdefault(value, []).append(f"{module}:{member}")
    return {value: where for value, where in owners.items() if len(where) > 1}


def test_every_feature_with_buttons_or_forms_declares_its_ids_in_its_folder() -> None:
    features = {module.split(".")[1] for module in _id_modules()}
    assert {
        "alerts",
        "cadence",
        "changes",
        "declare",
        "drills",
        "roles",
        "status_page",
        "timeline",
        "wrap_up",
    } <= features
    ids = importlib.import_module("incidentbot.slack.ids")
    assert not [
        value for value in vars(ids).values() if isinstance(value, type) and issubclass(value, StrEnum)
    ]


def test_no_two_declarations_share_an_id() -> None:
    declared = _declared()
    assert len(declared) > 30
    assert _duplicates(declared) == {}


def test_the_duplicate_check_sees_a_repeat_across_features_and_within_one_enum() -> None:
    class Twice(StrEnum):
        FIRST = "same_id"
        SECOND = "same_id"

    within = [
        ("incidentbot.x.slack_ids", f"Twice.{name}", str(m.value)) for name, m in Twice.__members__.items()
    ]
    assert _duplicates(within) == {
        "same_id": ["incidentbot.x.slack_ids:Twice.FIRST", "incidentbot.x.slack_ids:Twice.SECOND"]
    }
    across = [*_declared(), ("incidentbot.y.slack_ids", "YAction.CLICK", "open_update")]
    assert set(_duplicates(across)) == {"open_update"}


def _request(payload: dict[str, object]) -> BoltRequest:
    body = f"payload={quote(json.dumps(payload))}"
    return BoltRequest(body=body, headers={"content-type": ["application/x-www-form-urlencoded"]})


def _payloads(kind: str, value: str) -> list[dict[str, object]]:
    user, team = {"id": "U001"}, {"id": "T0001"}
    if kind == "Action":
        # An id may carry a choice after a colon (`snooze_update:15`), routed by its prefix.
        return [
            {"type": "block_actions", "user": user, "team": team, "actions": [{"action_id": action_id}]}
            for action_id in (value, f"{value}:1")
        ]
    return [
        {
            "type": "view_submission",
            "user": user,
            "team": team,
            "view": {"type": "modal", "callback_id": value},
        },
        {"type": "shortcut", "user": user, "team": team, "callback_id": value},
        {"type": "message_action", "user": user, "team": team, "callback_id": value},
    ]


def _handled(app: App, kind: str, value: str) -> bool:
    return any(
        listener.matches(req=_request(payload), resp=BoltResponse(status=200))
        for payload in _payloads(kind, value)
        for listener in app._listeners
    )


def test_every_declared_id_reaches_a_listener(app: App) -> None:
    unhandled = [
        f"{module}:{member} ({value})"
        for module, member, value in _declared()
        if not _handled(app, "Action" if member.split(".")[0].endswith("Action") else "Callback", value)
    ]
    assert unhandled == []


def test_the_listener_check_sees_an_id_nobody_listens_for(app: App) -> None:
    assert _handled(app, "Action", "snooze_update")
    assert _handled(app, "Callback", "add_to_timeline")
    assert not _handled(app, "Action", "nobody_listens_for_this")
    assert not _handled(app, "Callback", "nobody_listens_for_this")


def test_every_feature_that_claims_its_deliveries_with_their_record_is_read_by_once() -> None:
    claiming = {
        module
        for module in _id_modules()
        if hasattr(importlib.import_module(module), "CLAIMED_WITH_THEIR_RECORD")
    }
    assert claiming == {ids.__name__ for ids in once.FEATURE_IDS}
    routed = {value for _, _, value in _declared()}
    claimed = once.VIEWS_CLAIMED_WITH_THEIR_RECORD | once.ACTIONS_CLAIMED_WITH_THEIR_RECORD
    assert claimed <= routed
    assert {"declare_incident", "post_update"} <= once.VIEWS_CLAIMED_WITH_THEIR_RECORD
    assert {"snooze_update", "take_role"} <= once.ACTIONS_CLAIMED_WITH_THEIR_RECORD

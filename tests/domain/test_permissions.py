"""Who may hand over command, resolve, and correct the timeline, with each rule on and off."""

from __future__ import annotations

import pytest

from incidentbot.incident.models import Role, Roster
from incidentbot.incident.permissions import Permissions

COMMANDED = Roster(commander="U001", comms="U002", scribe="U003")
STRICT = Permissions()
RELAXED = Permissions(
    commander_only_reassigns_commander=False,
    commander_only_resolves=False,
    commander_or_scribe_edits_timeline=False,
)


def test_every_rule_is_on_by_default() -> None:
    assert STRICT.commander_only_reassigns_commander
    assert STRICT.commander_only_resolves
    assert STRICT.commander_or_scribe_edits_timeline


@pytest.mark.parametrize(("actor", "allowed"), [("U001", True), ("U002", False), ("U004", False)])
def test_only_the_commander_resolves(actor: str, allowed: bool) -> None:
    assert STRICT.may_resolve(COMMANDED, actor) is allowed


def test_anyone_resolves_an_incident_without_a_commander() -> None:
    assert STRICT.may_resolve(Roster(comms="U002"), "U004")


def test_anyone_resolves_when_the_rule_is_off() -> None:
    assert RELAXED.may_resolve(COMMANDED, "U004")


@pytest.mark.parametrize(
    ("actor", "allowed"), [("U001", True), ("U003", True), ("U002", False), ("U004", False)]
)
def test_only_the_commander_and_scribe_edit_the_timeline(actor: str, allowed: bool) -> None:
    assert STRICT.may_edit_timeline(COMMANDED, actor) is allowed


def test_nobody_edits_the_timeline_of_an_incident_without_keepers() -> None:
    assert not STRICT.may_edit_timeline(Roster(), "U004")


def test_anyone_edits_the_timeline_when_the_rule_is_off() -> None:
    assert RELAXED.may_edit_timeline(COMMANDED, "U004")
    assert RELAXED.may_edit_timeline(Roster(), "U004")


def test_handing_over_command_and_other_roles() -> None:
    assert STRICT.may_assign(COMMANDED, Role.COMMANDER, "U001")
    assert not STRICT.may_assign(COMMANDED, Role.COMMANDER, "U002")
    assert STRICT.may_assign(COMMANDED, Role.SCRIBE, "U004")
    assert STRICT.may_assign(Roster(), Role.COMMANDER, "U004")
    assert RELAXED.may_assign(COMMANDED, Role.COMMANDER, "U002")


def test_a_config_file_may_set_each_rule() -> None:
    given = Permissions.model_validate({"commander_only_resolves": False})
    assert not given.commander_only_resolves
    assert given.commander_only_reassigns_commander and given.commander_or_scribe_edits_timeline

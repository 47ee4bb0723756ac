"""The workspace's user groups as the checker's teams: which words count, and the cache."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from slack_sdk import WebClient

from incidentbot.checker import Audience, CheckerConfig, check
from incidentbot.kernel.errors import SlackUnavailable
from incidentbot.slack.user_groups import GROUPS_CACHE_SECONDS, UserGroupDirectory, terms_of


class Groups:
    def __init__(self, groups: list[dict[str, Any]]) -> None:
        self.groups = groups
        self.calls = 0
        self.refusal: str | None = None

    def usergroups_list(self) -> dict[str, Any]:
        self.calls += 1
        if self.refusal:
            raise SlackUnavailable(f"usergroups.list: {self.refusal}")
        return {"ok": True, "usergroups": self.groups}


def _directory(groups: Groups, clock: list[float]) -> UserGroupDirectory:
    def call(method: str, do: Callable[[], Any]) -> Any:
        return do()

    return UserGroupDirectory(cast(WebClient, groups), call, now=lambda: clock[0], spawn=lambda work: work())


PLATFORM = {"id": "S1", "handle": "platform", "name": "Platform"}
SRE = {"id": "S2", "handle": "sre-oncall", "name": "SRE  On-call"}


def test_handles_count_after_an_at_and_only_unmistakable_words_anywhere() -> None:
    terms = terms_of([PLATFORM, SRE])
    assert terms.handles == ("platform", "sre-oncall")
    assert terms.teams == ("sre-oncall",)
    assert terms.names == ("SRE On-call",)


def test_the_checker_takes_a_group_as_a_team_but_not_the_word_of_its_handle() -> None:
    terms = terms_of([PLATFORM, SRE])
    config = CheckerConfig(teams=terms.teams, names=terms.names, handles=terms.handles)

    def rules(text: str, known: CheckerConfig) -> list[str]:
        return [finding.rule for finding in check(text, Audience.POSTMORTEM, config=known)]

    assert rules("@platform forgot to renew the certificate.", CheckerConfig()) == []
    assert rules("@platform forgot to renew the certificate.", config) == ["personal-blame"]
    assert rules("The rollout was botched by @platform.", config) == ["personal-blame"]
    assert rules("SRE On-call deleted the orders index.", config) == ["personal-blame"]
    assert rules("The platform failed to start after the upgrade.", config) == []
    assert rules("@platform deployed the revert at 10:02.", config) == []


def test_read_once_then_again_in_the_background_when_old() -> None:
    groups, clock = Groups([PLATFORM]), [0.0]
    directory = _directory(groups, clock)
    assert directory.terms().handles == ("platform",)
    assert directory.terms().handles == ("platform",)
    assert groups.calls == 1
    groups.groups = [PLATFORM, SRE]
    clock[0] = GROUPS_CACHE_SECONDS
    directory.terms()
    assert groups.calls == 2
    assert directory.terms().handles == ("platform", "sre-oncall")


def test_a_workspace_without_user_groups_has_no_teams_and_is_not_asked_on_every_check() -> None:
    groups, clock = Groups([PLATFORM]), [0.0]
    groups.refusal = "plan_upgrade_required"
    directory = _directory(groups, clock)
    assert directory.terms().handles == ()
    assert directory.terms().handles == ()
    assert groups.calls == 1


def test_a_read_before_an_answer_never_waits_for_slack() -> None:
    groups, started = Groups([PLATFORM]), []

    def call(method: str, do: Callable[[], Any]) -> Any:
        return do()

    directory = UserGroupDirectory(cast(WebClient, groups), call, now=lambda: 0.0, spawn=started.append)
    assert directory.terms().handles == ()
    assert groups.calls == 0 and len(started) == 1
    assert directory.terms().handles == ()
    assert len(started) == 1, "one fetch at a time"
    started[0]()
    assert directory.terms().handles == ("platform",)
    assert groups.calls == 1


def test_work_after_an_answer_waits_for_the_first_fetch() -> None:
    groups, started = Groups([PLATFORM]), []

    def call(method: str, do: Callable[[], Any]) -> Any:
        return do()

    directory = UserGroupDirectory(cast(WebClient, groups), call, now=lambda: 0.0, spawn=started.append)
    assert directory.terms(wait=True).handles == ("platform",)
    assert groups.calls == 1 and started == []

"""Finding people by a typed name: matching, paging through users.list, and the cache's lifetime."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from slack_sdk import WebClient

from incidentbot.kernel.errors import SlackUnavailable
from incidentbot.slack.people import DIRECTORY_CACHE_SECONDS, PeopleDirectory
from tests.support.fake_slack import user_record


class Pages:
    """users.list as Slack answers it: pages joined by cursors."""

    def __init__(self, members: list[dict[str, Any]], size: int = 2) -> None:
        self.members = members
        self.size = size
        self.cursors: list[str | None] = []

    def users_list(self, cursor: str | None = None, limit: int = 0) -> dict[str, Any]:
        self.cursors.append(cursor)
        start = int(cursor or 0)
        end = start + self.size
        more = end < len(self.members)
        return {
            "members": self.members[start:end],
            "response_metadata": {"next_cursor": str(end) if more else ""},
        }


def _directory(pages: Pages, clock: list[float]) -> PeopleDirectory:
    def call(method: str, do: Callable[[], Any]) -> Any:
        return do()

    # Refreshing in the calling thread keeps the test free of timing.
    return PeopleDirectory(cast(WebClient, pages), call, now=lambda: clock[0], spawn=lambda work: work())


MEMBERS = [
    user_record("U1", "carol", "Carol Danvers"),
    user_record("U2", "cking", "Carol King"),
    user_record("U3", "erin", deleted=True),
    user_record("U4", "erin.new", "Erin"),
    user_record("U5", "dave"),
]


def test_handles_display_and_real_names_match_whole_and_without_the_at() -> None:
    people = _directory(Pages(MEMBERS), [0.0])
    assert [p.id for p in people.named("@carol")] == ["U1"]
    assert [p.id for p in people.named("carol  KING")] == ["U2"]
    assert people.named("car") == []
    assert [p.id for p in people.similar("car")] == ["U1", "U2"]


def test_someone_who_left_counts_only_when_nobody_here_has_the_name() -> None:
    people = _directory(Pages(MEMBERS), [0.0])
    assert [p.id for p in people.named("erin")] == ["U4"]
    left = _directory(Pages(MEMBERS[:3]), [0.0]).named("erin")
    assert [(p.id, p.deleted) for p in left] == [("U3", True)]


def test_every_page_is_read_and_the_result_kept_until_it_is_old() -> None:
    """An old list still answers; it is read again (in the background) for the next lookup."""
    pages = Pages(MEMBERS)
    clock = [100.0]
    people = _directory(pages, clock)
    assert [p.id for p in people.named("dave")] == ["U5"], "found on the last page"
    assert pages.cursors == [None, "2", "4"]
    clock[0] += DIRECTORY_CACHE_SECONDS - 1
    people.named("dave")
    assert len(pages.cursors) == 3
    pages.members = [*MEMBERS, user_record("U6", "frank")]
    clock[0] += 1
    assert people.named("dave"), "answered from the old list"
    assert len(pages.cursors) == 6, "read again once the list is old"
    assert [p.id for p in people.named("frank")] == ["U6"]
    assert len(pages.cursors) == 6


def test_a_failed_refresh_keeps_the_old_list_and_tries_again_next_time() -> None:
    pages = Pages(MEMBERS)
    clock = [0.0]
    failing = [False]

    def call(method: str, do: Callable[[], Any]) -> Any:
        if failing[0]:
            raise SlackUnavailable("users.list: ratelimited")
        return do()

    people = PeopleDirectory(cast(WebClient, pages), call, now=lambda: clock[0], spawn=lambda work: work())
    assert people.named("dave")
    failing[0] = True
    clock[0] += DIRECTORY_CACHE_SECONDS
    assert [p.id for p in people.named("dave")] == ["U5"]
    failing[0] = False
    people.named("dave")
    assert len(pages.cursors) == 6, "the next lookup tries again"

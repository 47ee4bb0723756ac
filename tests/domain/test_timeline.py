from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from incidentbot.timeline.rules import (
    ClockTime,
    NoteProblem,
    NoteRefused,
    NoteRequest,
    clip,
    file_text,
    on_today,
    parse_note,
    ts_to_datetime,
    zone,
)


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ("Rolled back", NoteRequest("Rolled back")),
        ("  Rolled back  ", NoteRequest("Rolled back")),
        ("09:42 Rolled back", NoteRequest("Rolled back", ClockTime(9, 42))),
        ("9:42 Rolled back", NoteRequest("Rolled back", ClockTime(9, 42))),
        ("23:59:59 end of day", NoteRequest("end of day", ClockTime(23, 59, 59))),
        ("1.5 GB of logs rotated", NoteRequest("1.5 GB of logs rotated")),
        ("ratio 3:1 observed", NoteRequest("ratio 3:1 observed")),
        ("12:00pm-ish deploy", NoteRequest("12:00pm-ish deploy")),
    ],
)
def test_notes_with_and_without_a_time(args: str, expected: NoteRequest) -> None:
    assert parse_note(args) == expected


@pytest.mark.parametrize("args", ["", "   ", "09:42", "09:42    "])
def test_empty_notes_are_refused(args: str) -> None:
    assert parse_note(args) == NoteRefused(NoteProblem.EMPTY)


@pytest.mark.parametrize("word", ["25:99", "24:00", "12:60", "9:5", "9:05pm", "10:30:61", "7:3am"])
def test_malformed_times_are_refused_not_taken_as_text(word: str) -> None:
    assert parse_note(f"{word} restarted") == NoteRefused(NoteProblem.TIME_MALFORMED, word)


def test_slack_timestamps_become_exact_utc_times() -> None:
    assert ts_to_datetime("1767268680.000200") == datetime(2026, 1, 1, 11, 58, 0, 200, tzinfo=UTC)
    assert ts_to_datetime("1767268680") == datetime(2026, 1, 1, 11, 58, tzinfo=UTC)
    assert ts_to_datetime("1767268680.5") == datetime(2026, 1, 1, 11, 58, 0, 500_000, tzinfo=UTC)
    for bad in ("", "abc", "1.2.3", "-5.1", "99999999999999999999"):
        assert ts_to_datetime(bad) is None


def test_clock_times_are_read_in_the_persons_zone_today() -> None:
    now = datetime(2026, 7, 1, 12, 0, tzinfo=UTC)
    berlin, name = zone("Europe/Berlin")
    assert name == "Europe/Berlin"
    assert on_today(ClockTime(9, 42), now, berlin) == datetime(2026, 7, 1, 7, 42, tzinfo=UTC)
    assert on_today(ClockTime(9, 42), now, UTC) == datetime(2026, 7, 1, 9, 42, tzinfo=UTC)
    # Late evening UTC is already tomorrow in Tokyo: "today" is the person's today.
    tokyo = ZoneInfo("Asia/Tokyo")
    late = datetime(2026, 7, 1, 23, 0, tzinfo=UTC)
    assert on_today(ClockTime(7, 30), late, tokyo) == datetime(2026, 7, 1, 22, 30, tzinfo=UTC)


def test_unknown_or_missing_zones_fall_back_to_utc() -> None:
    assert zone(None) == (UTC, "UTC")
    assert zone("") == (UTC, "UTC")
    assert zone("Mars/Olympus_Mons") == (UTC, "UTC")


def test_file_text_and_clip() -> None:
    assert file_text(["a.png", "b.log"]) == "(file: a.png, b.log)"
    assert file_text([]) == ""
    assert clip("x" * 5000) == "x" * 2999 + "…"
    assert clip("  short  ") == "short"

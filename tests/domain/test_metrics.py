from __future__ import annotations

from datetime import UTC, datetime, timedelta

from incidentbot.wrap_up.metric_rules import (
    Adherence,
    adherence,
    longest_silence,
    measure,
    summarize,
    time_to_declare,
    time_to_first_update,
)

T0 = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)


def at(minutes: int) -> datetime:
    return T0 + timedelta(minutes=minutes)


def test_time_to_first_update_is_none_without_updates_and_ignores_earlier_ones() -> None:
    assert time_to_first_update(T0, []) is None
    assert time_to_first_update(T0, [at(25), at(12), at(-5)]) == timedelta(minutes=12)


def test_time_to_declare_needs_a_start_and_never_goes_negative() -> None:
    assert time_to_declare(None, T0) is None
    assert time_to_declare(at(-20), T0) == timedelta(minutes=20)
    assert time_to_declare(at(5), T0) == timedelta(0)


def test_adherence_counts_only_kept_and_broken_promises() -> None:
    tally = adherence(["met", "missed", "open", "superseded", "cancelled", "met"])
    assert (tally.met, tally.missed, tally.settled) == (2, 1, 3)
    assert tally.share == 2 / 3
    assert adherence([]).share is None
    assert Adherence(1, 0) + Adherence(2, 3) == Adherence(3, 3)


def test_longest_silence_without_updates_is_the_whole_incident() -> None:
    silence = longest_silence(T0, [], at(45))
    assert (silence.start, silence.end, silence.length) == (T0, at(45), timedelta(minutes=45))


def test_longest_silence_finds_the_widest_gap_including_the_tail() -> None:
    assert longest_silence(T0, [at(10), at(40), at(50)], at(60)).start == at(10)
    tail = longest_silence(T0, [at(10), at(20)], at(90))
    assert (tail.start, tail.end) == (at(20), at(90))


def test_longest_silence_ignores_updates_outside_the_incident_and_a_clock_before_it() -> None:
    assert longest_silence(T0, [at(-30), at(200)], at(30)).length == timedelta(minutes=30)
    assert longest_silence(T0, [], at(-5)).length == timedelta(0)


def test_measure_an_open_incident_runs_until_now() -> None:
    measured = measure(declared_at=T0, resolved_at=None, now=at(30), posted=[at(5)], nags_sent=2)
    assert not measured.resolved
    assert measured.duration == timedelta(minutes=30)
    assert measured.time_to_first_update == timedelta(minutes=5)
    assert measured.longest_silence.length == timedelta(minutes=25)
    assert measured.nags_sent == 2


def test_measure_a_resolved_incident_stops_at_the_resolution() -> None:
    measured = measure(
        declared_at=T0,
        resolved_at=at(45),
        now=at(500),
        posted=[at(14), at(44)],
        commitment_states=["met", "missed"],
        started_at=at(-9),
    )
    assert measured.duration == timedelta(minutes=45)
    assert measured.time_to_declare == timedelta(minutes=9)
    assert measured.adherence.share == 0.5
    assert measured.longest_silence.length == timedelta(minutes=30)


def test_summarize_takes_medians_and_pools_promises() -> None:
    quick = measure(
        declared_at=T0, resolved_at=at(20), now=at(100), posted=[at(4)], commitment_states=["met"]
    )
    slow = measure(
        declared_at=T0,
        resolved_at=at(60),
        now=at(100),
        posted=[at(20)],
        commitment_states=["missed", "met"],
        started_at=at(-10),
        nags_sent=3,
    )
    silent = measure(declared_at=T0, resolved_at=None, now=at(30), posted=[])
    period = summarize([quick, slow, silent])
    assert (period.incidents, period.resolved, period.without_update) == (3, 2, 1)
    assert period.adherence == Adherence(met=2, missed=1)
    assert period.median_time_to_first_update == timedelta(minutes=12)
    assert period.median_time_to_declare == timedelta(minutes=10)
    assert period.median_duration == timedelta(minutes=40)
    assert period.longest_silence == timedelta(minutes=40)
    assert period.nags_sent == 3


def test_summarize_nothing() -> None:
    period = summarize([])
    assert period.incidents == 0
    assert period.median_duration is None and period.longest_silence is None
    assert period.adherence.share is None

"""A sender's sliding minute: what leaves the window is given back, however many requests it held."""

from __future__ import annotations

from datetime import timedelta

from incidentbot.alerts.rate import SenderPace
from incidentbot.clock import ManualClock


def test_the_minute_slides_and_gives_back_what_left_it() -> None:
    clock = ManualClock()
    pace = SenderPace(clock, per_minute=100)
    for _ in range(60):
        assert pace.admit("alertmanager", 1) is None
        clock.advance(timedelta(milliseconds=500))  # 60 requests over 30 s
    assert pace.admit("alertmanager", 40) is None  # 100 in the minute: full
    assert pace.admit("alertmanager", 1) == 30, "the oldest leaves the window 30 s from now"
    assert pace.admit("grafana", 1) is None, "each sender has its own minute"

    clock.advance(timedelta(seconds=30, milliseconds=1))  # the first alert left the window
    assert pace.admit("alertmanager", 1) is None
    assert pace.admit("alertmanager", 1) is not None
    clock.advance(timedelta(milliseconds=500))  # the second one left too
    assert pace.admit("alertmanager", 1) is None
    assert pace.admit("alertmanager", 1) is not None

    clock.advance(timedelta(minutes=2))  # everything left
    assert pace.admit("alertmanager", 100) is None
    assert pace.admit("alertmanager", 1) is not None

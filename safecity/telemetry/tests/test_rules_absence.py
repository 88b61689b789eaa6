"""Absence: a device offline for N minutes, on the receive clock, evaluated on a tick (issue 14)."""

from __future__ import annotations

from safecity.telemetry.rules import Level
from safecity.telemetry.tests.helpers import CLEAR, FIRE, T0, actions, engine, feed, reading

OFFLINE = {"id": "offline", "kind": "absence", "level": "yellow", "after_s": 600}


def test_tick_fires_once_for_a_silent_device_and_a_reading_clears_it() -> None:
    eng = engine(OFFLINE)
    feed(eng, reading(0), reading(0, device="F2"))
    feed(eng, reading(300, device="F2"))
    assert eng.tick(T0 + 599) == []
    events = eng.tick(T0 + 600)
    assert [(e.device_id, e.action.value, e.level) for e in events] == [("F1", FIRE, Level.YELLOW)]
    assert events[0].reading is None and events[0].params["silent_s"] == 600
    assert eng.tick(T0 + 700) == []  # still open: no second alarm
    assert [e.device_id for e in eng.tick(T0 + 900)] == ["F2"]
    events = feed(eng, reading(1000))
    assert actions(events) == [(CLEAR, 1000)] and events[0].params["silent_s"] == 1000
    assert eng.open_alarms() == [("F2", "offline")]


def test_absence_uses_the_receive_time_not_the_device_clock() -> None:
    eng = engine(OFFLINE)
    # a device whose clock is an hour behind still counts as alive when its readings arrive
    feed(eng, reading(-3600, received=0))
    assert eng.tick(T0 + 300) == []
    assert len(eng.tick(T0 + 600)) == 1


def test_a_late_reading_still_proves_the_device_is_alive() -> None:
    eng = engine(OFFLINE)
    feed(eng, reading(100))
    assert len(eng.tick(T0 + 800)) == 1
    result = eng.evaluate(reading(50, received=900))  # a buffered reading, uploaded late
    assert result.status.value == "late"
    assert [e.action.value for e in result.events] == [CLEAR]


def test_expect_starts_the_clock_of_a_device_that_never_reported() -> None:
    eng = engine(OFFLINE)
    assert eng.tick(T0 + 10_000) == []  # unknown devices are not watched
    eng.expect("F9", since=T0)
    assert [e.device_id for e in eng.tick(T0 + 600)] == ["F9"]

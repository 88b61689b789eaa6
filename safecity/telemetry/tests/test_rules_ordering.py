"""Readings in device-time order per device: late, duplicate and future readings are not evaluated
(domain-rules §4: out-of-order buffered positions must not cause false events)."""

from __future__ import annotations

from safecity.telemetry.rules import Status
from safecity.telemetry.tests.helpers import FIRE, actions, engine, feed, reading
from safecity.telemetry.tests.test_rules_geofence import FORBIDDEN, INSIDE, OUTSIDE
from safecity.telemetry.tests.test_rules_threshold import OVERSPEED


def test_late_buffered_positions_do_not_flap_a_geofence() -> None:
    eng = engine({**FORBIDDEN, "dwell_s": 0})
    assert feed(eng, reading(0, pos=OUTSIDE), reading(60, pos=OUTSIDE)) == []
    # positions from 10-50 s (when the truck really was inside) arrive after the 60 s one
    late = [eng.evaluate(reading(t, pos=INSIDE, received=61)) for t in (10, 20, 30)]
    assert [r.status for r in late] == [Status.LATE] * 3
    assert all(r.events == () for r in late)
    assert eng.open_alarms() == []


def test_late_reading_does_not_complete_or_reset_a_duration() -> None:
    eng = engine(OVERSPEED)
    feed(eng, reading(10, speed_kmh=7))
    # an old reading that would have "held" the condition since 0 s must not fire it early...
    assert eng.evaluate(reading(0, speed_kmh=7, received=11)).events == ()
    assert feed(eng, reading(12, speed_kmh=7)) == []
    # ...and an old low value must not restart the count
    assert eng.evaluate(reading(11, speed_kmh=1, received=12.5)).status is Status.LATE
    assert actions(feed(eng, reading(13, speed_kmh=7))) == [(FIRE, 13)]


def test_late_values_do_not_overwrite_the_current_ones() -> None:
    eng = engine(OVERSPEED)
    feed(eng, reading(10, speed_kmh=7))
    eng.evaluate(reading(5, speed_kmh=1, received=11))
    assert eng.devices["F1"].values["speed_kmh"] == 7


def test_duplicates_and_sequence_ties() -> None:
    eng = engine({**OVERSPEED, "for_s": 0})
    assert eng.evaluate(reading(1, seq=5, speed_kmh=9)).status is Status.EVALUATED
    assert eng.evaluate(reading(1, seq=5, speed_kmh=9)).status is Status.DUPLICATE
    assert eng.evaluate(reading(1, seq=4, speed_kmh=1)).status is Status.LATE
    # same device time, later sequence: evaluated (two messages in one second)
    result = eng.evaluate(reading(1, seq=6, speed_kmh=1))
    assert result.status is Status.EVALUATED and [e.action.value for e in result.events] == ["clear"]


def test_a_reading_from_the_future_is_refused_and_does_not_block_the_stream() -> None:
    eng = engine({**OVERSPEED, "for_s": 0})
    result = eng.evaluate(reading(86_400, speed_kmh=50, received=0))  # clock a day ahead
    assert result.status is Status.FUTURE and result.events == ()
    assert actions(feed(eng, reading(1, speed_kmh=9))) == [(FIRE, 1)]  # not treated as late


def test_order_is_per_device() -> None:
    eng = engine(OVERSPEED)
    feed(eng, reading(100, device="F1", speed_kmh=1))
    assert eng.evaluate(reading(5, device="F2", speed_kmh=1)).status is Status.EVALUATED

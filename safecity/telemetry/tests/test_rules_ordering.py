"""Readings in device-time order per device: late, duplicate and future readings are not evaluated
(domain-rules §4: out-of-order buffered positions must not cause false events)."""

from __future__ import annotations

from safecity.telemetry.rules import Status
from safecity.telemetry.tests.helpers import FIRE, T0, actions, engine, feed, reading
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


COLLISION = {"id": "collision", "kind": "threshold", "level": "red", "metric": "accel_g", "op": ">", "value": 1.5,
             "momentary": True}  # fmt: skip


def test_a_late_collision_still_fires_and_the_next_reading_clears_it() -> None:
    # Reading 1 (the collision) reached a worker whose batch committed after the one with reading 2.
    eng = engine(COLLISION, {**OVERSPEED, "for_s": 0})
    assert feed(eng, reading(2, seq=2, accel_g=0.1, speed_kmh=1)) == []
    result = eng.evaluate(reading(1, seq=1, accel_g=2.5, speed_kmh=9, received=2.5))
    assert result.status is Status.LATE
    assert [(e.rule_id, e.action.value, e.at, e.params["value"], e.params["late"]) for e in result.events] == [
        ("collision", "fire", T0 + 1, 2.5, True)
    ]  # only the momentary rule: a stale overspeed is a condition since changed, not an event
    assert eng.devices["F1"].values["accel_g"] == 0.1  # nor does it move the current values
    assert eng.open_alarms() == [("F1", "collision")]
    # a second late spike while the alarm is open adds nothing; the next reading clears it
    assert eng.evaluate(reading(1.5, seq=3, accel_g=3.0, received=2.6)).events == ()
    assert actions(feed(eng, reading(3, seq=4, accel_g=0.1))) == [("clear", 3)]


def test_a_late_reading_never_clears_a_live_alarm() -> None:
    eng = engine(COLLISION)
    assert actions(feed(eng, reading(2, seq=2, accel_g=2.5))) == [(FIRE, 2)]
    assert eng.evaluate(reading(1, seq=1, accel_g=0.1, received=3)).events == ()
    assert eng.open_alarms() == [("F1", "collision")]


def test_momentary_is_for_thresholds_one_reading_decides() -> None:
    import pytest

    from safecity.telemetry.rules import RuleError, parse_rule, rule_to_data

    assert rule_to_data(parse_rule(COLLISION))["momentary"] is True
    assert "momentary" not in rule_to_data(parse_rule({**COLLISION, "momentary": False}))
    for bad, message in (
        ({**COLLISION, "for_s": 2}, "no for_s and no zone"),
        ({**COLLISION, "momentary": "yes"}, "true or false"),
    ):
        with pytest.raises(RuleError, match=message):
            parse_rule(bad)

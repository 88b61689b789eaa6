"""Threshold and rate rules: for-duration, hysteresis, dedup, overspeed by zone (domain-rules §4)."""

from __future__ import annotations

from safecity.telemetry.rules import Level
from safecity.telemetry.tests.helpers import CLEAR, FIRE, actions, engine, feed, reading

OVERSPEED = {"id": "overspeed", "kind": "threshold", "level": "orange", "metric": "speed_kmh", "op": ">", "value": 5,
             "for_s": 3, "clear": {"op": "<=", "value": 4.5}}  # fmt: skip


def test_fires_only_once_the_condition_has_held_for_the_duration() -> None:
    eng = engine(OVERSPEED)
    events = feed(eng, *(reading(t, speed_kmh=6) for t in (0, 1, 2)))
    assert events == []  # 2 s over the limit: not yet
    events = feed(eng, reading(3, speed_kmh=6.5))
    assert actions(events) == [(FIRE, 3)]
    event = events[0]
    assert event.rule_id == "overspeed" and event.level is Level.ORANGE and event.code == "threshold.fire"
    assert event.params["value"] == 6.5 and event.params["limit"] == 5.0 and event.params["held_s"] == 3.0
    assert event.reading is not None and event.reading.device_ts == event.at


def test_a_dip_below_the_limit_restarts_the_duration() -> None:
    eng = engine(OVERSPEED)
    events = feed(eng, reading(0, speed_kmh=6), reading(2, speed_kmh=4.8), reading(3, speed_kmh=6), reading(5, speed_kmh=6))
    assert events == []
    assert actions(feed(eng, reading(6, speed_kmh=6))) == [(FIRE, 6)]


def test_an_open_alarm_is_not_fired_again_and_clears_once() -> None:
    eng = engine(OVERSPEED)
    events = feed(eng, *(reading(t, speed_kmh=7) for t in range(0, 30)))
    assert actions(events) == [(FIRE, 3)]
    assert eng.open_alarms() == [("F1", "overspeed")]
    events = feed(eng, reading(31, speed_kmh=1), reading(32, speed_kmh=1))
    assert actions(events) == [(CLEAR, 31)]
    assert eng.open_alarms() == []


def test_hysteresis_the_dead_band_neither_fires_nor_clears() -> None:
    eng = engine({**OVERSPEED, "for_s": 0})
    assert actions(feed(eng, reading(0, speed_kmh=5.2))) == [(FIRE, 0)]
    # 4.6-5.0 is between the clear limit (4.5) and the fire limit (5): the alarm stays open
    assert feed(eng, reading(1, speed_kmh=4.9), reading(2, speed_kmh=5.1), reading(3, speed_kmh=4.6)) == []
    assert actions(feed(eng, reading(4, speed_kmh=4.5))) == [(CLEAR, 4)]
    # and once closed, the dead band does not reopen it
    assert feed(eng, reading(5, speed_kmh=4.9), reading(6, speed_kmh=5.0)) == []


def test_clear_for_duration_keeps_the_alarm_open_through_a_short_dip() -> None:
    eng = engine({**OVERSPEED, "for_s": 0, "clear_for_s": 5})
    feed(eng, reading(0, speed_kmh=8))
    assert feed(eng, reading(1, speed_kmh=2), reading(4, speed_kmh=2), reading(5, speed_kmh=4.7), reading(6, speed_kmh=2)) == []
    assert actions(feed(eng, reading(10, speed_kmh=2), reading(11, speed_kmh=2))) == [(CLEAR, 11)]


def test_devices_and_rules_have_separate_alarms() -> None:
    eng = engine(OVERSPEED, {**OVERSPEED, "id": "overspeed-hard", "value": 10, "level": "red", "clear": {"op": "<", "value": 9}})
    events = feed(eng, reading(0, speed_kmh=12), reading(0, device="F2", speed_kmh=6), reading(3, speed_kmh=12),
                  reading(3, device="F2", speed_kmh=6))  # fmt: skip
    assert sorted((e.device_id, e.rule_id, e.level.value) for e in events) == [
        ("F1", "overspeed", "orange"), ("F1", "overspeed-hard", "red"), ("F2", "overspeed", "orange")]  # fmt: skip


def test_partial_readings_keep_the_last_known_value() -> None:
    eng = engine(OVERSPEED)
    feed(eng, reading(0, speed_kmh=6))
    # a reading carrying only the belt still advances time with the speed last reported
    assert actions(feed(eng, reading(4, belt_fastened=True))) == [(FIRE, 4)]


# Overspeed by zone: 3 km/h in the pedestrian crossing, 5 km/h in the warehouse (§4; set per plant).
WAREHOUSE = {"polygon": [[0, 0], [10, 0], [10, 10], [0, 10]]}
CROSSING = {"polygon": [[4, 4], [6, 4], [6, 6], [4, 6]]}
ZONED = [
    {"id": "overspeed-warehouse", "kind": "threshold", "level": "orange", "metric": "speed_kmh", "op": ">", "value": 5, "zone": WAREHOUSE},
    {"id": "overspeed-crossing", "kind": "threshold", "level": "red", "metric": "speed_kmh", "op": ">", "value": 3, "zone": CROSSING},
]  # fmt: skip


def test_overspeed_by_zone_applies_each_zone_limit() -> None:
    eng = engine(*ZONED)
    assert feed(eng, reading(0, pos=(2, 2), speed_kmh=4)) == []  # under the warehouse limit
    events = feed(eng, reading(1, pos=(5, 5), speed_kmh=4))  # 4 km/h is over the crossing's 3
    assert [(e.rule_id, e.action.value) for e in events] == [("overspeed-crossing", FIRE)]
    assert events[0].params["in_zone"] is True
    # leaving the crossing at the same speed clears its alarm: the rule no longer applies there
    events = feed(eng, reading(2, pos=(8, 8), speed_kmh=4))
    assert [(e.rule_id, e.action.value) for e in events] == [("overspeed-crossing", CLEAR)]
    assert events[0].params["in_zone"] is False
    assert feed(eng, reading(3, pos=(20, 20), speed_kmh=9)) == []  # outside the plant's zones


def test_zone_scoped_rule_waits_for_a_position() -> None:
    eng = engine(*ZONED)
    assert feed(eng, reading(0, speed_kmh=9)) == []
    assert [e.rule_id for e in feed(eng, reading(1, pos=(1, 1)))] == ["overspeed-warehouse"]


RATE = {"id": "gas-rising", "kind": "rate", "level": "orange", "metric": "lel_pct", "op": ">", "value": 5, "per_s": 60,
        "window_s": 60, "clear": {"op": "<", "value": 1}}  # fmt: skip


def test_rate_of_change_fires_on_a_fast_rise_and_clears_when_it_levels_off() -> None:
    eng = engine(RATE)
    # 1 %LEL per 20 s is 3 %LEL per minute: under the limit
    assert feed(eng, *(reading(t, lel_pct=t / 20) for t in range(0, 61, 10))) == []
    # then a jump: 8 %LEL per minute measured against the oldest sample in the window (t=10)
    events = feed(eng, reading(70, lel_pct=8.5))
    assert actions(events) == [(FIRE, 70)]
    assert events[0].params["rate"] == (8.5 - 0.5) / 60 * 60
    # flat afterwards: the window still shows a rise until t=130, when only flat samples remain
    events = feed(eng, *(reading(t, lel_pct=8.5) for t in range(80, 200, 10)))
    assert actions(events) == [(CLEAR, 130)]


def test_rate_needs_two_samples_in_the_window() -> None:
    eng = engine(RATE)
    # the readings are further apart than the window: no rate, however large the jump
    assert feed(eng, reading(0, lel_pct=0), reading(100, lel_pct=50), reading(200, lel_pct=0)) == []

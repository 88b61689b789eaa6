"""State rules: the seat-belt alarm, unfastened for more than 20 s while moving (domain-rules §4)."""

from __future__ import annotations

from safecity.telemetry.tests.helpers import CLEAR, FIRE, actions, engine, feed, reading

BELT = {"id": "belt", "kind": "state", "level": "orange", "for_s": 20,
        "when": {"all": [["speed_kmh", ">", 0.5], ["belt_fastened", "==", False]]}}  # fmt: skip


def test_seat_belt_fires_after_20_seconds_moving_unfastened() -> None:
    eng = engine(BELT)
    stream = [reading(t, speed_kmh=4, belt_fastened=False) for t in range(0, 20, 5)]
    assert feed(eng, *stream) == []  # 15 s: not yet
    events = feed(eng, reading(20, speed_kmh=4, belt_fastened=False))
    assert actions(events) == [(FIRE, 20)]
    assert events[0].params["values"] == {"belt_fastened": False, "speed_kmh": 4}
    assert events[0].params["since"] == events[0].at - 20


def test_fastening_or_stopping_before_20_seconds_never_fires() -> None:
    eng = engine(BELT)
    stream = [
        reading(0, speed_kmh=4, belt_fastened=False),
        reading(15, speed_kmh=4, belt_fastened=True),  # fastened at 15 s: the count restarts
        reading(16, speed_kmh=4, belt_fastened=False),
        reading(30, speed_kmh=0.3, belt_fastened=False),  # parked, belt off: allowed
        reading(31, speed_kmh=3, belt_fastened=False),
        reading(50, speed_kmh=3, belt_fastened=False),  # 19 s
    ]
    assert feed(eng, *stream) == []
    assert actions(feed(eng, reading(51, speed_kmh=3))) == [(FIRE, 51)]


def test_clears_when_fastened_and_does_not_refire_while_open() -> None:
    eng = engine(BELT)
    events = feed(eng, *(reading(t, speed_kmh=4, belt_fastened=False) for t in range(0, 120, 5)))
    assert actions(events) == [(FIRE, 20)]
    assert actions(feed(eng, reading(121, belt_fastened=True))) == [(CLEAR, 121)]


def test_explicit_clear_condition_gives_hysteresis() -> None:
    rule = {**BELT, "for_s": 0, "clear": {"any": [["speed_kmh", "<=", 0.2], ["belt_fastened", "==", True]]}}
    eng = engine(rule)
    assert actions(feed(eng, reading(0, speed_kmh=1, belt_fastened=False))) == [(FIRE, 0)]
    # creeping at 0.3 km/h is neither moving (> 0.5) nor stopped (<= 0.2): stays open
    assert feed(eng, reading(1, speed_kmh=0.3), reading(2, speed_kmh=0.6), reading(3, speed_kmh=0.3)) == []
    assert actions(feed(eng, reading(4, speed_kmh=0.1))) == [(CLEAR, 4)]


def test_a_metric_never_reported_changes_nothing() -> None:
    eng = engine({**BELT, "for_s": 0})
    assert feed(eng, reading(0, speed_kmh=4), reading(30, speed_kmh=4)) == []  # belt unknown
    assert actions(feed(eng, reading(31, belt_fastened=False))) == [(FIRE, 31)]


def test_not_and_any_and_zone_scoping() -> None:
    rule = {"id": "lift-outside-bay", "kind": "state", "level": "yellow",
            "when": {"all": [{"any": [["fork_height_m", ">", 2], ["load_kg", ">", 1500]]}, {"not": ["in_bay", "==", True]}]},
            "zone": {"polygon": [[0, 0], [10, 0], [10, 10], [0, 10]]}}  # fmt: skip
    eng = engine(rule)
    assert feed(eng, reading(0, pos=(5, 5), fork_height_m=3, load_kg=0, in_bay=True)) == []
    assert actions(feed(eng, reading(1, pos=(5, 5), in_bay=False))) == [(FIRE, 1)]
    assert actions(feed(eng, reading(2, pos=(50, 5)))) == [(CLEAR, 2)]  # left the zone
    assert feed(eng, reading(3, pos=(50, 5), load_kg=2000)) == []

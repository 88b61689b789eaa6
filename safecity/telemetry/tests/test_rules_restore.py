"""State is JSON: a worker that saves and restores it between two halves of a stream produces
exactly the events of one uninterrupted run (issue 14: resume after a restart)."""

from __future__ import annotations

import json
import random

import pytest

from safecity.telemetry.rules import Engine, Event, Reading, parse_rules
from safecity.telemetry.tests.helpers import T0, reading
from safecity.telemetry.tests.test_rules_geofence import SQUARE, X0, Y0

RULES = parse_rules([
    {"id": "overspeed", "kind": "threshold", "level": "orange", "metric": "speed_kmh", "op": ">", "value": 5, "for_s": 3,
     "clear": {"op": "<=", "value": 4.5}, "clear_for_s": 2},
    {"id": "belt", "kind": "state", "level": "orange", "for_s": 20,
     "when": {"all": [["speed_kmh", ">", 0.5], ["belt_fastened", "==", False]]}},
    {"id": "tank-farm", "kind": "geofence", "level": "red", "zone": {"polygon": SQUARE}, "dwell_s": 10},
    {"id": "impact", "kind": "rate", "level": "red", "metric": "odometer_m", "op": ">", "value": 3, "window_s": 10},
    {"id": "offline", "kind": "absence", "level": "yellow", "after_s": 60},
])  # fmt: skip


def stream(seed: int, count: int) -> list[Reading]:
    """Three trucks wandering in and out of the zone at varying speeds, belts on and off, gaps
    (for the absence rule) and some late readings."""
    rng = random.Random(seed)
    out: list[Reading] = []
    clock = dict.fromkeys(("F1", "F2", "F3"), 0.0)
    odometer = dict.fromkeys(clock, 0.0)
    speed = dict.fromkeys(clock, 0.0)
    belt = dict.fromkeys(clock, True)
    walk = {d: [0.5, 0.5] for d in clock}  # position in zone widths: a random walk across the edge
    for i in range(count):
        device = rng.choice(list(clock))
        clock[device] += rng.choice((1, 1, 2, 3, 90 if rng.random() < 0.02 else 1))
        if rng.random() < 0.2:  # a driver keeps a speed and a belt for a while
            speed[device] = rng.choice((0, 0.3, 2, 4.8, 6, 8))
        if rng.random() < 0.1:
            belt[device] = not belt[device]
        odometer[device] += speed[device] / 3.6 * rng.choice((1, 1, 5))
        t = clock[device] - (30 if rng.random() < 0.05 else 0)  # some late ones
        walk[device] = [min(1.5, max(-0.5, w + rng.uniform(-0.08, 0.08))) for w in walk[device]]
        position = (X0 + walk[device][0] * 0.001, Y0 + walk[device][1] * 0.001)
        out.append(reading(t, device=device, seq=i, received=clock[device], pos=position, speed_kmh=speed[device],
                           belt_fastened=belt[device], odometer_m=odometer[device]))  # fmt: skip
    return out


def run(engine: Engine, readings: list[Reading]) -> list[Event]:
    events: list[Event] = []
    for item in readings:
        events.extend(engine.evaluate(item).events)
        events.extend(engine.tick(item.received_ts))
    return events


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_split_with_save_and_restore_gives_the_same_events(seed: int) -> None:
    readings = stream(seed, 1500)
    whole = run(Engine(RULES), readings)
    assert {e.rule_id for e in whole} == {"overspeed", "belt", "tank-farm", "impact", "offline"}  # all exercised
    for cut in (1, 377, 750, 1499):
        first = Engine(RULES)
        events = run(first, readings[:cut])
        saved = json.dumps(first.dump())  # what the worker persists
        second = Engine(RULES)
        assert second.load(json.loads(saved)) == []
        events += run(second, readings[cut:])
        assert events == whole, f"cut at {cut}"


def test_per_device_dump_and_load_round_trip() -> None:
    eng = Engine(RULES)
    run(eng, stream(7, 300))
    restored = Engine(RULES)
    for device_id in eng.devices:
        data = eng.dump_device(device_id)
        assert data is not None
        restored.load_device(device_id, json.loads(json.dumps(data)))
        assert restored.dump_device(device_id) == data
    assert restored.open_alarms() == eng.open_alarms()


def test_restoring_under_changed_rules_reports_open_alarms_of_removed_rules() -> None:
    eng = Engine(RULES)
    eng.evaluate(reading(0, speed_kmh=9, pos=(X0 + 0.0005, Y0 + 0.0005), belt_fastened=True))
    eng.evaluate(reading(11, speed_kmh=9, pos=(X0 + 0.0005, Y0 + 0.0005), belt_fastened=True))
    assert eng.open_alarms() == [("F1", "overspeed"), ("F1", "tank-farm")]
    without_zone = Engine([rule for rule in RULES if rule.id != "tank-farm"])
    assert without_zone.load(eng.dump()) == [("F1", "tank-farm")]
    assert without_zone.open_alarms() == [("F1", "overspeed")]
    # the kept rule resumes: the alarm is open, so it does not fire again
    assert without_zone.evaluate(reading(12, speed_kmh=9)).events == ()


def test_unknown_state_version_is_refused() -> None:
    with pytest.raises(ValueError, match="state version"):
        Engine(RULES).load_device("F1", {"version": 99})


def test_rebind_after_a_rule_change_keeps_the_state_of_kept_rules() -> None:
    current = {"rules": RULES}
    eng = Engine(lambda device_id: current["rules"])
    eng.evaluate(reading(0, speed_kmh=9))
    eng.evaluate(reading(3, speed_kmh=9))
    assert eng.open_alarms() == [("F1", "overspeed")]
    current["rules"] = tuple(rule for rule in RULES if rule.id != "overspeed")
    assert eng.rebind() == [("F1", "overspeed")]
    assert eng.open_alarms() == []
    current["rules"] = RULES
    assert eng.rebind() == []
    # the rule came back with a fresh state: it needs its 3 s again before firing
    assert eng.evaluate(reading(4, speed_kmh=9)).events == ()
    assert [e.rule_id for e in eng.evaluate(reading(7, speed_kmh=9)).events] == ["overspeed"]
    assert eng.tick(T0 + 7) == []

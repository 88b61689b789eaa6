"""The simulator: deterministic trucks that stay in their plant, violations that the forklift rules
turn into alarms, and past days written through the ingest store (the demo's week of history)."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest

from safecity.telemetry.ingest import simulator
from safecity.telemetry.models import Alarm, Reading, RuleSet
from safecity.telemetry.rules import Engine, parse_rules
from safecity.telemetry.rules import Reading as EngineReading
from safecity.telemetry.rules.geometry import parse_zone
from safecity.telemetry.tests.ingest_helpers import device


def payloads(seed: int, n: int = 200) -> list[bytes]:
    truck = simulator.trucks(["SIM-1"], seed=seed)[0]
    return [truck.payload(1_780_000_000 + k, truck.step(1.0, 0.02)) for k in range(n)]


def test_the_same_seed_gives_the_same_stream_and_trucks_stay_in_the_plant() -> None:
    assert payloads(7) == payloads(7)
    assert payloads(7) != payloads(8)
    plant = parse_zone({"polygon": simulator.PLANT}, "plant")
    for raw in payloads(7, 2000):
        lon, lat = json.loads(raw)["pos"]
        assert plant.contains(lon, lat)


def test_injected_violations_fire_the_forklift_rules() -> None:
    engine = Engine(parse_rules(simulator.FORKLIFT_RULES))
    fired: set[str] = set()
    for truck in simulator.trucks([f"SIM-{n}" for n in range(5)], seed=3):
        for k in range(3000):
            values = truck.step(1.0, 0.01)
            body = json.loads(truck.payload(1_780_000_000 + k, values))
            result = engine.evaluate(
                EngineReading(truck.serial, body["seq"], body["ts"] / 1000, body["ts"] / 1000, body["values"], tuple(body["pos"]))
            )
            fired |= {e.rule_id for e in result.events if e.action == "fire"}
    assert {"overspeed", "belt", "tank-farm", "collision"} <= fired


@pytest.mark.django_db
def test_history_writes_past_days_through_the_store(city: Any) -> None:
    rules = RuleSet.objects.create(name="sim", organisation=city.enterprise_a, rules=simulator.FORKLIFT_RULES)
    forklift = device(city, "SIM-00001", rules=rules)[0]
    stored = simulator.history(["SIM-00001"], days=1, seed=5, interval_s=120, violation_rate=0.05, end=time.time())
    # Working hours only (10 h of 120 s steps).
    assert stored == Reading.objects.filter(device=forklift).count() == 300
    assert Alarm.objects.filter(device=forklift).exists()

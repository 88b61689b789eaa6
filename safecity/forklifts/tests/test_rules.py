"""The plant's and the truck's telemetry rules are valid for the engine and fire as §4 says."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from safecity.forklifts import services
from safecity.forklifts.choices import ZoneKind
from safecity.forklifts.rules import forklift_rules, plant_rules
from safecity.telemetry.policies import rule_meta
from safecity.telemetry.rules import Engine, Reading, parse_rules

from .conftest import SQUARE

pytestmark = pytest.mark.django_db
INSIDE = (119.951, 31.781)
OUTSIDE = (119.9495, 31.7795)


def _engine(rules: list[dict[str, Any]]) -> Engine:
    return Engine(parse_rules(rules))


def _read(engine: Engine, t: float, seq: int, position: tuple[float, float] = INSIDE, **values: Any) -> list[str]:
    result = engine.evaluate(Reading(device_id="FL1", seq=seq, device_ts=t, received_ts=t, values=values, position=position))
    return [f"{e.rule_id}:{e.action}" for e in result.events]


def test_rule_sets_parse_and_carry_the_alarm_services_fields(fleet: Any) -> None:
    services.plant_zone_add(actor=None, plant=fleet.plant_a, name="危化品库", kind=ZoneKind.FORBIDDEN, polygon=SQUARE)
    truck = fleet.truck()
    rules = forklift_rules(truck)
    parsed = parse_rules(rules)
    assert {r.kind for r in parsed} == {"threshold", "geofence", "state", "absence"}
    meta = rule_meta(rules)  # the alarm service's own validation (titles, hazard policies)
    assert meta["overload"].hazard is not None
    ids = [r["id"] for r in rules]
    assert len(ids) == len(set(ids))
    assert [r for r in plant_rules(fleet.plant_a) if r["id"] == "overload"] == []


def test_overspeed_at_the_zones_limit_only_inside_the_zone(fleet: Any) -> None:
    zone = fleet.plant_a.zones.get()
    assert zone.speed_limit_kmh == Decimal("5")
    engine = _engine(plant_rules(fleet.plant_a))
    rule = f"overspeed-zone-{zone.pk}"
    assert _read(engine, 0, 1, speed_kmh=4.9, belt_fastened=True) == []
    assert _read(engine, 1, 2, speed_kmh=6.0, belt_fastened=True) == []
    assert _read(engine, 4, 3, speed_kmh=6.0, belt_fastened=True) == [f"{rule}:fire"]
    engine2 = _engine(plant_rules(fleet.plant_a))
    _read(engine2, 0, 1, OUTSIDE, speed_kmh=9.0, belt_fastened=True)
    assert _read(engine2, 10, 2, OUTSIDE, speed_kmh=9.0, belt_fastened=True) == []


def test_belt_unfastened_more_than_20_s_while_moving(fleet: Any) -> None:
    engine = _engine(plant_rules(fleet.plant_a))
    assert _read(engine, 0, 1, speed_kmh=2.0, belt_fastened=False) == []
    assert _read(engine, 19, 2, speed_kmh=2.0, belt_fastened=False) == []
    assert _read(engine, 20, 3, speed_kmh=2.0, belt_fastened=False) == ["seat-belt:fire"]
    assert _read(engine, 21, 4, speed_kmh=2.0, belt_fastened=True) == ["seat-belt:clear"]


def test_forbidden_zone_fires_after_its_dwell(fleet: Any) -> None:
    services.plant_zone_add(actor=None, plant=fleet.plant_a, name="危化品库", kind=ZoneKind.FORBIDDEN, polygon=SQUARE)
    forbidden = fleet.plant_a.zones.get(kind=ZoneKind.FORBIDDEN)
    engine = _engine([r for r in plant_rules(fleet.plant_a) if r["kind"] == "geofence"])
    assert _read(engine, 0, 1, OUTSIDE, speed_kmh=1.0) == []
    assert _read(engine, 1, 2, INSIDE, speed_kmh=1.0) == []
    assert _read(engine, 6, 3, INSIDE, speed_kmh=1.0) == [f"forbidden-zone-{forbidden.pk}:fire"]


def test_collision_pedestrian_and_overload(fleet: Any) -> None:
    truck = fleet.truck(rated_load_kg=2500)
    engine = _engine(forklift_rules(truck))
    assert _read(engine, 0, 1, OUTSIDE, accel_g=0.3, pedestrian_m=10.0, load_kg=2400.0) == []
    events = _read(engine, 1, 2, OUTSIDE, accel_g=2.2, pedestrian_m=2.0, load_kg=2600.0)
    assert set(events) == {"collision:fire", "pedestrian-proximity:fire"}
    assert _read(engine, 3, 3, OUTSIDE, load_kg=2600.0) == ["overload:fire"]


def test_device_offline_after_ten_minutes(fleet: Any) -> None:
    engine = _engine(plant_rules(fleet.plant_a))
    _read(engine, 0, 1, speed_kmh=0.0)
    assert [e.rule_id for e in engine.tick(599)] == []
    assert [e.rule_id for e in engine.tick(601)] == ["offline"]

"""A small monitored city for the telemetry page, API and alarm-service tests: one device at each of
the personas' two enterprises (新北区 and 武进区), a rule set with a title and hazard policies, and a
member of staff of the second enterprise ("an enterprise user of another organisation").

Import the fixtures into a test module: ``from safecity.telemetry.tests.world import tm  # noqa: F401``.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import pytest

from conftest import make_user
from safecity.core.choices import Role
from safecity.telemetry.models import Alarm, Device, RuleSet
from safecity.telemetry.rules import Action, Event, Level
from safecity.telemetry.services.alarms import alarms_apply
from safecity.telemetry.services.devices import device_register

RULES = [
    {
        "id": "overspeed",
        "kind": "threshold",
        "level": "orange",
        "title": "Overspeed in the warehouse",
        "metric": "speed_kmh",
        "op": ">",
        "value": 5,
        "for_s": 3,
        "clear": {"op": "<=", "value": 4.5},
        "hazard": {"count": 3, "within_days": 7},
    },
    {"id": "offline", "kind": "absence", "level": "yellow", "after_s": 600, "hazard": {"open_minutes": 60}},
    {
        "id": "belt",
        "kind": "state",
        "level": "red",
        "for_s": 20,
        "when": {"all": [["speed_kmh", ">", 0.5], ["belt_fastened", "==", False]]},
    },
]
PARAMS = {
    "threshold": {"metric": "speed_kmh", "value": 7.2, "limit": 5, "op": ">", "held_s": 3},
    "absence": {"silent_s": 700},
    "state": {"values": {"speed_kmh": 3, "belt_fastened": False}, "held_s": 21},
}


@dataclass
class Telemetry:
    city: Any
    personas: Any
    staff_b: Any
    rule_set: RuleSet
    device_a: Device
    device_b: Device

    def event(
        self, device: Device, rule_id: str, *, action: str = "fire", at: float | None = None, kind: str | None = None
    ) -> Event:
        rule = next((r for r in RULES if r["id"] == rule_id), {"kind": kind or "threshold", "level": "blue"})
        kind = kind or str(rule["kind"])
        params = PARAMS.get(kind, {})
        return Event(
            device_id=device.serial,
            rule_id=rule_id,
            kind=kind,
            action=Action(action),
            level=Level(str(rule["level"])),
            at=time.time() if at is None else at,
            code=f"{kind}.{action}",
            params=params,
            reading=None,
        )

    def apply(self, *events: Event) -> list[Alarm]:
        devices = {d.serial: d.pk for d in (self.device_a, self.device_b)}
        return alarms_apply(list(events), devices=devices)

    def fire(self, device: Device, rule_id: str, **kwargs: Any) -> Alarm:
        self.apply(self.event(device, rule_id, **kwargs))
        return Alarm.objects.filter(device=device, rule_id=rule_id).latest("id")

    def audience(self) -> dict[str, Any]:
        """The personas of every permission test: who may see the device of 常州甲 (新北区)."""
        p = self.personas
        return {
            "city_official": p.city_official,
            "district_a": p.district_a,
            "district_b": p.district_b,
            "enterprise_manager": p.enterprise_user,
            "other_enterprise": self.staff_b,
            "outsider": p.outsider,
        }


# Who sees the alarms of device A (常州甲化工, 新北区) and who must not.
SEES_A = {"city_official": True, "district_a": True, "district_b": False, "enterprise_manager": True, "other_enterprise": False, "outsider": False}  # fmt: skip


@pytest.fixture
def tm(city: Any, personas: Any) -> Telemetry:
    root = city.superuser
    rule_set = RuleSet.objects.create(name="Plant rules", organisation=city.enterprise_a, rules=RULES)
    device_a, _ = device_register(
        actor=root, serial="FL-A-001", kind="forklift_tracker", organisation=city.enterprise_a, name="Truck 1", rule_set=rule_set
    )
    device_b, _ = device_register(actor=root, serial="FL-B-001", kind="forklift_tracker", organisation=city.enterprise_b)
    staff_b = make_user(city, "staff_b", city.enterprise_b, Role.ENTERPRISE_STAFF)
    return Telemetry(city=city, personas=personas, staff_b=staff_b, rule_set=rule_set, device_a=device_a, device_b=device_b)

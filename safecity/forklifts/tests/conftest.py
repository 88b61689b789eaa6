"""Forklift fixtures: an enterprise in district A (the personas' enterprise user's own) and one in
district B, each with a plant, its safety people and a truck; and helpers that add trucks and
drivers through the services."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from conftest import City, make_user
from safecity.core import services as core_services
from safecity.core.choices import Role
from safecity.forklifts import services
from safecity.forklifts.choices import SafetyRole, VehicleType, ZoneKind
from safecity.forklifts.models import Forklift, Operator, Plant

SQUARE = [[119.950, 31.780], [119.952, 31.780], [119.952, 31.782], [119.950, 31.782]]


def plant_for(org: Any, name: str = "一号厂区", actor: Any = None) -> Plant:
    return services.plant_create(
        actor=actor, organisation=org, name=name,
        south=Decimal("31.779"), west=Decimal("119.949"), north=Decimal("31.783"), east=Decimal("119.953"),
    )  # fmt: skip


@dataclass
class Fleet:
    city: City
    plant_a: Plant
    plant_b: Plant
    officer_a: Any  # a Person of enterprise A appointed safety officer
    staff_b: Any  # enterprise B's manager (a user)
    counter: list[int]

    def truck(self, *, org: Any = None, actor: Any = None, **extra: Any) -> Forklift:
        org = org or self.city.enterprise_a
        plant = self.plant_a if org == self.city.enterprise_a else self.plant_b
        self.counter[0] += 1
        today = timezone.localdate()
        fields: dict[str, Any] = {
            "number": f"CC-{self.counter[0]:03d}",
            "product_number": f"P{self.counter[0]:06d}",
            "manufacturer": "杭叉集团股份有限公司",
            "model_name": "CPD30",
            "vehicle_type": VehicleType.COUNTERBALANCE_BATTERY,
            "rated_load_kg": 3000,
            "manufactured_on": today - timedelta(days=400),
            "first_used_on": today - timedelta(days=380),
            "registration_number": f"车11苏D{self.counter[0]:05d}",
            "registered_on": today - timedelta(days=370),
            "last_inspected_on": today - timedelta(days=100),
        }
        fields.update(extra)
        return services.forklift_add(actor=actor, organisation=org, plant=plant, **fields)

    def driver(self, *, org: Any = None, card: str = "", face: str = "", issued: date | None = None, **extra: Any) -> Operator:
        self.counter[0] += 1
        return services.operator_add(
            actor=None,
            organisation=org or self.city.enterprise_a,
            name=f"司机{self.counter[0]}",
            certificate_number=f"N1-{self.counter[0]:06d}",
            certificate_issued_on=issued or timezone.localdate() - timedelta(days=365),
            card_id=card or f"CARD{self.counter[0]:04d}",
            face_id=face,
            **extra,
        )


@pytest.fixture
def fleet(city: City, personas: Any) -> Fleet:
    plant_a = plant_for(city.enterprise_a)
    plant_b = plant_for(city.enterprise_b, name="湖塘厂区")
    services.plant_zone_add(actor=None, plant=plant_a, name="成品仓库", kind=ZoneKind.INDOOR, polygon=SQUARE)
    officer = core_services.person_create(actor=city.superuser, name="赵安全", organisation=city.enterprise_a)
    services.safety_appoint(
        actor=None, organisation=city.enterprise_a, person=officer, role=SafetyRole.OFFICER,
        appointed_on=timezone.localdate() - timedelta(days=60),
    )  # fmt: skip
    staff_b = make_user(city, "manager_b", city.enterprise_b, Role.ENTERPRISE_MANAGER)
    return Fleet(city=city, plant_a=plant_a, plant_b=plant_b, officer_a=officer, staff_b=staff_b, counter=[0])

"""Cylinder fixtures: two filling units (新北 in district A, 武进 in district B), the inspection
station, the market supervision bureau, a restaurant, their operators and custodial keys; and a
helper that registers a cylinder through the service."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

import pytest
from django.utils import timezone

from conftest import City, make_org, make_user
from safecity.core.choices import OrganisationKind, Role
from safecity.cylinders import services
from safecity.cylinders.choices import Medium
from safecity.cylinders.models import Cylinder
from safecity.ledger.services import signing_key_ensure


def key() -> str:
    return uuid.uuid4().hex


def at(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


@dataclass
class Cyl:
    unit: Any  # 新北 filling unit (district A)
    other_unit: Any  # 武进 filling unit (district B)
    station: Any
    market: Any
    restaurant: Any
    operator: Any
    other_operator: Any
    inspector: Any
    regulator: Any

    def register(self, code: str, *, unit: Any = None, made: date | None = None, actor: Any = None, **extra: Any) -> Cylinder:
        unit = unit or self.unit
        made = made or timezone.localdate() - timedelta(days=365)
        past = made + timedelta(days=5) < timezone.localdate()
        # A registration in the past goes through the platform's historic path (actor None), as a
        # bulk import of paper records would; otherwise the operator registers now.
        actor = actor or (None if past else self.operator if unit == self.unit else self.other_operator)
        return services.cylinder_register(
            actor=actor,
            code=code,
            serial_number=f"S{code}",
            manufacturer="浙江金盾压力容器有限公司",
            manufactured_on=made,
            medium=Medium.LPG,
            model_name="YSP35.5",
            nominal_pressure_mpa="2.1",
            volume_l="35.5",
            wall_thickness_mm="2.5",
            owner=unit,
            idempotency_key=key(),
            occurred_at=at(made + timedelta(days=5)) if past and actor is None else None,
            **extra,
        )


@pytest.fixture
def cyl(city: City, personas: Any) -> Cyl:
    root = city.superuser
    unit = make_org("常州新北液化气充装站", OrganisationKind.FILLING_UNIT, city.street_a, actor=root)
    other = make_org("常州武进液化气充装站", OrganisationKind.FILLING_UNIT, city.street_b, actor=root)
    station = make_org("常州市特种设备检验检测站", OrganisationKind.INSPECTION_STATION, city.city, actor=root)
    market = make_org("常州市市场监督管理局", OrganisationKind.GOVERNMENT_DEPARTMENT, city.city, actor=root)
    restaurant = make_org("金坛区王记面馆（丰田路1号店）", OrganisationKind.ENTERPRISE, city.street_b, actor=root)
    # Keys active since long ago: the fixtures record histories on the platform's historic path.
    since = timezone.now() - timedelta(days=30 * 365)
    for org in (unit, other, station, market):
        signing_key_ensure(actor=None, organisation=org, active_from=since)
    return Cyl(
        unit=unit,
        other_unit=other,
        station=station,
        market=market,
        restaurant=restaurant,
        operator=make_user(city, "filling_op", unit, Role.FILLING_STATION_OPERATOR),
        other_operator=make_user(city, "filling_op_b", other, Role.FILLING_STATION_OPERATOR),
        inspector=make_user(city, "station_op", station, Role.INSPECTION_STATION_OPERATOR),
        regulator=make_user(city, "market_official", market, Role.CITY_OFFICIAL, city.city),
    )

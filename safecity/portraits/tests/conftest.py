"""Fixtures of the health-portrait tests: minimal hazards, registries and risk events written
straight to the database (the portrait reads them; how they got there is the hazards app's concern)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth import get_user_model

from safecity.core import services as core_services
from safecity.hazards.choices import HazardLevel, HazardState, HazardType
from safecity.hazards.models import ControlMeasure, HiddenHazard, RiskEvent, RiskObject, RiskRegistry, RiskUnit
from safecity.riskdict.models import DictionaryVersion

TZ = ZoneInfo("Asia/Shanghai")
YEAR = 2023


def moment(y: int, m: int, d: int) -> datetime:
    return datetime(y, m, d, 10, 0, tzinfo=TZ)


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def make_hazard(city: Any) -> Callable[..., HiddenHazard]:
    """A hidden hazard of 2023 at enterprise A (by default): general, rectifying, deadline in June."""
    counter = {"n": 0}
    accepter = get_user_model().objects.create_user("accepter")

    def make(
        *,
        org: Any = None,
        level: int = HazardLevel.GENERAL,
        state: int = HazardState.RECTIFYING,
        hazard_type: int = HazardType.SAFETY,
        discovered: datetime | None = None,
        deadline: date | None = date(YEAR, 6, 30),
        accepted: datetime | None = None,
        description: str = "储罐区可燃气体检测报警器未定期标定",
        **extra: Any,
    ) -> HiddenHazard:
        counter["n"] += 1
        discovered = discovered or moment(YEAR, 3, 1)
        values: dict[str, Any] = {}
        if state == HazardState.ACCEPTED:
            values = {
                "accepted_by": accepter,
                "accepted_at": accepted or discovered + timedelta(days=20),
                "acceptance_comment": "整改到位",
            }
        return HiddenHazard.objects.create(
            organisation=org or city.enterprise_a,
            code=f"YH{YEAR}{counter['n']:05d}",
            level=level,
            state=state,
            hazard_type=hazard_type,
            description=description,
            discovered_at=discovered,
            deadline=deadline,
            **values,
            **extra,
        )

    return make


@pytest.fixture
def make_person(city: Any) -> Callable[..., Any]:
    def make(name: str, org: Any = None) -> Any:
        return core_services.person_create(actor=city.superuser, name=name, organisation=org or city.enterprise_a)

    return make


@pytest.fixture
def make_event(city: Any, make_person: Any) -> Callable[..., RiskEvent]:
    """A risk event at enterprise A (a storage object unless ``mhi``), with ``measures`` control measures."""

    def make(
        *,
        level: int = 1,
        measures: tuple[str, ...] = ("engineering",),
        mhi: bool = False,
        org: Any = None,
        name: str = "储罐泄漏",
    ) -> RiskEvent:
        # Registry rows count from when they were created: these exist since February of the year.
        with time_machine.travel(moment(YEAR, 2, 1), tick=False):
            return _make(level=level, measures=measures, mhi=mhi, org=org or city.enterprise_a, name=name)

    def _make(*, level: int, measures: tuple[str, ...], mhi: bool, org: Any, name: str) -> RiskEvent:
        version = DictionaryVersion.objects.filter(version="2023.1").first() or DictionaryVersion.objects.create(
            version="2023.1", title="常州市风险管控辞典", status="published", published_at=moment(YEAR, 1, 1)
        )
        RiskRegistry.objects.get_or_create(organisation=org, defaults={"dictionary_version": version})
        if mhi:
            people = [make_person(n, org) for n in ("主要负责人", "技术负责人", "操作负责人")]
            obj = RiskObject.objects.create(
                organisation=org,
                name="一级重大危险源",
                kind="mhi",
                mhi_grade=1,
                principal_in_charge=people[0],
                technical_in_charge=people[1],
                operations_in_charge=people[2],
            )
        else:
            obj = RiskObject.objects.create(organisation=org, name="罐区", kind="storage")
        unit = RiskUnit.objects.create(organisation=org, risk_object=obj, name="1号储罐")
        event = RiskEvent.objects.create(
            organisation=org,
            unit=unit,
            name=name,
            method="LEC",
            initial_score=Decimal("400"),
            initial_level=1,
            current_score=Decimal("400") if level == 1 else Decimal("100"),
            current_level=level,
        )
        for measure_class in measures:
            ControlMeasure.objects.create(
                organisation=org,
                event=event,
                measure_class=measure_class,
                subclass=f"{measure_class}_other",
                content=f"{measure_class} 措施",
            )
        return event

    return make

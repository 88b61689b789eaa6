"""Fixtures of the dual-prevention tests: a published dictionary, enterprise A's risk registry,
an enterprise staff member, and a helper that brings a hidden hazard into any state through the services."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from conftest import make_user
from safecity.core.choices import Role
from safecity.hazards import services
from safecity.hazards.choices import AssessmentMethod, HazardLevel, HazardState
from safecity.hazards.models import CheckTask, ControlMeasure, HiddenHazard, RiskEvent, RiskObject, RiskRegistry, RiskUnit
from safecity.riskdict.models import CheckItem, DictionaryVersion, ManagementCategory, RiskEntry, StandardMeasure

# Files of each accepted kind, recognised by their first bytes.
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n" + b"0" * 64


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    """Uploaded evidence goes to a temporary directory, never to var/media."""
    settings.MEDIA_ROOT = str(tmp_path / "media")


@dataclass
class Dictionary:
    version: DictionaryVersion
    category: ManagementCategory
    entry: RiskEntry
    measure: StandardMeasure
    item: CheckItem


@dataclass
class Registry:
    registry: RiskRegistry
    risk_object: RiskObject
    unit: RiskUnit
    event: RiskEvent
    measure: ControlMeasure
    task: CheckTask


@pytest.fixture
def dictionary(city: Any) -> Dictionary:
    version = DictionaryVersion.objects.create(
        version="2023.1", title="常州市风险管控辞典", status="published", published_at=timezone.now()
    )
    category = ManagementCategory.objects.create(version=version, code="15", name="危险化学品")
    entry = RiskEntry.objects.create(
        version=version, category=category, code="1501", name="储罐区泄漏", accident_types="火灾、爆炸"
    )
    measure = StandardMeasure.objects.create(
        entry=entry, measure_class="engineering", subclass="process_control", content="液位高高联锁投用"
    )
    item = CheckItem.objects.create(measure=measure, content="检查液位联锁是否投用", cycle=1, cycle_unit="day")
    return Dictionary(version, category, entry, measure, item)


@pytest.fixture
def enterprise_staff(city: Any) -> Any:
    return make_user(city, "enterprise_staff", city.enterprise_a, Role.ENTERPRISE_STAFF)


@pytest.fixture
def registry(city: Any, personas: Any, dictionary: Dictionary) -> Registry:
    """Enterprise A's registry: object -> unit (dictionary entry 1501) -> orange event -> measure -> daily check task."""
    actor = personas.enterprise_user
    header = services.registry_create(actor=actor, organisation=city.enterprise_a, dictionary_version=dictionary.version)
    obj = services.risk_object_save(actor=actor, organisation=city.enterprise_a, name="罐区", kind="storage")
    unit = services.risk_unit_save(actor=actor, risk_object=obj, name="1号储罐", dictionary_entry=dictionary.entry)
    # LEC 6 x 6 x 7 = 252: significant (orange).
    event = services.risk_event_assess(
        actor=actor, unit=unit, name="储罐泄漏火灾", method=AssessmentMethod.LEC, initial={"L": "6", "E": "6", "C": "7"}
    )
    first_due = timezone.now() - timedelta(hours=1)
    measure = services.control_measure_add(
        actor=actor, event=event, standard_measure=dictionary.measure, with_check_items=True, first_due=first_due
    )
    task = CheckTask.objects.get(measure=measure)
    return Registry(header, obj, unit, event, measure, task)


def photo(name: str = "整改后.png", content: bytes = PNG) -> SimpleUploadedFile:
    """An uploaded photo (or, with ``PDF``, a document) as a browser sends it."""
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def deadline_after(days: int = 10) -> Any:
    return timezone.localdate() + timedelta(days=days)


@pytest.fixture
def make_hazard(city: Any, personas: Any) -> Callable[..., HiddenHazard]:
    """make_hazard(state, level=general, org=enterprise_a, discovered_at=None, **report_fields) -> hazard.

    Enterprise A: reported by district A, rectified by the enterprise manager, accepted by district A.
    Acceptance is requested with a rectification photo, and accepted with an acceptance document.
    Enterprise B: reported and rectified by district B, accepted by the city official.
    """

    def make(
        state: int = HazardState.TO_CONFIRM,
        level: int = HazardLevel.GENERAL,
        org: Any = None,
        discovered_at: datetime | None = None,
        **fields: Any,
    ) -> HiddenHazard:
        org = org or city.enterprise_a
        if org == city.enterprise_a:
            reporter, rectifier, acceptor = personas.district_a, personas.enterprise_user, personas.district_a
        else:
            reporter, rectifier, acceptor = personas.district_b, personas.district_b, personas.city_official
        if discovered_at is not None:
            fields["discovered_at"] = discovered_at
        fields.setdefault("description", "消防通道堵塞")
        hazard = services.hazard_report(actor=reporter, organisation=org, level=level, **fields)
        if state == HazardState.TO_CONFIRM:
            return hazard
        if state == HazardState.WITHDRAWN:
            return services.hazard_withdraw(actor=acceptor, hazard=hazard, comment="经核实不是隐患")
        deadline = hazard.deadline or deadline_after()
        if level == HazardLevel.MAJOR:
            services.governance_plan_save(
                actor=acceptor, hazard=hazard, responsibility="厂长负责", measures="停产整改",
                funds=Decimal("50000"), deadline=deadline, emergency_plan="专项应急预案",
            )  # fmt: skip
        hazard = services.hazard_confirm(actor=acceptor, hazard=hazard, deadline=deadline)
        if state == HazardState.RECTIFYING:
            return hazard
        hazard = services.hazard_request_acceptance(
            actor=rectifier, hazard=hazard, rectification="已整改完毕", evidence=[photo("整改后.png")]
        )
        if state == HazardState.AWAITING_ACCEPTANCE:
            return hazard
        return services.hazard_accept(
            actor=acceptor, hazard=hazard, comment="现场复核整改到位", evidence=[photo("验收记录.pdf", PDF)]
        )

    return make

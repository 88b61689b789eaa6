"""Key-project fixtures: two city departments with officers, a 2023 plan with three projects.

- 安全 (lead 应急管理局) in 新北区, 燃气 (lead 住建局) in 武进区, 全市 (lead 住建局, 应急管理局
  cooperating) city-wide; 住建局's officer ``dept_officer`` leads 燃气 and 全市.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest

from conftest import City, make_org, make_user
from safecity.core.choices import OrganisationKind, Role
from safecity.keyprojects import services
from safecity.keyprojects.models import KeyProject, SubSystem, YearPlan
from safecity.keyprojects.services.plans import MilestoneInput

YEAR = 2023
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 40


@dataclass
class Plan:
    plan: YearPlan
    housing: Any
    em_officer: Any
    dept_officer: Any
    xinbei: KeyProject
    wujin: KeyProject
    citywide: KeyProject


def milestones(*parts: tuple[str, str, int]) -> list[MilestoneInput]:
    return [MilestoneInput(name, date.fromisoformat(day), weight) for name, day, weight in parts]


STANDARD = [("方案", "2023-03-31", 20), ("实施", "2023-06-30", 50), ("验收", "2023-09-30", 30)]


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def kp(city: City, personas: Any) -> Plan:
    root = city.superuser
    # A transactional test run earlier on this worker flushes the rows the data migration seeded.
    services.subsystems_seed()
    housing = make_org("常州市住房和城乡建设局", OrganisationKind.GOVERNMENT_DEPARTMENT, city.city, actor=root)
    plan = services.plan_create(actor=personas.city_admin, year=YEAR, title="2023年度重点项目", as_of=date(2023, 12, 20))
    fire = SubSystem.objects.get(code="02")
    gas = SubSystem.objects.get(code="05")

    def project(seq: int, name: str, sub: SubSystem, lead: Any, districts: list[Any], coop: list[Any] = ()) -> KeyProject:  # type: ignore[assignment]
        return services.project_create(
            actor=personas.city_official,
            plan=plan,
            sequence=seq,
            name=name,
            sub_system=sub,
            lead_department=lead,
            cooperating_departments=coop,
            districts=districts,
            goal="目标",
            start_date=date(2023, 1, 1),
            milestones=milestones(*STANDARD),
        )

    return Plan(
        plan=plan,
        housing=housing,
        em_officer=make_user(city, "em_officer", city.city_department, Role.DEPARTMENT_OFFICER),
        dept_officer=make_user(city, "dept_officer", housing, Role.DEPARTMENT_OFFICER),
        xinbei=project(1, "新北消防项目", fire, city.city_department, [city.district_a]),
        wujin=project(2, "武进燃气项目", gas, housing, [city.district_b]),
        citywide=project(3, "全市燃气项目", gas, housing, [city.district_a, city.district_b, city.city], [city.city_department]),
    )


def upload(name: str = "photo.png", content: bytes = PNG) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content)


def workbook_bytes(projects: list[list[Any]], milestones_rows: list[list[Any]]) -> bytes:
    from openpyxl import Workbook

    from safecity.keyprojects.services.excel import MILESTONE_HEADERS, PROJECT_HEADERS

    wb = Workbook()
    ws = wb.active
    ws.title = "重点项目"
    ws.append(PROJECT_HEADERS)
    for row in projects:
        ws.append(row)
    ms = wb.create_sheet("里程碑")
    ms.append(MILESTONE_HEADERS)
    for row in milestones_rows:
        ms.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()

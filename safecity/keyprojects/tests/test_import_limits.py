"""Every imported text cell has a length limit: an oversized cell is a row error, and nothing is imported."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from safecity.core.imports import CELL_TEXT_LIMIT
from safecity.keyprojects import services
from safecity.keyprojects.models import KeyProject
from safecity.keyprojects.services.excel import ImportRejected
from safecity.keyprojects.tests.conftest import STANDARD, Plan, milestones, workbook_bytes


def _row(goal: str, name: str = "新项目") -> list[Any]:
    return [1, name, "危险化学品安全", "常州市应急管理局", "", "新北区", goal, 10, "2023-02-01", ""]


def test_a_goal_of_32767_characters_is_refused_by_row_and_column(kp: Plan, personas: Any) -> None:
    before = KeyProject.objects.count()
    content = workbook_bytes([_row("长" * 32_767)], [[1, "甲", "2023-05-01", 100]])
    with pytest.raises(ImportRejected) as refused:
        services.plan_import(actor=personas.city_admin, plan=kp.plan, content=content)
    rows = [r.as_dict() for r in refused.value.rows]
    assert rows == [
        {"sheet": "重点项目", "row": 2, "column": "工作目标", "message": "At most 2000 characters (this cell has 32767)."}
    ]
    assert KeyProject.objects.count() == before


def test_names_keep_their_field_limits_and_a_goal_at_the_limit_is_imported(kp: Plan, personas: Any) -> None:
    too_long = workbook_bytes([_row("目标", name="名" * 201)], [[1, "里" * 201, "2023-05-01", 100]])
    with pytest.raises(ImportRejected) as refused:
        services.plan_import(actor=personas.city_admin, plan=kp.plan, content=too_long)
    assert {(r.sheet, r.column) for r in refused.value.rows} == {("重点项目", "项目名称"), ("里程碑", "里程碑名称")}
    fits = workbook_bytes([_row("长" * CELL_TEXT_LIMIT)], [[1, "甲", "2023-05-01", 100]])
    assert services.plan_import(actor=personas.city_admin, plan=kp.plan, content=fits) == 1
    assert len(KeyProject.objects.get(plan=kp.plan).goal) == CELL_TEXT_LIMIT


def test_the_service_refuses_an_oversized_goal_whatever_the_path(kp: Plan, personas: Any, city: Any) -> None:
    with pytest.raises(ValidationError) as refused:
        services.project_create(
            actor=personas.city_official, plan=kp.plan, sequence=9, name="超长目标", sub_system=kp.xinbei.sub_system,
            lead_department=city.city_department, districts=[city.district_a], goal="长" * (CELL_TEXT_LIMIT + 1),
            start_date=date(2023, 1, 1), milestones=milestones(*STANDARD),
        )  # fmt: skip
    assert "goal" in refused.value.message_dict

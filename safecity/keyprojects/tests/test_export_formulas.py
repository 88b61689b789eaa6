"""The committee's workbook and the monthly report write formula-like text as text."""

from __future__ import annotations

import io
from typing import Any

import openpyxl
from django.test import Client

from safecity.keyprojects.models import KeyProject
from safecity.keyprojects.tests.conftest import Plan

PLANTED = "=cmd|' /C calc'!A0"


def test_workbook_export_keeps_a_planted_goal_as_text_and_reimports_it(kp: Plan, personas: Any) -> None:
    KeyProject.objects.filter(pk=kp.wujin.pk).update(goal=PLANTED)
    client = Client()
    client.force_login(personas.city_admin)
    content = client.get("/keyprojects/plans/2023/export/").content
    cells = [c for row in openpyxl.load_workbook(io.BytesIO(content)).active.iter_rows() for c in row if c.value == PLANTED]
    assert len(cells) == 1 and cells[0].data_type == "s"


def test_monthly_report_keeps_a_planted_project_name_as_text(kp: Plan, personas: Any) -> None:
    KeyProject.objects.filter(pk=kp.wujin.pk).update(name="+" + PLANTED)
    client = Client()
    client.force_login(personas.city_admin)
    response = client.get("/keyprojects/plans/2023/monthly/?month=6", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    cells = [c for ws in book.worksheets for row in ws.iter_rows() for c in row if c.value == "+" + PLANTED]
    assert cells and all(c.data_type == "s" for c in cells)

"""A finished year is judged at its end (completed / not completed); the current year today; the
cut-off figures the office published stay readable beside; the monthly report opens on the latest month."""

from __future__ import annotations

import io
import re
from datetime import date
from typing import Any

import openpyxl
import time_machine
from django.test import Client

from safecity.core.figures import FigureContext, compute_indicators
from safecity.keyprojects import services
from safecity.keyprojects.tests.conftest import Plan


def login(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _cards(html: str) -> dict[str, int]:
    found = re.findall(r'data-status="(\w+)"><div class="value"[^>]*>(?:<a [^>]*>)?(\d+)', html)
    return {code: int(n) for code, n in found}


def _complete(kp: Plan, project: Any, on: date) -> None:
    for milestone in project.milestones.all():
        services.progress_report(actor=kp.em_officer, project=project, milestone=milestone, completion=100, reported_on=on)


@time_machine.travel("2026-12-04 10:00 +08:00", tick=False)
def test_a_finished_year_reads_completed_or_not_completed(kp: Plan, personas: Any, city: Any) -> None:
    _complete(kp, kp.xinbei, date(2023, 12, 28))  # done after the cut-off date, before the year's end
    page = login(personas.city_official).get("/keyprojects/plans/2023/", HTTP_ACCEPT_LANGUAGE="en")
    html = page.content.decode()
    assert _cards(html) == {"total": 3, "completed": 1, "not_completed": 2}
    assert "On time-based schedule</th>" not in html and "judged completed or not completed" in html
    # The statistics published at the cut-off date 2023-12-20 are still there, computed from the records.
    assert "Statistics at the cut-off date 2023-12-20: 3 projects, 0 completed" in html
    figures = compute_indicators(FigureContext(region=city.city, year=2023))
    assert (figures["keyprojects.completed"], figures["keyprojects.not_completed"], figures["keyprojects.on_schedule"]) == (
        1,
        2,
        0,
    )
    listed = login(personas.city_official).get("/keyprojects/plans/2023/projects/?status=not_completed")
    assert kp.wujin.name in listed.content.decode() and kp.xinbei.name not in listed.content.decode()


@time_machine.travel("2023-06-15 10:00 +08:00", tick=False)
def test_the_current_year_is_judged_today_not_at_its_cut_off(kp: Plan, personas: Any) -> None:
    cards = _cards(login(personas.city_official).get("/keyprojects/plans/2023/").content.decode())
    assert set(cards) == {"total", "completed", "on_schedule", "behind", "seriously_behind"}
    assert sum(cards.values()) - cards["total"] == cards["total"] == 3
    # Nothing reported by mid-June, with the first milestone due on 31 March: behind, not "on schedule".
    assert cards["on_schedule"] == 0


@time_machine.travel("2026-12-04 10:00 +08:00", tick=False)
def test_monthly_report_opened_without_a_month_is_the_latest_month(kp: Plan, personas: Any) -> None:
    client = login(personas.city_official)
    response = client.get("/keyprojects/plans/2023/monthly/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200 and "keyprojects-2023-12.xlsx" in response["Content-Disposition"]
    summary = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert "2023-12-31" in str(summary["B1"].value)
    assert [c.value for c in summary[2] if c.value][1:] == ["Completed", "Not completed by the year's end"]
    api = client.get("/api/keyprojects/plans/2023/monthly-report/")
    assert api.status_code == 200
    assert client.get("/keyprojects/plans/2023/monthly/?month=13").status_code == 404
    assert client.get("/api/keyprojects/plans/2023/monthly-report/?month=x").status_code == 400

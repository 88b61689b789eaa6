"""End to end: a department officer reports progress with evidence; the project page shows it and
draws the Gantt chart (ECharts canvas)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from conftest import PASSWORD, make_org, make_user
from safecity.core.choices import OrganisationKind, Role
from safecity.keyprojects import services
from safecity.keyprojects.models import ProgressEvidence, SubSystem
from safecity.keyprojects.services.plans import MilestoneInput

pytestmark = pytest.mark.browser
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 40


def test_department_officer_reports_progress_with_evidence(
    live_server: Any, city: Any, personas: Any, browser: Any, settings: Any, tmp_path: Path
) -> None:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    services.subsystems_seed()  # the live-server test database was flushed: reseed the reference list
    year = date.today().year
    housing = make_org("常州市住房和城乡建设局", OrganisationKind.GOVERNMENT_DEPARTMENT, city.city, actor=city.superuser)
    make_user(city, "dept_officer", housing, Role.DEPARTMENT_OFFICER)
    plan = services.plan_create(actor=personas.city_admin, year=year, title="年度重点项目")
    project = services.project_create(
        actor=personas.city_admin,
        plan=plan,
        sequence=1,
        name="瓶改管、瓶改电示范街区建设",
        sub_system=SubSystem.objects.get(code="05"),
        lead_department=housing,
        districts=[city.district_a],
        goal="示范街区",
        start_date=date(year, 1, 1),
        milestones=[MilestoneInput("方案", date(year, 1, 2), 40), MilestoneInput("建成", date(year, 12, 31), 60)],
    )
    evidence = tmp_path / "photo.png"
    evidence.write_bytes(PNG)
    page = browser.new_page(locale="zh-CN")
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", "dept_officer")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/keyprojects/projects/{project.pk}/")
    assert page.locator("[data-testid=actual]").inner_text().startswith("0")
    form = page.locator("[data-testid=report-form]")
    form.locator("select[name=milestone]").select_option(label="方案")
    form.locator("input[name=completion]").fill("100")
    form.locator("textarea[name=note]").fill("方案已印发")
    form.locator("input[name=evidence]").set_input_files(str(evidence))
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    assert page.locator("[data-testid=actual]").inner_text().startswith("40")
    assert "方案已印发" in page.locator("[data-testid=reports]").inner_text()
    assert page.locator("[data-testid=reports] a[data-evidence]").count() == 1
    page.wait_for_selector("[data-testid=gantt] canvas")
    assert ProgressEvidence.objects.count() == 1
    assert errors == []

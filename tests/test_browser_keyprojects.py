"""End to end: a department officer reports progress with evidence; the project page shows it and
draws the Gantt chart (ECharts canvas)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from conftest import PASSWORD, make_org, make_user
from safecity.core.choices import OrganisationKind, Role
from safecity.core.models import Region
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
    # More sub-systems and districts than a chart can label at ECharts' default spacing.
    districts = list(Region.objects.filter(parent=city.city).order_by("code"))
    for index, sub_system in enumerate(SubSystem.objects.exclude(code="05").order_by("order", "code")[:15], start=2):
        services.project_create(
            actor=personas.city_admin,
            plan=plan,
            sequence=index,
            name=f"第{index}个项目：城市生命线安全工程监测预警平台建设及燃气、桥梁、供水管网、排水防涝专项",
            sub_system=sub_system,
            lead_department=housing,
            districts=[districts[index % len(districts)]] if districts else [city.district_a],
            goal="目标",
            start_date=date(year, 1, 1),
            milestones=[MilestoneInput("建成", date(year, 12, 31), 100)],
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

    # The dashboard's breakdown charts label every row (no label dropped), each row with room for it.
    page.goto(f"{live_server.url}/keyprojects/plans/{year}/")
    for testid in ("chart-sub-system", "chart-district"):
        page.wait_for_selector(f"[data-testid={testid}] canvas")
        shown = page.evaluate(
            """id => { const el = document.querySelector(`[data-testid=${id}]`);
                       const chart = echarts.getInstanceByDom(el);
                       const axis = chart.getModel().getComponent("yAxis", 0).axis;
                       return { interval: chart.getOption().yAxis[0].axisLabel.interval,
                                labels: axis.getViewLabels().length, rows: chart.getOption().yAxis[0].data.length,
                                height: el.clientHeight }; }""",
            testid,
        )
        assert shown["interval"] == 0 and shown["labels"] == shown["rows"] >= 2 and shown["height"] >= 22 * shown["rows"], shown

    # The Gantt chart: long names end with an ellipsis (full name on hover), done milestones are a
    # colour of their own (not a status colour) with a legend entry, and every month is labelled.
    page.goto(f"{live_server.url}/keyprojects/plans/{year}/gantt/")
    page.wait_for_selector("[data-chart=kp-gantt] canvas")
    gantt = page.evaluate(
        """() => { const el = document.querySelector("[data-chart=kp-gantt]");
                   const chart = echarts.getInstanceByDom(el); const option = chart.getOption();
                   const done = option.series.find(s => s.type === "scatter" && s.data.length && s.symbol === "diamond"
                                                        && s.itemStyle.color !== "#ffffff");
                   return { overflow: option.yAxis[0].axisLabel.overflow, width: option.yAxis[0].axisLabel.width,
                            doneName: done && done.name, doneColour: done && done.itemStyle.color,
                            doneBorder: done && done.itemStyle.borderColor,
                            legend: option.legend[0].data.map(d => d.name || d),
                            months: chart.getModel().getComponent("xAxis", 0).axis.getViewLabels().map(l => l.formattedLabel) }; }"""
    )
    assert gantt["overflow"] == "truncate" and 0 < gantt["width"] <= 260, gantt
    assert gantt["doneName"], gantt
    assert gantt["doneColour"] not in ("#1b7f3b", "#0b5cad", "#e07b00", "#d7263d") and gantt["doneBorder"] == "#000"
    assert gantt["doneName"] in gantt["legend"] and len(gantt["legend"]) == 6
    assert len(gantt["months"]) >= 12 and len(set(gantt["months"])) == 12, gantt["months"]
    assert errors == []

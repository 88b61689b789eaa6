"""Excel import/export round trip and error reporting; the monthly report in Excel and PDF."""

from __future__ import annotations

import io
from typing import Any

import pytest
import time_machine
from django.test import Client

from safecity.keyprojects import services
from safecity.keyprojects.models import KeyProject, Milestone
from safecity.keyprojects.services.excel import ImportRejected
from safecity.keyprojects.tests.conftest import Plan, upload, workbook_bytes


def login(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _dump() -> list[Any]:
    out = []
    for p in KeyProject.objects.order_by("sequence"):
        out.append(
            (
                p.sequence, p.name, p.sub_system.code, p.lead_department.name, p.goal, p.budget, p.start_date,
                sorted(o.name for o in p.cooperating()), sorted(r.code for r in p.districts.all()),
                [(m.name, m.planned_date, m.weight) for m in p.milestones.all()],
            )
        )  # fmt: skip
    return out


def test_export_then_import_gives_the_same_plan(kp: Plan, personas: Any) -> None:
    KeyProject.objects.filter(pk=kp.wujin.pk).update(budget="123.45")
    before = _dump()
    content = login(personas.city_admin).get("/keyprojects/plans/2023/export/").content
    KeyProject.objects.all().delete()
    assert services.plan_import(actor=personas.city_admin, plan=kp.plan, content=content) == 3
    assert _dump() == before


def test_every_error_is_reported_by_row_and_column_and_nothing_is_imported(kp: Plan, personas: Any) -> None:
    before = _dump()
    content = workbook_bytes(
        [
            [1, "好项目", "危险化学品安全", "常州市应急管理局", "", "新北区", "目标", 10, "2023-02-01", ""],
            [2, "坏项目", "不存在的子体系", "不存在的局", "", "火星区", "目标", "很多", "2024-01-01", ""],
            [2, "重复序号", "消防安全", "常州市应急管理局", "", "全市", "目标", "", "2023-01-01", ""],
        ],
        [
            [1, "甲", "2023-05-01", 60],
            [1, "乙", "2023-09-01", 30],
            [9, "孤儿", "2023-05-01", 100],
            [2, "丙", "2024-02-01", 100],
        ],
    )
    with pytest.raises(ImportRejected) as rejected:
        services.plan_import(actor=personas.city_official, plan=kp.plan, content=content)
    found = {(e.sheet, e.row, e.column) for e in rejected.value.rows}
    assert {
        ("重点项目", 3, "所属子体系"),
        ("重点项目", 3, "牵头部门"),
        ("重点项目", 3, "涉及地区"),
        ("重点项目", 3, "预算（万元）"),
        ("重点项目", 3, "开始日期"),
        ("重点项目", 4, "序号"),
        ("里程碑", 2, "权重（%）"),
        ("里程碑", 4, "项目序号"),
        ("里程碑", 5, "计划完成日期"),
    } <= found
    assert _dump() == before  # nothing changed
    # The UI shows the same errors as a table; the API returns them in the error format.
    client = login(personas.city_official)
    page = client.post("/keyprojects/plans/2023/import/", {"file": upload("plan.xlsx", content)})
    assert page.status_code == 400 and "不存在的子体系" in page.content.decode()
    api = client.post("/api/keyprojects/plans/2023/import/", {"file": upload("plan.xlsx", content)})
    assert api.status_code == 400 and api.json()["code"] == "import_rejected"
    assert {"sheet": "里程碑", "row": 2, "column": "权重（%）"}.items() <= api.json()["errors"][0].items() or any(
        e["sheet"] == "里程碑" and e["row"] == 2 for e in api.json()["errors"]
    )
    assert Milestone.objects.count() == 9


def test_negative_budget_message_says_negatives_are_refused(kp: Plan, personas: Any) -> None:
    content = workbook_bytes(
        [[1, "负预算", "危险化学品安全", "常州市应急管理局", "", "新北区", "目标", -5, "2023-02-01", ""]],
        [[1, "甲", "2023-05-01", 100]],
    )
    with pytest.raises(ImportRejected) as rejected:
        services.plan_import(actor=personas.city_official, plan=kp.plan, content=content)
    messages = [e.message for e in rejected.value.rows if e.column == "预算（万元）"]
    assert len(messages) == 1 and "negative" in messages[0] and "-5.00" in messages[0]


def test_import_is_for_the_committee_and_refused_after_reports(kp: Plan, personas: Any) -> None:
    content = login(personas.city_admin).get("/keyprojects/plans/2023/export/").content
    assert (
        login(personas.district_a).post("/keyprojects/plans/2023/import/", {"file": upload("p.xlsx", content)}).status_code == 403
    )
    assert (
        login(kp.dept_officer).post("/api/keyprojects/plans/2023/import/", {"file": upload("p.xlsx", content)}).status_code == 403
    )
    with time_machine.travel("2023-05-01 10:00 +08:00", tick=False):
        services.progress_report(actor=kp.dept_officer, project=kp.wujin, milestone=kp.wujin.milestones.first(), completion=10)
    with pytest.raises(ImportRejected):
        services.plan_import(actor=personas.city_admin, plan=kp.plan, content=content)
    assert KeyProject.objects.count() == 3
    # A plan-level error is shown as such in the error table, never as row 0 of an unnamed sheet.
    page = login(personas.city_admin).post("/keyprojects/plans/2023/import/", {"file": upload("p.xlsx", content)})
    html = page.content.decode()
    assert page.status_code == 400 and 'data-testid="plan-level-error"' in html and "The whole workbook" in html
    assert "<td>0</td>" not in html and "<td></td>" not in html


def _pdf_fonts_and_text(content: bytes) -> tuple[set[str], str]:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(content))
    embedded = set()
    for page in reader.pages:
        for ref in page["/Resources"].get_object().get("/Font", {}).values():
            font = ref.get_object()
            descendants = font.get("/DescendantFonts")
            for target in [d.get_object() for d in descendants] if descendants else [font]:
                descriptor = target.get("/FontDescriptor")
                if descriptor is not None:
                    descriptor = descriptor.get_object()
                    if any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")):
                        embedded.add(str(descriptor["/FontName"]))
    return embedded, "".join(page.extract_text() for page in reader.pages)


def test_monthly_report_pdf_and_excel(kp: Plan, personas: Any) -> None:
    client = login(personas.district_a)
    pdf = client.get("/keyprojects/plans/2023/monthly/?month=6&format=pdf", HTTP_ACCEPT_LANGUAGE="en")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    fonts, text = _pdf_fonts_and_text(pdf.content)
    text = text.replace("\n", " ")
    assert any("WenQuanYi" in name for name in fonts), fonts
    assert "新北消防项目" in text and "武进燃气项目" not in text  # scoped to 新北
    assert "progress report for month 6" in text and "Seriously behind schedule" in text and "Page 1 of 1" in text
    from openpyxl import load_workbook

    xlsx = client.get("/api/keyprojects/plans/2023/monthly-report/?month=6&output=xlsx", HTTP_ACCEPT_LANGUAGE="en")
    workbook = load_workbook(io.BytesIO(xlsx.content))
    assert workbook.sheetnames == ["Monthly summary", "Project progress"]
    sheet = workbook["Project progress"]
    assert [r[1] for r in sheet.iter_rows(min_row=2, values_only=True)] == ["新北消防项目", "全市燃气项目"]
    assert sheet["G1"].value == "Status" and sheet["G2"].value == "Seriously behind schedule"
    assert client.get("/api/keyprojects/plans/2023/monthly-report/?month=13").status_code == 400
    assert login(personas.outsider).get("/keyprojects/plans/2023/monthly/?month=6&format=pdf").status_code == 403


def test_monthly_report_follows_the_users_language(kp: Plan, personas: Any, settings: Any) -> None:
    from django.utils import translation
    from openpyxl import load_workbook

    client = login(personas.district_a)
    for headers in ({"HTTP_ACCEPT_LANGUAGE": "zh-hans"}, {}):
        if not headers:
            settings.LANGUAGE_CODE = "zh-hans"  # the site's default language (no preference sent): Chinese
        xlsx = client.get("/keyprojects/plans/2023/monthly/?month=6", **headers)
        workbook = load_workbook(io.BytesIO(xlsx.content))
        with translation.override("zh-hans"):
            assert workbook.sheetnames[1] == translation.gettext("Project progress")
        sheet = workbook.worksheets[1]
        assert sheet["G1"].value == "状态" and sheet["G2"].value == "严重滞后", headers
        pdf = client.get("/keyprojects/plans/2023/monthly/?month=6&format=pdf", **headers)
        fonts, text = _pdf_fonts_and_text(pdf.content)
        assert any("WenQuanYi" in name for name in fonts) and "严重滞后" in text and "Seriously" not in text


@time_machine.travel("2023-05-15 10:00 +08:00", tick=False)
def test_api_report_with_evidence_and_drill_down(kp: Plan, personas: Any) -> None:
    client = login(kp.dept_officer)
    milestone = kp.wujin.milestones.first()
    response = client.post(
        f"/api/keyprojects/projects/{kp.wujin.pk}/reports/",
        {"milestone": milestone.pk, "completion": 100, "note": "完成", "evidence": [upload()]},
    )
    assert response.status_code == 201, response.content
    evidence_id = response.json()["evidence"][0]["id"]
    assert b"".join(client.get(f"/keyprojects/evidence/{evidence_id}/").streaming_content).startswith(b"\x89PNG")
    assert login(personas.district_b).get(f"/keyprojects/evidence/{evidence_id}/").status_code == 200
    assert login(personas.district_a).get(f"/keyprojects/evidence/{evidence_id}/").status_code == 404
    refused = client.post(f"/api/keyprojects/projects/{kp.wujin.pk}/reports/", {"milestone": milestone.pk, "completion": 50})
    assert refused.status_code == 400 and "reason" in refused.json()["fields"]
    assert (
        login(kp.em_officer)
        .post(
            f"/api/keyprojects/projects/{kp.xinbei.pk}/reports/", {"milestone": kp.xinbei.milestones.first().pk, "completion": 5}
        )
        .status_code
        == 201
    )
    assert (
        login(kp.em_officer)
        .post(
            f"/api/keyprojects/projects/{kp.citywide.pk}/reports/",
            {"milestone": kp.citywide.milestones.first().pk, "completion": 5},
        )
        .status_code
        == 403
    )

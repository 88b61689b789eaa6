"""The monthly progress report of a year plan (月度进展通报), in Excel and PDF.

Computed at the month's last day (or the plan's evaluation date if earlier) with the same
:func:`safecity.keyprojects.selectors.plan_evaluations` as the dashboard, over the projects the
user may see. WeasyPrint is imported only here; the PDF embeds the WenQuanYi Micro Hei font.
"""

from __future__ import annotations

import calendar
import io
from datetime import date
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone, translation

from safecity.keyprojects import selectors
from safecity.keyprojects.choices import ProjectStatus
from safecity.keyprojects.models import YearPlan

FONT_FAMILY = "WenQuanYi Micro Hei"
STATUS_ZH = {
    ProjectStatus.COMPLETED: "完成",
    ProjectStatus.ON_SCHEDULE: "达到时序进度",
    ProjectStatus.BEHIND: "滞后",
    ProjectStatus.SERIOUSLY_BEHIND: "严重滞后",
}


def monthly_report(*, user: Any, plan: YearPlan, month: int) -> dict[str, Any]:
    """The figures of ``month`` (1–12) of ``plan`` for ``user`` (scoped)."""
    last = date(plan.year, month, calendar.monthrange(plan.year, month)[1])
    first = date(plan.year, month, 1)
    at = min(last, selectors.evaluation_date(plan))
    projects = list(selectors.project_list(user=user, plan=plan))
    evaluations = selectors.plan_evaluations(plan=plan, projects=projects, at=at)
    rows = []
    for ev in evaluations:
        p = ev.project
        in_month = [r for r in p.reports.all() if first <= r.reported_on <= last]
        rows.append(
            {
                "sequence": p.sequence,
                "name": p.name,
                "sub_system": p.sub_system.name,
                "lead": p.lead_department.name,
                "expected": ev.expected,
                "actual": ev.actual,
                "status": ev.status,
                "status_zh": STATUS_ZH[ProjectStatus(ev.status)],
                "reports": len(in_month),
                "forecast": ev.forecast,
                "notes": "；".join(r.note for r in in_month if r.note)[:300],
            }
        )
    return {
        "plan": plan,
        "month": month,
        "at": at,
        "counts": selectors.status_counts(evaluations),
        "by_sub_system": selectors.breakdown(evaluations, "sub_system"),
        "rows": rows,
        "status_zh": {s.value: z for s, z in STATUS_ZH.items()},
    }


def monthly_xlsx(data: dict[str, Any]) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    summary = workbook.active
    summary.title = "汇总"
    plan = data["plan"]
    summary.append([f"{plan.year}年重点项目{data['month']}月进展通报", f"统计截至 {data['at']:%Y-%m-%d}"])
    summary.append(["项目总数", "完成", "达到时序进度", "滞后", "严重滞后"])
    c = data["counts"]
    summary.append([c["total"], c["completed"], c["on_schedule"], c["behind"], c["seriously_behind"]])
    summary.append([])
    summary.append(["子体系", "项目数", "完成", "达到时序进度", "滞后", "严重滞后"])
    for r in data["by_sub_system"]:
        summary.append([r["name"], r["total"], r["completed"], r["on_schedule"], r["behind"], r["seriously_behind"]])
    detail = workbook.create_sheet("项目进展")
    detail.append(
        [
            "序号",
            "项目名称",
            "所属子体系",
            "牵头部门",
            "时序进度（%）",
            "实际进度（%）",
            "状态",
            "本月报告数",
            "预计完成日期",
            "本月进展",
        ]
    )
    for r in data["rows"]:
        detail.append(
            [
                r["sequence"],
                r["name"],
                r["sub_system"],
                r["lead"],
                r["expected"],
                r["actual"],
                r["status_zh"],
                r["reports"],
                r["forecast"],
                r["notes"],
            ]
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def monthly_pdf(data: dict[str, Any]) -> bytes:
    from weasyprint import HTML

    with translation.override("zh-hans"):
        html = render_to_string(
            "keyprojects/monthly_pdf.html", {**data, "font_family": FONT_FAMILY, "generated_at": timezone.localtime()}
        )
    return HTML(string=html).write_pdf()

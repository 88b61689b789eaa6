"""The monthly progress report of a year plan (月度进展通报), in Excel and PDF.

Computed at the month's last day (or the plan's evaluation date if earlier) with the same
:func:`safecity.keyprojects.selectors.plan_evaluations` as the dashboard, over the projects the
user may see. WeasyPrint is imported only here; the PDF embeds the WenQuanYi Micro Hei font.
Both follow the active language (the requesting user's; Chinese, the site default, otherwise).
"""

from __future__ import annotations

import calendar
from datetime import date
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from safecity.core.exports import workbook_bytes
from safecity.keyprojects import selectors
from safecity.keyprojects.choices import ProjectStatus
from safecity.keyprojects.models import YearPlan

FONT_FAMILY = "WenQuanYi Micro Hei"


def report_month(plan: YearPlan, raw: str | None) -> int:
    """The month a request asks for: ``raw`` (1–12), or the plan's latest month when it names none.
    Raises ValueError for anything else."""
    if not raw:
        return plan.latest_month(timezone.localdate())
    month = int(raw)
    if not 1 <= month <= 12:
        raise ValueError(raw)
    return month


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
        "statuses": [s.value for s in selectors.shown_statuses(plan=plan, at=at)],
        "by_sub_system": selectors.breakdown(evaluations, "sub_system"),
        "rows": rows,
    }


def _status_label(code: str) -> str:
    return str(ProjectStatus(code).label)


def _status_headings(data: dict[str, Any]) -> list[str]:
    return [_status_label(s) for s in data["statuses"]]


def _title(data: dict[str, Any]) -> str:
    return _("Key projects %(year)s: progress report for month %(month)s") % {
        "year": data["plan"].year,
        "month": data["month"],
    }


def monthly_xlsx(data: dict[str, Any]) -> bytes:
    """The report as a workbook, in the active language (the requesting user's; Chinese by default)."""
    from openpyxl import Workbook

    workbook = Workbook()
    summary = workbook.active
    summary.title = _("Monthly summary")[:31]
    summary.append([_title(data), _("Statistics as of %(date)s") % {"date": f"{data['at']:%Y-%m-%d}"}])
    summary.append([_("Total projects"), *_status_headings(data)])
    c = data["counts"]
    summary.append([c["total"], *(c[s] for s in data["statuses"])])
    summary.append([])
    summary.append([_("Sub-system"), _("Number of projects"), *_status_headings(data)])
    for r in data["by_sub_system"]:
        summary.append([r["name"], r["total"], *(r[s] for s in data["statuses"])])
    detail = workbook.create_sheet(_("Project progress")[:31])
    detail.append(
        [
            _("Sequence"),
            _("Project name"),
            _("Sub-system"),
            _("Lead department"),
            _("Time-based schedule (%)"),
            _("Actual progress (%)"),
            _("Status"),
            _("Reports this month"),
            _("Forecast completion"),
            _("Progress this month"),
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
                _status_label(r["status"]),
                r["reports"],
                r["forecast"],
                r["notes"],
            ]
        )
    return workbook_bytes(workbook)


def _page_footer() -> str:
    """The CSS ``content`` of the page footer ("Page 1 of 3" / "第 1 页 / 共 3 页")."""
    text = _("Page %(page)s of %(pages)s") % {"page": "\x00page\x00", "pages": "\x00pages\x00"}
    parts = []
    for index, piece in enumerate(text.split("\x00")):
        if index % 2:
            parts.append(f"counter({piece})")
        elif piece:
            parts.append('"' + piece.replace("\\", "").replace('"', "") + '"')
    return " ".join(parts)


def monthly_pdf(data: dict[str, Any]) -> bytes:
    """The report as a PDF (WenQuanYi embedded), in the active language (Chinese by default)."""
    from weasyprint import HTML

    html = render_to_string(
        "keyprojects/monthly_pdf.html",
        {
            **data,
            "title": _title(data),
            "rows": [{**r, "status_label": _status_label(r["status"])} for r in data["rows"]],
            "status_headings": _status_headings(data),
            "page_footer": _page_footer(),
            "font_family": FONT_FAMILY,
            "generated_at": timezone.localtime(),
        },
    )
    return HTML(string=html).write_pdf()

"""Reports: enterprise hazard statistics by quarter and year, and the provincial risk report.

Provincial report: Jiangsu government order No. 140 (in force 2021-02-01): basic information,
industry class, basic safety information, every risk of level "significant" or above (or the
confirmation that there is none), and the signed undertaking (domain-rules §2).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from safecity.core.exports import workbook_bytes
from safecity.core.models import Organisation
from safecity.core.scoping import scoped
from safecity.hazards.choices import HazardLevel, HazardState, RiskLevel
from safecity.hazards.models import HiddenHazard, RiskEvent


def _quarter_bounds(year: int, quarter: int) -> tuple[date, date]:
    start = date(year, 3 * quarter - 2, 1)
    end = date(year + 1, 1, 1) if quarter == 4 else date(year, 3 * quarter + 1, 1)
    return start, end


def hazard_statistics(*, hazards: QuerySet[HiddenHazard], year: int) -> dict[str, Any]:
    """Counts per quarter and for the year: found, general/major, closed, open, overdue, rate.

    ``hazards`` is already scoped (the caller passes the user's reach, an enterprise or a region).
    The rectification rate is closed / (found - withdrawn), as a percentage with one decimal.
    """
    today = timezone.localdate()
    periods = [(f"Q{q}", *_quarter_bounds(year, q)) for q in range(1, 5)] + [(str(year), date(year, 1, 1), date(year + 1, 1, 1))]
    rows = []
    for label, start, end in periods:
        found = hazards.filter(discovered_at__date__gte=start, discovered_at__date__lt=end)
        agg = found.aggregate(
            found=Count("id"),
            general=Count("id", filter=Q(level=HazardLevel.GENERAL)),
            major=Count("id", filter=Q(level=HazardLevel.MAJOR)),
            closed=Count("id", filter=Q(state=HazardState.ACCEPTED)),
            withdrawn=Count("id", filter=Q(state=HazardState.WITHDRAWN)),
            open=Count(
                "id", filter=Q(state__in=[HazardState.TO_CONFIRM, HazardState.RECTIFYING, HazardState.AWAITING_ACCEPTANCE])
            ),
            overdue=Count("id", filter=Q(state__in=[HazardState.TO_CONFIRM, HazardState.RECTIFYING], deadline__lt=today)),
        )
        counted = agg["found"] - agg["withdrawn"]
        agg["rectification_rate"] = round(100 * agg["closed"] / counted, 1) if counted else None
        rows.append({"period": label, **agg})
    return {"year": year, "periods": rows}


REPORT_RISK_FIELDS = [
    ("management_category", "管理类别"),
    ("risk_code", "风险代码"),
    ("risk_name", "风险名称"),
    ("accident_types", "主要事故类型"),
    ("risk_point", "风险点"),
    ("risk_level", "风险等级"),
    ("risk_level_code", "风险等级代码"),
    ("control_measures", "管控措施"),
]


def provincial_risk_report(*, user: Any, organisation_id: int) -> dict[str, Any]:
    """The enterprise's provincial risk report as data (JSON-ready), within the user's reach."""
    org = scoped(Organisation, user).select_related("region").filter(pk=organisation_id).first()
    if org is None:
        raise Http404
    events = (
        scoped(RiskEvent, user)
        .filter(organisation=org, current_level__lte=RiskLevel.SIGNIFICANT)
        .select_related("unit__dictionary_entry__category", "unit__risk_object")
        .prefetch_related("measures")
        .order_by("current_level", "name")
    )
    risks = []
    for event in events:
        entry = event.unit.dictionary_entry
        risks.append(
            {
                "management_category": f"({entry.category.code}) {entry.category.name}" if entry else "",
                "risk_code": entry.code if entry else "",
                "risk_name": entry.name if entry else event.name,
                "accident_types": event.accident_type or (entry.accident_types if entry else ""),
                "risk_point": f"{event.unit.risk_object.name} / {event.unit.name}",
                "risk_level": str(RiskLevel(event.current_level).label),
                "risk_level_code": event.current_level,
                "control_measures": "；".join(m.content for m in event.measures.all()),
            }
        )
    return {
        "enterprise": {
            "name": org.name,
            "unified_social_credit_code": org.credit_code,
            "division_code": org.region.code,
            "industry_code": org.industry_code,
            "address": org.address,
        },
        "report_date": timezone.localdate().isoformat(),
        "has_significant_risks": bool(risks),
        "risks": risks,
        "confirmation": "" if risks else "本企业经辨识评估，不存在较大及以上安全风险。",
    }


def provincial_risk_report_xlsx(report: dict[str, Any]) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    basic = workbook.active
    basic.title = "基本信息"
    labels = {
        "name": "企业名称",
        "unified_social_credit_code": "统一社会信用代码",
        "division_code": "行政区划代码",
        "industry_code": "行业代码",
        "address": "地址",
    }
    for key, label in labels.items():
        basic.append([label, report["enterprise"][key]])
    basic.append(["报告日期", report["report_date"]])
    basic.append(["存在较大及以上风险", "是" if report["has_significant_risks"] else "否"])
    if report["confirmation"]:
        basic.append(["确认", report["confirmation"]])
    sheet = workbook.create_sheet("较大及以上风险")
    sheet.append([label for _, label in REPORT_RISK_FIELDS])
    for risk in report["risks"]:
        sheet.append([risk[key] for key, _ in REPORT_RISK_FIELDS])
    return workbook_bytes(workbook)

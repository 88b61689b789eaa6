"""Citizens' hazard reports in the city cockpit and ``safecity figures``, counted from the records
(issue 17 §3): reports received in the year, and of them dismissed, merged with a known hidden
hazard, recorded as new hidden hazards, still awaiting triage; the median hours from report to
triage; and, per district, the reports received."""

from __future__ import annotations

from statistics import median
from typing import Any

from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from safecity.citizenreports.choices import ReportState
from safecity.citizenreports.models import CitizenReport
from safecity.core.figures import FigureContext, indicator, panel

SECTION = _("Citizens' hazard reports")


def _year(ctx: FigureContext) -> Any:
    return ctx.records(CitizenReport).filter(submitted_at__year=ctx.year)


@indicator("citizenreports.received", title=_("Citizens' hazard reports received"), section=SECTION, unit=_("reports"), order=740)
def received(ctx: FigureContext) -> int:
    return _year(ctx).count()


@indicator("citizenreports.dismissed", title=_("Citizens' reports dismissed"), section=SECTION, unit=_("reports"), order=741)
def dismissed(ctx: FigureContext) -> int:
    return _year(ctx).filter(state=ReportState.DISMISSED).count()


@indicator(
    "citizenreports.merged",
    title=_("Citizens' reports merged with known hidden hazards"),
    section=SECTION,
    unit=_("reports"),
    order=742,
)
def merged(ctx: FigureContext) -> int:
    return _year(ctx).filter(state=ReportState.MERGED).count()


@indicator(
    "citizenreports.hazards",
    title=_("Hidden hazards recorded from citizens' reports"),
    section=SECTION,
    unit=_("hazards"),
    order=743,
)
def hazards(ctx: FigureContext) -> int:
    return _year(ctx).filter(state=ReportState.HAZARD).count()


@indicator("citizenreports.awaiting", title=_("Citizens' reports awaiting triage"), section=SECTION, unit=_("reports"), order=744)
def awaiting(ctx: FigureContext) -> int:
    return _year(ctx).filter(state=ReportState.RECEIVED).count()


@indicator(
    "citizenreports.median_triage_hours",
    title=_("Median time from a citizen's report to its triage"),
    section=SECTION,
    unit=_("hours"),
    order=745,
)
def median_triage_hours(ctx: FigureContext) -> float | None:
    rows = _year(ctx).filter(triaged_at__isnull=False).values_list("submitted_at", "triaged_at")
    hours = [(triaged - submitted).total_seconds() / 3600 for submitted, triaged in rows]
    return round(median(hours), 1) if hours else None


@panel(
    "citizenreports.by_district",
    title=_("Citizens' hazard reports by district"),
    section=SECTION,
    template="core/panels/bar.html",
    order=746,
)
def by_district(ctx: FigureContext) -> dict[str, Any]:
    rows = _year(ctx).values("district__name").annotate(n=Count("id")).order_by("district__code")
    labels = [r["district__name"] for r in rows]
    values = [r["n"] for r in rows]
    return {"counts": dict(zip(labels, values, strict=True)), "labels": labels, "values": values}

"""Gas cylinders in the city cockpit and ``safecity figures``, counted from the records.

Cylinders are counted as they are today (a registry, not a yearly figure); refusals and fills by
the year of the context (refusals) or the last 30 days (fills per day).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safecity.core.figures import FigureContext, indicator, panel
from safecity.cylinders.choices import CylinderState
from safecity.cylinders.models import Cylinder, CylinderEvent, FillAttempt
from safecity.cylinders.selectors import fills_per_day as _fills_per_day

SECTION = _("Gas cylinders")
STATE_COLOURS = {
    CylinderState.EMPTY: "#0b5cad",
    CylinderState.FILLED: "#2e7d32",
    CylinderState.DISPATCHED: "#6a1b9a",
    CylinderState.DELIVERED: "#00838f",
    CylinderState.FAILED: "#c62828",
    CylinderState.REPAIRED: "#ef6c00",
    CylinderState.SCRAPPED: "#616161",
}


@indicator("cylinders.total", title=_("Registered gas cylinders"), section=SECTION, unit=_("cylinders"), order=600)
def total(ctx: FigureContext) -> int:
    return ctx.records(Cylinder).count()


@indicator(
    "cylinders.inspection_overdue", title=_("Cylinders overdue for inspection"), section=SECTION, unit=_("cylinders"), order=601
)
def inspection_overdue(ctx: FigureContext) -> int:
    return ctx.records(Cylinder).exclude(state=CylinderState.SCRAPPED).filter(next_inspection_on__lt=timezone.localdate()).count()


@indicator("cylinders.refusals", title=_("Filling refusals at the gate"), section=SECTION, unit=_("refusals"), order=602)
def refusals(ctx: FigureContext) -> int:
    return ctx.records(FillAttempt).filter(allowed=False, attempted_at__year=ctx.year).count()


def _status_indicator(state: CylinderState) -> None:
    def count(ctx: FigureContext) -> int:
        return ctx.records(Cylinder).filter(state=state.value).count()

    count.__name__ = f"status_{state.value}"
    indicator(
        f"cylinders.status.{state.value}",
        title=state.label,
        section=SECTION,
        unit=_("cylinders"),
        order=610 + list(CylinderState).index(state),
    )(count)


for _state in CylinderState:
    _status_indicator(_state)


@panel("cylinders.by_status", title=_("Cylinders by status"), section=SECTION, template="core/panels/bar.html", order=603)
def by_status(ctx: FigureContext) -> dict[str, Any]:
    rows = dict(ctx.records(Cylinder).values("state").annotate(n=Count("id")).values_list("state", "n"))
    states = [s for s in CylinderState if rows.get(s.value)]
    return {
        # Stable ids (the status codes) for `safecity figures`; labels/values/colours for the chart.
        "counts": {s.value: rows.get(s.value, 0) for s in CylinderState},
        "keys": [s.value for s in states],
        "labels": [str(s.label) for s in states],
        "values": [rows[s.value] for s in states],
        "colours": [STATE_COLOURS[s] for s in states],
    }


@panel(
    "cylinders.refusals_by_station",
    title=_("Filling refusals by station"),
    section=SECTION,
    template="core/panels/bar.html",
    order=604,
)
def refusals_by_station(ctx: FigureContext) -> dict[str, Any]:
    rows = (
        ctx.records(FillAttempt)
        .filter(allowed=False, attempted_at__year=ctx.year)
        .values("station__name")
        .annotate(n=Count("id"))
        .order_by("-n", "station__name")
    )
    return {
        "counts": {r["station__name"]: r["n"] for r in rows},
        "labels": [r["station__name"] for r in rows],
        "values": [r["n"] for r in rows],
    }


@panel(
    "cylinders.fills_per_day",
    title=_("Fills per day (last 30 days)"),
    section=SECTION,
    template="core/panels/bar.html",
    order=605,
)
def fills_per_day(ctx: FigureContext) -> dict[str, Any]:
    days = _fills_per_day(queryset=ctx.records(CylinderEvent), today=timezone.localdate())
    return {
        "counts": {d.isoformat(): n for d, n in days},
        "labels": [d.strftime("%m-%d") for d, _n in days],
        "values": [n for _d, n in days],
    }

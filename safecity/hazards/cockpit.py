"""Dual prevention on the city cockpit: open hazards by level, overdue, rectification rate, risk colours."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safecity.core.figures import FigureContext, indicator, panel
from safecity.hazards.choices import RISK_HEX, HazardLevel, HazardState, RiskLevel
from safecity.hazards.models import HiddenHazard, RiskEvent

SECTION = _("Dual prevention")
OPEN = [HazardState.TO_CONFIRM, HazardState.RECTIFYING, HazardState.AWAITING_ACCEPTANCE]


def _year(ctx: FigureContext) -> Any:
    return ctx.records(HiddenHazard).filter(discovered_at__year=ctx.year)


@indicator("hazards.found", title=_("Hidden hazards found this year"), section=SECTION, unit=_("hazards"), order=100)
def found(ctx: FigureContext) -> int:
    return _year(ctx).exclude(state=HazardState.WITHDRAWN).count()


@indicator(
    "hazards.closed", title=_("Hidden hazards rectified and accepted this year"), section=SECTION, unit=_("hazards"), order=101
)
def closed(ctx: FigureContext) -> int:
    return _year(ctx).filter(state=HazardState.ACCEPTED).count()


@indicator("hazards.rectification_rate", title=_("Rectification rate this year"), section=SECTION, unit="%", order=102)
def rectification_rate(ctx: FigureContext) -> float | None:
    agg = (
        _year(ctx)
        .exclude(state=HazardState.WITHDRAWN)
        .aggregate(n=Count("id"), closed=Count("id", filter=Q(state=HazardState.ACCEPTED)))
    )
    return round(100 * agg["closed"] / agg["n"], 1) if agg["n"] else None


@indicator("hazards.open.general", title=_("Open general hidden hazards"), section=SECTION, unit=_("hazards"), order=103)
def open_general(ctx: FigureContext) -> int:
    return ctx.records(HiddenHazard).filter(state__in=OPEN, level=HazardLevel.GENERAL).count()


@indicator("hazards.open.major", title=_("Open major hidden hazards"), section=SECTION, unit=_("hazards"), order=104)
def open_major(ctx: FigureContext) -> int:
    return ctx.records(HiddenHazard).filter(state__in=OPEN, level=HazardLevel.MAJOR).count()


@indicator("hazards.overdue", title=_("Overdue hidden hazards"), section=SECTION, unit=_("hazards"), order=105)
def overdue(ctx: FigureContext) -> int:
    today = timezone.localdate()
    return (
        ctx.records(HiddenHazard).filter(state__in=[HazardState.TO_CONFIRM, HazardState.RECTIFYING], deadline__lt=today).count()
    )


def _colour_counts(ctx: FigureContext) -> dict[int, int]:
    rows = ctx.records(RiskEvent).values("current_level").annotate(n=Count("id"))
    counts = dict.fromkeys(RiskLevel.values, 0)
    for row in rows:
        counts[row["current_level"]] = row["n"]
    return counts


for _level, _key in ((1, "red"), (2, "orange"), (3, "yellow"), (4, "blue")):

    def _make(level: int) -> Any:
        def compute(ctx: FigureContext) -> int:
            return _colour_counts(ctx)[level]

        return compute

    indicator(f"hazards.risk.{_key}", title=RiskLevel(_level).label, section=SECTION, unit=_("risk events"), order=110 + _level)(
        _make(_level)
    )


@panel(
    "hazards.risk_colours",
    title=_("Risk events by colour"),
    section=SECTION,
    template="hazards/panels/risk_colours.html",
    order=120,
)
def risk_colours(ctx: FigureContext) -> dict[str, Any]:
    counts = _colour_counts(ctx)
    return {
        "labels": [str(RiskLevel(level).label) for level in counts],
        "values": [counts[level] for level in counts],
        "colours": [RISK_HEX[level] for level in counts],
    }


@panel(
    "hazards.by_state", title=_("Hidden hazards this year by state"), section=SECTION, template="core/panels/bar.html", order=121
)
def by_state(ctx: FigureContext) -> dict[str, Any]:
    rows = _year(ctx).values("state").annotate(n=Count("id")).order_by("state")
    labels = dict(HazardState.choices)
    return {"labels": [str(labels[r["state"]]) for r in rows], "values": [r["n"] for r in rows]}


@panel(
    "hazards.risk_map",
    title=_("Enterprises by highest risk"),
    section=SECTION,
    template="hazards/panels/risk_map.html",
    order=122,
)
def risk_map(ctx: FigureContext) -> dict[str, Any]:
    """The four-colour risk map of the region: each enterprise by its highest current risk level."""
    from django.db.models import Min

    from safecity.core.models import Organisation

    events = ctx.records(RiskEvent)
    rows = (
        Organisation.objects.filter(pk__in=events.values("organisation_id"), latitude__isnull=False)
        .annotate(highest=Min("risk_events__current_level"))
        .values_list("id", "name", "kind", "latitude", "longitude", "highest")[:3000]
    )
    return {"points": [[i, n, k, float(lat), float(lon), RISK_HEX[h], str(RiskLevel(h).label)] for i, n, k, lat, lon, h in rows]}

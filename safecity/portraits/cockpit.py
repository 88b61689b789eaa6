"""Health portraits on the city cockpit: portraits of the year by colour, average score, distribution."""

from __future__ import annotations

from typing import Any

from django.db.models import Avg, Count
from django.utils.translation import gettext_lazy as _

from safecity.core.figures import FigureContext, indicator, panel
from safecity.portraits.choices import COLOUR_HEX, COLOUR_KEYS, PortraitColour
from safecity.portraits.models import Portrait

SECTION = _("Health portraits")


def _colour_counts(ctx: FigureContext) -> dict[int, int]:
    counts = dict.fromkeys(PortraitColour.values, 0)
    for row in ctx.records(Portrait).filter(year=ctx.year).values("colour").annotate(n=Count("id")).order_by():
        counts[row["colour"]] = row["n"]
    return counts


def _make(colour: int) -> Any:
    def compute(ctx: FigureContext) -> int:
        return _colour_counts(ctx)[colour]

    return compute


for _colour in PortraitColour.values:
    indicator(
        f"portraits.{COLOUR_KEYS[_colour]}",
        title=PortraitColour(_colour).label,
        section=SECTION,
        unit=_("enterprises"),
        order=300 + _colour,
    )(_make(_colour))


@indicator("portraits.average_score", title=_("Average portrait score"), section=SECTION, unit=_("points"), order=305)
def average_score(ctx: FigureContext) -> float | None:
    value = ctx.records(Portrait).filter(year=ctx.year).aggregate(v=Avg("score"))["v"]
    return round(float(value), 1) if value is not None else None


@panel("portraits.colours", title=_("Health portraits by colour"), section=SECTION, template="core/panels/bar.html", order=310)
def colours(ctx: FigureContext) -> dict[str, Any]:
    counts = _colour_counts(ctx)
    return {
        "labels": [str(PortraitColour(c).label) for c in counts],
        "values": list(counts.values()),
        "colours": [COLOUR_HEX[c] for c in counts],
    }

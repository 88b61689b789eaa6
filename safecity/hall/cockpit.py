"""The experience hall in the city cockpit and ``safecity figures`` (issue 17 part 2): the groups
that visited in the year and their visitors (heads counted on arrival), the school off-campus
safety classroom programme's classes and pupils (a school class's people arrived less its
guardians), and panels by month and by group type. Counted from the bookings checked in, for
whoever reaches them: the hall's staff their hall, officials their region's halls."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, F, Sum
from django.db.models.functions import Coalesce, ExtractMonth
from django.utils.translation import gettext_lazy as _

from safecity.core.figures import FigureContext, indicator, panel
from safecity.hall.choices import BookingState, GroupType
from safecity.hall.models import Booking

SECTION = _("Public-safety experience hall")


def _visits(ctx: FigureContext) -> Any:
    return ctx.records(Booking).filter(state=BookingState.ATTENDED, session__date__year=ctx.year)


@indicator("hall.groups", title=_("Groups that visited the hall"), section=SECTION, unit=_("groups"), order=740)
def groups(ctx: FigureContext) -> int:
    return int(_visits(ctx).count())


@indicator("hall.visitors", title=_("Visitors of the hall"), section=SECTION, unit=_("people"), order=741)
def visitors(ctx: FigureContext) -> int:
    return int(_visits(ctx).aggregate(n=Sum("arrived"))["n"] or 0)


@indicator(
    "hall.school_classes",
    title=_("School classes in the off-campus safety classroom"),
    section=SECTION,
    unit=_("classes"),
    order=742,
)
def school_classes(ctx: FigureContext) -> int:
    return int(_visits(ctx).filter(group_type=GroupType.SCHOOL).count())


@indicator("hall.pupils", title=_("Pupils in the off-campus safety classroom"), section=SECTION, unit=_("pupils"), order=743)
def pupils(ctx: FigureContext) -> int:
    rows = _visits(ctx).filter(group_type=GroupType.SCHOOL)
    return int(rows.aggregate(n=Sum(F("arrived") - Coalesce("guardians", 0)))["n"] or 0)


@panel(
    "hall.by_month",
    title=_("Hall visitors by month"),
    section=SECTION,
    template="core/panels/bar.html",
    order=744,
)
def by_month(ctx: FigureContext) -> dict[str, Any]:
    rows = dict(
        _visits(ctx).annotate(m=ExtractMonth("session__date")).values("m").annotate(n=Sum("arrived")).values_list("m", "n")
    )
    labels = [f"{ctx.year}-{m:02d}" for m in range(1, 13)]
    values = [int(rows.get(m) or 0) for m in range(1, 13)]
    groups_per_month = dict(
        _visits(ctx).annotate(m=ExtractMonth("session__date")).values("m").annotate(n=Count("id")).values_list("m", "n")
    )
    return {
        "counts": dict(zip(labels, values, strict=True)),
        "groups": {labels[m - 1]: int(n) for m, n in groups_per_month.items()},
        "labels": labels,
        "values": values,
    }


@panel(
    "hall.by_group_type",
    title=_("Groups that visited the hall, by group type"),
    section=SECTION,
    template="core/panels/bar.html",
    order=745,
)
def by_group_type(ctx: FigureContext) -> dict[str, Any]:
    rows = dict(_visits(ctx).values("group_type").annotate(n=Count("id")).values_list("group_type", "n"))
    labels = [str(label) for _value, label in GroupType.choices]
    values = [int(rows.get(value) or 0) for value in GroupType.values]
    return {"counts": dict(zip(labels, values, strict=True)), "labels": labels, "values": values}

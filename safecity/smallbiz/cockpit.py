"""Small and micro enterprise safety services in the city cockpit and ``safecity figures`` (issue 16
§6), counted from the records: enterprises served (covered by a contract in force in the year),
visits done and done on time in the year, group-purchase contracts in force in the year, and the
ranking of streets by on-time visits."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, F, Q
from django.db.models.functions import TruncDate
from django.utils.translation import gettext_lazy as _

from safecity.core.figures import FigureContext, indicator, panel
from safecity.smallbiz.choices import ContractState, VisitState
from safecity.smallbiz.models import Contract, ContractEnterprise, SmallEnterprise, Visit

SECTION = _("Small and micro enterprise safety services")


def _contracts_in_year(ctx: FigureContext) -> Any:
    return (
        ctx.records(Contract)
        .exclude(state=ContractState.DRAFT)
        .filter(starts_on__year__lte=ctx.year, ends_on__year__gte=ctx.year)
    )


def _done(ctx: FigureContext) -> Any:
    return ctx.records(Visit).filter(state=VisitState.DONE, done_at__year=ctx.year)


@indicator(
    "smallbiz.enterprises", title=_("Small and micro enterprises registered"), section=SECTION, unit=_("enterprises"), order=800
)
def enterprises(ctx: FigureContext) -> int:
    return ctx.records(SmallEnterprise).count()


@indicator("smallbiz.served", title=_("Small and micro enterprises served"), section=SECTION, unit=_("enterprises"), order=801)
def served(ctx: FigureContext) -> int:
    contracts = _contracts_in_year(ctx).values("pk")
    return ctx.records(ContractEnterprise).filter(contract__in=contracts).values("enterprise").distinct().count()


@indicator("smallbiz.visits_done", title=_("Service visits done"), section=SECTION, unit=_("visits"), order=802)
def visits_done(ctx: FigureContext) -> int:
    return _done(ctx).count()


@indicator("smallbiz.visits_on_time", title=_("Service visits done on time"), section=SECTION, unit=_("visits"), order=803)
def visits_on_time(ctx: FigureContext) -> int:
    return _done(ctx).annotate(done_date=TruncDate("done_at")).filter(done_date__lte=F("due_on")).count()


@indicator("smallbiz.contracts", title=_("Group-purchase contracts"), section=SECTION, unit=_("contracts"), order=804)
def contracts(ctx: FigureContext) -> int:
    return _contracts_in_year(ctx).count()


@panel(
    "smallbiz.visits_by_street",
    title=_("Service visits on time by street"),
    section=SECTION,
    template="core/panels/bar.html",
    order=805,
)
def visits_by_street(ctx: FigureContext) -> dict[str, Any]:
    rows = (
        _done(ctx)
        .annotate(done_date=TruncDate("done_at"))
        .values(street=F("enterprise__organisation__region__parent__name"))
        .annotate(n=Count("pk"), on_time=Count("pk", filter=Q(done_date__lte=F("due_on"))))
        .order_by("-on_time", "street")
    )
    return {
        "counts": {r["street"]: r["on_time"] for r in rows},
        "labels": [r["street"] for r in rows],
        "values": [r["on_time"] for r in rows],
    }

"""Core's contribution to the city cockpit: the registry of regions, organisations and people."""

from __future__ import annotations

from typing import Any

from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from safecity.core.choices import OrganisationKind, RegionLevel
from safecity.core.figures import FigureContext, indicator, panel
from safecity.core.models import Organisation, Person, Region

SECTION = _("Registry")


@indicator("core.regions.districts", title=_("Districts and zones"), section=SECTION, unit=_("regions"), order=10)
def districts(ctx: FigureContext) -> int:
    return ctx.records(Region).filter(level__in=[RegionLevel.DISTRICT, RegionLevel.ZONE]).count()


@indicator("core.regions.streets", title=_("Streets and towns"), section=SECTION, unit=_("regions"), order=11)
def streets(ctx: FigureContext) -> int:
    return ctx.records(Region).filter(level=RegionLevel.STREET).count()


@indicator("core.organisations.total", title=_("Organisations"), section=SECTION, unit=_("organisations"), order=20)
def organisations_total(ctx: FigureContext) -> int:
    return ctx.records(Organisation).filter(is_active=True).count()


@indicator("core.organisations.enterprises", title=_("Enterprises"), section=SECTION, unit=_("enterprises"), order=21)
def enterprises(ctx: FigureContext) -> int:
    return ctx.records(Organisation).filter(is_active=True, kind=OrganisationKind.ENTERPRISE).count()


@indicator("core.people.total", title=_("People registered"), section=SECTION, unit=_("people"), order=30)
def people_total(ctx: FigureContext) -> int:
    return ctx.records(Person).filter(is_active=True).count()


@panel("core.organisations.by_kind", title=_("Organisations by kind"), section=SECTION, template="core/panels/bar.html", order=40)
def organisations_by_kind(ctx: FigureContext) -> dict[str, Any]:
    rows = ctx.records(Organisation).filter(is_active=True).values("kind").annotate(n=Count("id")).order_by("-n")
    labels = dict(OrganisationKind.choices)
    return {"labels": [str(labels.get(r["kind"], r["kind"])) for r in rows], "values": [r["n"] for r in rows]}


@panel(
    "core.organisations.by_district",
    title=_("Organisations by district"),
    section=SECTION,
    template="core/panels/bar.html",
    order=41,
)
def organisations_by_district(ctx: FigureContext) -> dict[str, Any]:
    """Counts per direct child region of the cockpit's region (districts, for the city)."""
    children = list(Region.objects.filter(parent=ctx.region).values_list("path", "name"))
    counts = []
    records = ctx.records(Organisation).filter(is_active=True)
    for path, name in children:
        counts.append((name, records.filter(region__path__startswith=path).count()))
    return {"labels": [c[0] for c in counts], "values": [c[1] for c in counts]}


@panel("core.organisations.map", title=_("Organisations on the map"), section=SECTION, template="core/panels/map.html", order=42)
def organisations_map(ctx: FigureContext) -> dict[str, Any]:
    points = (
        ctx.records(Organisation)
        .filter(is_active=True, latitude__isnull=False, longitude__isnull=False)
        .values_list("id", "name", "kind", "latitude", "longitude")[:2000]
    )
    return {"points": [[i, n, k, float(lat), float(lon)] for i, n, k, lat, lon in points]}

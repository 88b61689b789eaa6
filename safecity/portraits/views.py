"""Server-rendered UI of the health portraits: district overview, enterprise portrait, PDF, rescoring.
Thin: selectors read (scoped), services write."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from safecity.core.exports import export_response
from safecity.core.models import Region
from safecity.core.paging import page_of, querystring, year_of
from safecity.core.scoping import CHANGE, can
from safecity.portraits import selectors, services
from safecity.portraits.choices import PortraitColour
from safecity.portraits.filtersets import PortraitFilterSet
from safecity.portraits.scoring import DIMENSIONS

PORTRAIT_COLUMNS = [
    (_("Enterprise"), lambda p: p.organisation.name),
    (_("Region"), lambda p: p.organisation.region.name),
    (_("Year"), lambda p: p.year),
    (_("Score"), lambda p: float(p.score)),
    (_("Colour"), lambda p: str(p.get_colour_display())),
    (_("Forced red"), lambda p: p.forced_red),
    (_("Hidden hazards found"), lambda p: p.hazards_found),
    (_("Hidden hazards closed"), lambda p: p.hazards_closed),
]


def _year(request: HttpRequest, user: Any) -> int:
    year = year_of(request)
    if year is not None:
        return year
    years = selectors.portrait_years(user=user)
    return years[0] if years else timezone.localdate().year


@login_required
def overview(request: HttpRequest) -> HttpResponseBase:
    """The district overview: four-colour distribution, map, and the filtered, exportable list."""
    year = _year(request, request.user)
    params = request.GET.copy()
    params.setdefault("year", str(year))
    filterset = PortraitFilterSet(params, queryset=selectors.portrait_list(user=request.user))
    fmt = request.GET.get("export")
    if fmt in ("csv", "xlsx"):
        columns = [(str(t), g) for t, g in PORTRAIT_COLUMNS]
        return export_response(
            fmt=fmt, filename="health-portraits", columns=columns, objects=filterset.qs.iterator(chunk_size=2000)
        )
    region = Region.objects.filter(code=request.GET.get("region") or "").first()
    data = selectors.district_overview(user=request.user, year=year, region=region)
    # The form shows what the user chose, not the default year (which it names as a placeholder):
    # pressing 筛选 untouched sends nothing and shows no "year" chip (issue 13).
    shown = PortraitFilterSet(request.GET, queryset=filterset.queryset)
    shown.form.fields["year"].widget.attrs["placeholder"] = str(year)
    context = {
        "filter": shown,
        "page": page_of(request, filterset.qs),
        "querystring": querystring(request),
        "year": year,
        "overview": data,
        "chart": json.dumps(data["chart"], ensure_ascii=False),
        "map_data": json.dumps({"points": data["points"]}, ensure_ascii=False),
        "can_rescore": _may_rescore(request.user),
    }
    template = "portraits/portrait_table.html" if request.headers.get("HX-Request") else "portraits/overview.html"
    return render(request, template, context)


def _may_rescore(user: Any) -> bool:
    from safecity.core.scoping import principal_for

    principal = principal_for(user)
    return principal.is_superuser or bool(principal.roles & {"city_admin", "city_official", "district_official"})


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    """An enterprise's portrait: score, colour, radar, deductions with their evidence, trend, peers."""
    portrait = selectors.portrait_get(user=request.user, pk=pk)
    dimensions = {d.dimension: d for d in portrait.dimensions.all()}
    dimension_rows = [
        {"code": spec.code, "title": spec.title, "max": spec.max_points, "points": dimensions[spec.code].points}
        for spec in DIMENSIONS
        if spec.code in dimensions
    ]
    trend = selectors.portrait_trend(user=request.user, organisation_id=portrait.organisation_id)
    peers = selectors.portrait_peers(portrait=portrait)
    radar = {
        "indicators": [{"name": str(r["title"]), "max": r["max"]} for r in dimension_rows],
        "values": [float(r["points"]) for r in dimension_rows],
        "colour": portrait.colour_hex,
    }
    trend_chart = {
        "years": [t["year"] for t in trend],
        "scores": [t["score"] for t in trend],
        "colours": [t["colour_hex"] for t in trend],
    }
    peers_chart = {
        "labels": [str(PortraitColour(c).label) for c in PortraitColour.values],
        "values": list(peers["colours"].values()),
        "colours": ["#d7263d", "#f08a24", "#e6c229", "#1b75bb"],
    }
    return render(
        request,
        "portraits/portrait_detail.html",
        {
            "portrait": portrait,
            "dimension_rows": dimension_rows,
            "deductions": sorted(
                portrait.deductions.all(), key=lambda d: ([s.code for s in DIMENSIONS].index(d.dimension), -d.points)
            ),
            "forced": portrait.forced_reason_rows(),
            "trend": trend,
            "peers": peers,
            "radar": json.dumps(radar, ensure_ascii=False),
            "trend_chart": json.dumps(trend_chart),
            "peers_chart": json.dumps(peers_chart, ensure_ascii=False),
            "can_rescore": can(request.user, portrait, CHANGE),
            "pending": selectors.portrait_rescore_pending(portrait=portrait),
        },
    )


@login_required
def enterprise(request: HttpRequest, organisation_id: int) -> HttpResponse:
    """The latest (or ``?year=``) portrait of an enterprise within reach."""
    year = request.GET.get("year")
    portrait = selectors.portrait_for(
        user=request.user, organisation_id=organisation_id, year=int(year) if year and year.isdigit() else None
    )
    return redirect("portraits:detail", pk=portrait.pk)


@login_required
def pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The Chinese PDF report of a portrait within reach (the district hands it to the enterprise)."""
    from safecity.portraits.pdf import portrait_pdf

    portrait = selectors.portrait_get(user=request.user, pk=pk)
    content = portrait_pdf(
        portrait=portrait,
        trend=selectors.portrait_trend(user=request.user, organisation_id=portrait.organisation_id),
        peers=selectors.portrait_peers(portrait=portrait),
    )
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="portrait-{portrait.organisation_id}-{portrait.year}.pdf"'
    return response


@login_required
@require_POST
def rescore(request: HttpRequest, pk: int) -> HttpResponse:
    """Recompute one portrait now (officials of the enterprise's jurisdiction)."""
    portrait = selectors.portrait_get(user=request.user, pk=pk)
    services.portraits_rescore_by(actor=request.user, year=portrait.year, organisation_id=portrait.organisation_id)
    messages.success(request, _("Portrait recomputed."))
    return redirect("portraits:detail", pk=pk)

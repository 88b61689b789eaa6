"""Every read of the health-portrait app that a user sees; each starts from :func:`scoped`.

Peer comparison returns only aggregates of the district (distribution, mean, the enterprise's
rank and percentile), never another enterprise's name or score, so an enterprise may read it.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Avg, Count, Prefetch, Q, QuerySet
from django.http import Http404

from safecity.core.choices import RegionLevel
from safecity.core.models import Region
from safecity.core.scoping import scoped
from safecity.portraits.choices import COLOUR_HEX, PortraitColour
from safecity.portraits.models import Deduction, Portrait, RescoreRequest

HISTOGRAM_BINS = ((0, 60), (60, 75), (75, 90), (90, 101))


def portrait_list(*, user: Any, filters: dict[str, Any] | None = None) -> QuerySet[Portrait]:
    """Portraits within the user's reach, with enterprise and region (no per-row query)."""
    queryset = scoped(Portrait, user).select_related("organisation", "organisation__region")
    if filters:
        from safecity.portraits.filtersets import PortraitFilterSet

        queryset = PortraitFilterSet(filters, queryset=queryset).qs
    return queryset


def portrait_get(*, user: Any, pk: int) -> Portrait:
    """One portrait within reach with its dimensions and deductions; 404 outside reach."""
    portrait = (
        portrait_list(user=user)
        .prefetch_related("dimensions", Prefetch("deductions", queryset=Deduction.objects.select_related("evidence_type")))
        .filter(pk=pk)
        .first()
    )
    if portrait is None:
        raise Http404
    return portrait


def portrait_for(*, user: Any, organisation_id: int, year: int | None = None) -> Portrait:
    """The enterprise's portrait of ``year`` (latest when None), within reach; 404 otherwise."""
    queryset = portrait_list(user=user).filter(organisation_id=organisation_id)
    if year is not None:
        queryset = queryset.filter(year=year)
    portrait = queryset.order_by("-year").first()
    if portrait is None:
        raise Http404
    return portrait


def portrait_trend(*, user: Any, organisation_id: int) -> list[dict[str, Any]]:
    """The enterprise's score and colour year by year (oldest first), within reach."""
    rows = (
        portrait_list(user=user)
        .filter(organisation_id=organisation_id)
        .order_by("year")
        .values("year", "score", "colour", "forced_red")
    )
    return [{**row, "score": float(row["score"]), "colour_hex": COLOUR_HEX[row["colour"]]} for row in rows]


def district_of(region: Region) -> Region:
    """The district (or county-level city) a region lies in; the region itself above that level."""
    codes = [part for part in region.path.split("/") if part]
    district = (
        Region.objects.filter(code__in=codes, level__in=[RegionLevel.DISTRICT, RegionLevel.ZONE]).order_by("-depth").first()
    )
    return district or region


def min_peers() -> int:
    from django.conf import settings

    return int(getattr(settings, "SAFECITY_PORTRAITS_MIN_PEERS", 5))


def peer_area(portrait: Portrait) -> Region:
    """The area whose portraits of the year an enterprise is compared with (ADR 0011): its district,
    or the next larger area when the district has fewer than ``min_peers()`` portraits, so that the
    aggregates (a mean of two scores, a one-enterprise band) never reveal another enterprise's score."""
    area = district_of(portrait.organisation.region)
    while True:
        count = Portrait.objects.filter(year=portrait.year, organisation__region__path__startswith=area.path).count()
        if count >= min_peers() or area.parent_id is None:
            return area
        parent = Region.objects.filter(pk=area.parent_id).first()
        if parent is None or parent.level == RegionLevel.PROVINCE:
            return area  # the city is the widest comparison
        area = parent


def portrait_peers(*, portrait: Portrait) -> dict[str, Any]:
    """How the enterprise stands among the portraits of the same year in its peer area (ADR 0011).

    The caller has already checked that the user may see ``portrait``; the peers are returned as
    aggregates only (counts per colour and score band, mean, rank and percentile), over an area of
    at least ``min_peers()`` portraits where the city has that many.
    """
    district = peer_area(portrait)
    peers = Portrait.objects.filter(year=portrait.year, organisation__region__path__startswith=district.path)
    agg = peers.aggregate(
        n=Count("id"),
        mean=Avg("score"),
        better=Count("id", filter=Q(score__gt=portrait.score)),
        lower=Count("id", filter=Q(score__lt=portrait.score)),
        **{f"c{c}": Count("id", filter=Q(colour=c)) for c in PortraitColour.values},
        **{f"b{lo}": Count("id", filter=Q(score__gte=lo, score__lt=hi)) for lo, hi in HISTOGRAM_BINS},
    )
    n = agg["n"] or 1
    return {
        "district": {"code": district.code, "name": district.name},
        "year": portrait.year,
        "count": agg["n"],
        "mean": round(float(agg["mean"] or 0), 1),
        "rank": agg["better"] + 1,
        # Share of the district's enterprises scoring below this one (ties count half).
        "percentile": round(100 * (agg["lower"] + (agg["n"] - agg["lower"] - agg["better"] - 1) / 2) / n, 1)
        if agg["n"]
        else None,
        "colours": {c: agg[f"c{c}"] for c in PortraitColour.values},
        "bands": [{"from": lo, "to": min(hi, 100), "count": agg[f"b{lo}"]} for lo, hi in HISTOGRAM_BINS],
        "score": float(portrait.score),
    }


def district_overview(*, user: Any, year: int, region: Region | None = None) -> dict[str, Any]:
    """Colour counts, average score and map points of the portraits of ``year`` within reach."""
    queryset = portrait_list(user=user).filter(year=year)
    if region is not None:
        queryset = queryset.filter(organisation__region__path__startswith=region.path)
    agg = queryset.aggregate(
        n=Count("id"), mean=Avg("score"), **{f"c{c}": Count("id", filter=Q(colour=c)) for c in PortraitColour.values}
    )
    points = [
        [org_id, name, "", float(lat or 0), float(lon or 0), COLOUR_HEX[colour], f"{score}"]
        for org_id, name, lat, lon, colour, score in queryset.filter(
            organisation__latitude__isnull=False, organisation__longitude__isnull=False
        ).values_list(
            "organisation_id", "organisation__name", "organisation__latitude", "organisation__longitude", "colour", "score"
        )[:3000]
    ]
    return {
        "year": year,
        "count": agg["n"],
        "average": round(float(agg["mean"]), 1) if agg["mean"] is not None else None,
        "colours": {c: agg[f"c{c}"] for c in PortraitColour.values},
        "chart": {
            "labels": [str(PortraitColour(c).label) for c in PortraitColour.values],
            "values": [agg[f"c{c}"] for c in PortraitColour.values],
            "colours": [COLOUR_HEX[c] for c in PortraitColour.values],
        },
        "points": points,
    }


def portrait_years(*, user: Any) -> list[int]:
    return list(portrait_list(user=user).order_by("-year").values_list("year", flat=True).distinct())


def portrait_rescore_pending(*, portrait: Portrait) -> RescoreRequest | None:
    """The rescore still to come for this portrait after recent changes (the caller may see the
    portrait), shown next to when the portrait was computed."""
    return (
        RescoreRequest.objects.filter(organisation_id=portrait.organisation_id, year=portrait.year, done_at__isnull=True)
        .order_by("due_at")
        .first()
    )

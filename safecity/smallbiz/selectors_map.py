"""Reads of the district's picture (issue 16): each village within reach as one point at the mean
position of its enterprises, coloured by the share of its done visits that were on time, with its
overdue visits and open hidden hazards.

Everything goes through the scoped selectors (:func:`selectors.enterprise_list`,
:func:`selectors.visit_list`) and :func:`safecity.core.scoping.scoped`, so the map shows what the
lists show. Three grouped queries whatever the number of villages.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Avg, Count, F, Q
from django.db.models.functions import TruncDate
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from safecity.core.scoping import scoped
from safecity.hazards.choices import OPEN_STATES
from safecity.hazards.models import HiddenHazard
from safecity.smallbiz import selectors
from safecity.smallbiz.choices import VisitState
from safecity.smallbiz.services.common import today


@dataclass(frozen=True)
class Band:
    """A colour band of the on-time share: a code (for the page's script), words, a colour."""

    code: str
    label: Promise
    colour: str
    floor: float | None  # the lowest share in the band; None: no visit done yet


GOOD = Band("good", _("Nine in ten visits or more on time"), "#2e7d32", 0.9)
FAIR = Band("fair", _("Seven to nine in ten visits on time"), "#ef6c00", 0.7)
POOR = Band("poor", _("Fewer than seven in ten visits on time"), "#c62828", 0.0)
NONE = Band("none", _("No visit done yet"), "#78909c", None)
BANDS: tuple[Band, ...] = (GOOD, FAIR, POOR, NONE)


def band_of(rate: float | None) -> Band:
    if rate is None:
        return NONE
    for band in (GOOD, FAIR, POOR):
        if band.floor is not None and rate >= band.floor:
            return band
    return POOR


def village_points(*, user: Any) -> dict[str, Any]:
    """The villages ``user`` reaches that have enterprises with coordinates, as a GeoJSON
    FeatureCollection: each at the mean position of its enterprises; properties: name, street,
    enterprises, visits done, on time, the on-time share and its band (words and colour), visits
    overdue, open hidden hazards, and the link to the village's supervision page."""
    places = (
        selectors.enterprise_list(user=user)
        .exclude(Q(organisation__latitude__isnull=True) | Q(organisation__longitude__isnull=True))
        .order_by()
        .values(
            code=F("organisation__region__code"),
            name=F("organisation__region__name"),
            street=F("organisation__region__parent__name"),
        )
        .annotate(lat=Avg("organisation__latitude"), lon=Avg("organisation__longitude"), enterprises=Count("pk"))
        .order_by("code")
    )
    day = today()
    visits = {
        row["code"]: row
        for row in selectors.visit_list(user=user)
        .annotate(done_date=TruncDate("done_at"))
        .order_by()
        .values(code=F("enterprise__organisation__region__code"))
        .annotate(
            done=Count("pk", filter=Q(state=VisitState.DONE)),
            timely=Count("pk", filter=Q(state=VisitState.DONE, done_date__lte=F("due_on"))),
            overdue=Count("pk", filter=Q(state=VisitState.SCHEDULED, due_on__lt=day)),
        )
    }
    hazards = dict(
        scoped(HiddenHazard, user)
        .filter(organisation__small_enterprise__isnull=False, state__in=OPEN_STATES)
        .order_by()
        .values("organisation__region__code")
        .annotate(n=Count("pk"))
        .values_list("organisation__region__code", "n")
    )
    link = reverse("smallbiz:supervision")
    features = []
    for place in places:
        v = visits.get(place["code"], {})
        done, on_time = v.get("done", 0), v.get("timely", 0)
        rate = round(on_time / done, 3) if done else None
        band = band_of(rate)
        features.append(
            {
                "type": "Feature",
                # GeoJSON is longitude first (RFC 7946 §3.1.1).
                "geometry": {"type": "Point", "coordinates": [round(float(place["lon"]), 6), round(float(place["lat"]), 6)]},
                "properties": {
                    "name": place["name"],
                    "street": place["street"] or "",
                    "enterprises": place["enterprises"],
                    "done": done,
                    "on_time": on_time,
                    "on_time_percent": round(rate * 100) if rate is not None else None,
                    "band": band.code,
                    "band_label": str(band.label),
                    "colour": band.colour,
                    "overdue": v.get("overdue", 0),
                    "hazards": hazards.get(place["code"], 0),
                    "url": f"{link}?region={place['code']}",
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}

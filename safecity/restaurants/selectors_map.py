"""Reads of the restaurant street map (issue 15 §5): each restaurant within reach as a point in the
colour of where it stands in the gas programme, and the programme's progress street by street and
district by district.

Everything goes through :func:`safecity.restaurants.selectors.restaurant_list` (the points) and
:func:`safecity.restaurants.selectors.progress` (the figures), so the map, the list, the campaign
pages and the API cannot differ in what they show. A fixed number of queries whatever the number of
restaurants: the points are one query (the status worked out by the database), the progress the
selector's own aggregates plus one grouped count of the restaurants that have no coordinates.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Case, CharField, Count, Exists, OuterRef, Q, QuerySet, Value, When
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from safecity.core.models import Region
from safecity.core.scoping import scoped
from safecity.hazards.choices import OPEN_STATES
from safecity.restaurants.choices import ConversionStep, ConversionTarget, KitchenFuel
from safecity.restaurants.models import Campaign, CrossCheckFlag, Restaurant
from safecity.restaurants.selectors import Progress, ProgressRow, progress, restaurant_list


@dataclass(frozen=True)
class MapStatus:
    """Where a restaurant stands, as the map draws it: a code (for the page's script), words, a colour."""

    code: str
    label: Promise
    colour: str


# In the legend's order. The colours tell the five apart at a glance; the words say what they are
# (the legend, the popup), so nothing rests on colour alone.
CYLINDERS = MapStatus("cylinders", _("Still on cylinders, not in a campaign"), "#c62828")
PROGRAMME = MapStatus("programme", _("In the programme (survey, plan or construction)"), "#ef6c00")
PIPE = MapStatus("pipe", _("Converted: piped gas"), "#0b5cad")
ELECTRIC = MapStatus("electric", _("Converted: electric"), "#2e7d32")
SAFETY_DEVICES = MapStatus("safety_devices", _("Cannot convert: stays on cylinders with safety devices"), "#6a1b9a")
STATUSES: tuple[MapStatus, ...] = (CYLINDERS, PROGRAMME, PIPE, ELECTRIC, SAFETY_DEVICES)
BY_CODE = {status.code: status for status in STATUSES}

# A restaurant with an open cross-check finding: ringed in this colour, with a thicker line.
FLAG_COLOUR = "#111111"
FLAG_LABEL = _("Open cross-check finding (ringed in black)")

_ACCEPTED = Q(conversion__accepted_on__isnull=False)

# The status, worked out by the database in the points query. A conversion says more than the
# kitchen fuel: the safety-device track is terminal, an accepted conversion is converted (to what
# its plan says, else to what the kitchen cooks with now), any other conversion is under way. A
# restaurant in no campaign is where its kitchen fuel puts it (a kitchen on piped gas or electric
# before the programme started counts with the converted ones).
STATUS_SQL = Case(
    When(conversion__step=ConversionStep.SAFETY_DEVICES, then=Value(SAFETY_DEVICES.code)),
    When(_ACCEPTED & Q(conversion__target=ConversionTarget.ELECTRIC), then=Value(ELECTRIC.code)),
    When(_ACCEPTED & Q(conversion__target=ConversionTarget.PIPE), then=Value(PIPE.code)),
    When(_ACCEPTED & Q(fuel=KitchenFuel.ELECTRIC), then=Value(ELECTRIC.code)),
    When(_ACCEPTED, then=Value(PIPE.code)),
    When(conversion__isnull=False, then=Value(PROGRAMME.code)),
    When(fuel=KitchenFuel.PIPED_GAS, then=Value(PIPE.code)),
    When(fuel=KitchenFuel.ELECTRIC, then=Value(ELECTRIC.code)),
    default=Value(CYLINDERS.code),
    output_field=CharField(),
)

NO_LOCATION = Q(organisation__latitude__isnull=True) | Q(organisation__longitude__isnull=True)


def _restaurants(*, user: Any, region: Region | None, campaign: Campaign | None) -> QuerySet[Restaurant]:
    queryset = restaurant_list(user=user, filters={"region": region})
    if campaign is not None:
        queryset = queryset.filter(conversion__campaign=campaign)
    return queryset


def _open_flag(user: Any) -> Exists:
    """Has the restaurant a cross-check finding still open: its hidden hazard not raised yet, or raised
    and not closed (accepted or withdrawn)."""
    flags = scoped(CrossCheckFlag, user).filter(restaurant=OuterRef("pk"))
    return Exists(flags.filter(Q(hazard__isnull=True) | Q(hazard__state__in=OPEN_STATES)))


def map_points(*, user: Any, region: Region | None = None, campaign: Campaign | None = None) -> dict[str, Any]:
    """The restaurants ``user`` may see that have coordinates, as a GeoJSON FeatureCollection (one
    query). Each feature's properties: the name, the street, the status (code, words and colour),
    the conversion step in words, whether a cross-check finding is open, and the restaurant's page.

    ``region``: that district or street and everything under it; ``campaign``: that campaign's
    restaurants only (the same filters as :func:`map_progress`)."""
    rows = (
        _restaurants(user=user, region=region, campaign=campaign)
        .exclude(NO_LOCATION)
        .annotate(map_status=STATUS_SQL, flagged=_open_flag(user))
        .values(
            "pk",
            "organisation__name",
            "organisation__region__name",
            "organisation__latitude",
            "organisation__longitude",
            "conversion__step",
            "map_status",
            "flagged",
        )
    )
    not_in_campaign = str(_("Not in a campaign"))
    steps = {code: str(label) for code, label in ConversionStep.choices}
    labels = {status.code: str(status.label) for status in STATUSES}
    link = reverse("restaurants:detail", args=[0]).removesuffix("0/")
    features = [
        {
            "type": "Feature",
            # GeoJSON is longitude first (RFC 7946 §3.1.1).
            "geometry": {
                "type": "Point",
                "coordinates": [float(row["organisation__longitude"]), float(row["organisation__latitude"])],
            },
            "properties": {
                "id": row["pk"],
                "name": row["organisation__name"],
                "street": row["organisation__region__name"],
                "status": row["map_status"],
                "status_label": labels[row["map_status"]],
                "colour": BY_CODE[row["map_status"]].colour,
                "step_label": steps.get(row["conversion__step"] or "", not_in_campaign),
                "flagged": bool(row["flagged"]),
                "url": f"{link}{row['pk']}/",
            },
        }
        for row in rows
    ]
    return {"type": "FeatureCollection", "features": features}


@dataclass
class ProgressLine:
    """One line of the map's progress table: the programme's figures (``row``) and how many of the
    restaurants there have no coordinates (counted in ``row``, not drawn on the map)."""

    row: ProgressRow
    not_on_map: int = 0


@dataclass
class MapProgress:
    """The progress table beside the map: per district, per street, in all; and the restaurants that
    are counted but not on the map (``unlocated``, the first few, with ``not_on_map`` in all)."""

    districts: list[ProgressLine]
    streets: list[ProgressLine]
    total: ProgressLine
    unlocated: list[dict[str, Any]] = field(default_factory=list)

    @property
    def not_on_map(self) -> int:
        return self.total.not_on_map


UNLOCATED_SHOWN = 20


def map_progress(*, user: Any, region: Region | None = None, campaign: Campaign | None = None) -> MapProgress:
    """How far the programme has come within ``user``'s reach, per district and per street, with the
    same filters as :func:`map_points` (the figures are :func:`selectors.progress`'s), and how many
    restaurants have no coordinates, per street (one grouped count) and the first few by name."""
    figures: Progress = progress(user=user, region=region, campaign=campaign)
    restaurants = _restaurants(user=user, region=region, campaign=campaign).filter(NO_LOCATION)
    per_street = dict(
        restaurants.order_by()
        .values("organisation__region__code")
        .annotate(n=Count("id"))
        .values_list("organisation__region__code", "n")
    )
    streets = [ProgressLine(row=row, not_on_map=per_street.get(row.code, 0)) for row in figures.streets]
    per_district: dict[str, int] = {}
    for line in streets:
        per_district[line.row.district_code] = per_district.get(line.row.district_code, 0) + line.not_on_map
    districts = [ProgressLine(row=row, not_on_map=per_district.get(row.code, 0)) for row in figures.districts]
    unlocated: list[dict[str, Any]] = [
        dict(row) for row in restaurants.values("pk", "organisation__name", "organisation__region__name")[:UNLOCATED_SHOWN]
    ]
    return MapProgress(
        districts=districts,
        streets=streets,
        total=ProgressLine(row=figures.total, not_on_map=sum(per_street.values())),
        unlocated=unlocated,
    )


def empty_progress() -> MapProgress:
    """The table when the filters name nothing within reach (an unknown district or street)."""
    return MapProgress(districts=[], streets=[], total=ProgressLine(row=ProgressRow(code="", name="")))

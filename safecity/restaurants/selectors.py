"""Reads of restaurant gas safety, all through :func:`safecity.core.scoping.scoped`.

Who sees what (``Restaurant.scope_rule``): the city officials every restaurant; a district
official and an inspector the restaurants on the streets of their jurisdiction; a restaurant's own
people their own record; procurators, fire officers, experts and outsiders none. Lists, details,
exports and the API read through these functions, so they cannot differ in what they show.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, F, Q, QuerySet, Sum
from django.http import Http404

from safecity.core.models import Region
from safecity.core.scoping import scoped
from safecity.restaurants.choices import ConversionStep, ConversionTarget, KitchenFuel
from safecity.restaurants.models import Campaign, Conversion, ConversionEvent, Restaurant

FILTERS = frozenset({"region", "fuel", "supplier", "q"})


def restaurant_list(*, user: Any, filters: dict[str, Any] | None = None) -> QuerySet[Restaurant]:
    """The restaurants ``user`` may see, with their organisation, street and supplier (one query).

    ``filters`` (empty values ignored): ``region`` a Region (its whole subtree), ``fuel`` a
    KitchenFuel code, ``supplier`` a filling unit (or its id), ``q`` part of the name or of the
    unified social credit code."""
    filters = {k: v for k, v in (filters or {}).items() if v not in (None, "")}
    unknown = set(filters) - FILTERS
    if unknown:
        raise TypeError(f"restaurant_list has no filter {sorted(unknown)}")
    queryset = scoped(Restaurant, user).select_related("organisation__region", "supplier")
    region = filters.get("region")
    if isinstance(region, Region):
        queryset = queryset.filter(organisation__region__path__startswith=region.path)
    elif region is not None:
        raise TypeError("the region filter takes a Region")
    if "fuel" in filters:
        queryset = queryset.filter(fuel=filters["fuel"])
    if "supplier" in filters:
        queryset = queryset.filter(supplier=filters["supplier"])
    if "q" in filters:
        text = str(filters["q"]).strip()
        queryset = queryset.filter(Q(organisation__name__icontains=text) | Q(organisation__credit_code__icontains=text))
    return queryset.order_by("organisation__name", "id")


def restaurant_get(*, user: Any, pk: int) -> Restaurant:
    """One restaurant ``user`` may see; Http404 otherwise (a restaurant out of reach does not exist for them)."""
    restaurant = restaurant_list(user=user).filter(pk=pk).first()
    if restaurant is None:
        raise Http404
    return restaurant


# --- the conversion programme --------------------------------------------------------------------


def campaign_list(*, user: Any) -> QuerySet[Campaign]:
    """The campaigns ``user`` may see (``Campaign.scope_rule``: the officials and inspectors whose
    jurisdiction holds the campaign's street or area), with their region, latest deadline first."""
    return scoped(Campaign, user).select_related("region").order_by("-deadline", "name", "id")


def campaign_get(*, user: Any, pk: int) -> Campaign:
    """One campaign ``user`` may see; Http404 otherwise."""
    campaign = campaign_list(user=user).filter(pk=pk).first()
    if campaign is None:
        raise Http404
    return campaign


def conversion_list(*, user: Any) -> QuerySet[Conversion]:
    """The conversions ``user`` may see (the restaurant's scope: its street's officials and
    inspectors, its own people), with the restaurant, its street and district, and the campaign
    (one query for a page)."""
    return (
        scoped(Conversion, user)
        .select_related("restaurant__organisation__region__parent", "campaign")
        .order_by("campaign__name", "restaurant__organisation__name", "id")
    )


def conversion_get(*, user: Any, pk: int) -> Conversion:
    """One conversion ``user`` may see; Http404 otherwise."""
    conversion = conversion_list(user=user).filter(pk=pk).first()
    if conversion is None:
        raise Http404
    return conversion


def conversion_events(conversion: Conversion) -> QuerySet[ConversionEvent]:
    """The conversion's timeline, oldest first (whoever may see the conversion sees its steps)."""
    return ConversionEvent.objects.filter(conversion=conversion).order_by("at", "id")


@dataclass
class ProgressRow:
    """The programme's figures for one street, one district or the whole reach.

    ``restaurants`` are the registered restaurants there, ``on_bottled_lpg`` those still cooking
    with cylinders; the other counts are of the restaurants in the programme (one conversion each):
    surveyed, planned to pipe / to electric, on the safety-device track, accepted as converted
    (``converted_pipe`` / ``converted_electric``, in ``year`` when given), and the subsidy paid
    (yuan, the conversions whose subsidy step is paid)."""

    code: str
    name: str
    district_code: str = ""
    district_name: str = ""
    restaurants: int = 0
    on_bottled_lpg: int = 0
    in_programme: int = 0
    surveyed: int = 0
    planned_pipe: int = 0
    planned_electric: int = 0
    safety_devices: int = 0
    converted_pipe: int = 0
    converted_electric: int = 0
    subsidy_paid: Decimal = field(default_factory=lambda: Decimal("0.00"))

    @property
    def converted(self) -> int:
        return self.converted_pipe + self.converted_electric

    @property
    def percent_converted(self) -> Decimal | None:
        """Converted as a share of the restaurants in the programme (None when none is in it)."""
        if not self.in_programme:
            return None
        return (Decimal(100 * self.converted) / self.in_programme).quantize(Decimal("0.1"))

    def add(self, other: ProgressRow) -> None:
        for name in COUNTED:
            setattr(self, name, getattr(self, name) + getattr(other, name))


COUNTED = (
    "restaurants", "on_bottled_lpg", "in_programme", "surveyed", "planned_pipe", "planned_electric", "safety_devices",
    "converted_pipe", "converted_electric", "subsidy_paid",
)  # fmt: skip


@dataclass
class Progress:
    """Per street, per district and in all (``total``) within the user's reach."""

    streets: list[ProgressRow]
    districts: list[ProgressRow]
    total: ProgressRow
    year: int | None = None


def progress(*, user: Any, region: Region | None = None, year: int | None = None, campaign: Campaign | None = None) -> Progress:
    """How far the conversion programme has come, street by street and district by district, from
    the records (two aggregate queries grouped by street, and one for the streets' names; never a
    query per restaurant).

    ``region``: that region and everything under it; ``year``: acceptances (converted counts) in
    that year only, by ``accepted_on``; ``campaign``: that campaign's restaurants only. Scoped as
    the lists are (``Restaurant.scope_rule``, ``Conversion.scope_rule``)."""
    restaurants = scoped(Restaurant, user)
    conversions = scoped(Conversion, user)
    if region is not None:
        restaurants = restaurants.filter(organisation__region__path__startswith=region.path)
        conversions = conversions.filter(restaurant__organisation__region__path__startswith=region.path)
    if campaign is not None:
        restaurants = restaurants.filter(conversion__campaign=campaign)
        conversions = conversions.filter(campaign=campaign)
    accepted = Q(accepted_on__isnull=False)
    if year is not None:
        accepted &= Q(accepted_on__year=year)
    per_street: dict[int, dict[str, Any]] = {}
    for row in (
        restaurants.order_by()
        .values("organisation__region_id")
        .annotate(restaurants=Count("id"), on_bottled_lpg=Count("id", filter=Q(fuel=KitchenFuel.BOTTLED_LPG)))
    ):
        per_street.setdefault(row.pop("organisation__region_id"), {}).update(row)
    for row in (
        conversions.order_by()
        .values("restaurant__organisation__region_id")
        .annotate(
            in_programme=Count("id"),
            surveyed=Count("id", filter=Q(surveyed_on__isnull=False)),
            planned_pipe=Count("id", filter=Q(target=ConversionTarget.PIPE)),
            planned_electric=Count("id", filter=Q(target=ConversionTarget.ELECTRIC)),
            safety_devices=Count("id", filter=Q(step=ConversionStep.SAFETY_DEVICES)),
            converted_pipe=Count("id", filter=accepted & Q(target=ConversionTarget.PIPE)),
            converted_electric=Count("id", filter=accepted & Q(target=ConversionTarget.ELECTRIC)),
            subsidy_paid=Sum("subsidy_amount", filter=Q(step=ConversionStep.SUBSIDY_PAID)),
        )
    ):
        per_street.setdefault(row.pop("restaurant__organisation__region_id"), {}).update(row)
    regions = Region.objects.filter(pk__in=per_street).select_related("parent").order_by("path")
    streets: list[ProgressRow] = []
    districts: dict[str, ProgressRow] = {}
    total = ProgressRow(code="", name="")
    for street in regions:
        parent = street.parent
        figures = {k: v for k, v in per_street[street.pk].items() if v is not None}
        row = ProgressRow(
            code=street.code,
            name=street.name,
            district_code=parent.code if parent else "",
            district_name=parent.name if parent else "",
            **figures,
        )
        row.subsidy_paid = Decimal(row.subsidy_paid).quantize(Decimal("0.01"))
        streets.append(row)
        district = districts.setdefault(row.district_code, ProgressRow(code=row.district_code, name=row.district_name))
        district.add(row)
        total.add(row)
    return Progress(streets=streets, districts=list(districts.values()), total=total, year=year)


# --- gas-leak alarms -----------------------------------------------------------------------------


def leak_list(*, user: Any, state: str = "") -> QuerySet[Any]:
    """The gas-leak alarms ``user`` may see (the restaurant's scope), open ones first, newest first.
    ``state``: ``open`` (not dispositioned), ``overdue`` (open past the deadline), ``closed``."""
    from django.utils import timezone

    from safecity.restaurants.models import LeakAlarm

    queryset = scoped(LeakAlarm, user).select_related("restaurant__organisation__region", "alarm__device", "disposed_by")
    if state == "open":
        queryset = queryset.filter(disposed_at__isnull=True)
    elif state == "overdue":
        queryset = queryset.filter(disposed_at__isnull=True, due_at__lte=timezone.now())
    elif state == "closed":
        queryset = queryset.filter(disposed_at__isnull=False)
    return queryset.order_by(F("disposed_at").desc(nulls_first=True), "-fired_at", "-id")


def leak_get(*, user: Any, pk: int) -> Any:
    """One gas-leak alarm ``user`` may see; Http404 otherwise."""
    leak = leak_list(user=user).filter(pk=pk).first()
    if leak is None:
        raise Http404
    return leak

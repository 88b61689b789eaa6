"""Filters of the restaurant lists (registry, conversions, campaigns), shared by the UI and the API
(built from ``core.filtering``: selects start at "全部", ids and region codes are pickers)."""

from __future__ import annotations

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from safecity.core.filtering import ChoiceFilter, OrganisationFilter, RegionFilter, StaticFormFilterSet, region_path_of
from safecity.core.ids import IdFilter
from safecity.restaurants.choices import ConversionStep, ConversionTarget, KitchenFuel
from safecity.restaurants.models import Campaign, Conversion, Restaurant


def _in_region(queryset: QuerySet, lookup: str, value: str) -> QuerySet:
    """``value`` is a division code: the region and everything under it (an unknown code: nothing)."""
    value = (value or "").strip()
    if not value:
        return queryset
    path = region_path_of(value)
    if path is None:
        return queryset.none()
    return queryset.filter(**{f"{lookup}__startswith": path})


class RestaurantFilterSet(StaticFormFilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    fuel = ChoiceFilter(label=_("Kitchen fuel"), choices=KitchenFuel.choices)
    region = RegionFilter(label=_("Region (and everything under it)"), method="in_region")
    supplier = OrganisationFilter(label=_("Contracted supplier"), field_name="supplier_id", lookup_params="kind=filling_unit")

    class Meta:
        model = Restaurant
        fields = ["q", "fuel", "region", "supplier"]

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(organisation__name__icontains=value)
            | Q(organisation__credit_code__icontains=value)
            | Q(organisation__address__icontains=value)
        )

    def in_region(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return _in_region(queryset, "organisation__region__path", value)


class ConversionFilterSet(StaticFormFilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    step = ChoiceFilter(label=_("Conversion step"), choices=ConversionStep.choices)
    target = ChoiceFilter(label=_("Converts to"), choices=ConversionTarget.choices)
    campaign = IdFilter(label=_("Conversion campaign"), field_name="campaign_id")
    region = RegionFilter(label=_("Region (and everything under it)"), method="in_region")

    class Meta:
        model = Conversion
        fields = ["q", "step", "target", "campaign", "region"]

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(restaurant__organisation__name__icontains=value)
            | Q(restaurant__organisation__credit_code__icontains=value)
            | Q(restaurant__organisation__address__icontains=value)
        )

    def in_region(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return _in_region(queryset, "restaurant__organisation__region__path", value)


class CampaignFilterSet(StaticFormFilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    region = RegionFilter(label=_("Region (and everything under it)"), method="in_region")

    class Meta:
        model = Campaign
        fields = ["q", "region"]

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(description__icontains=value))

    def in_region(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return _in_region(queryset, "region__path", value)

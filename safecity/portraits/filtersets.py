"""Filters of the portrait list, shared by the UI and the API."""

from __future__ import annotations

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from safecity.core.filtering import RegionFilter, StaticFormFilterSet, TypedChoiceFilter, YesNoFilter, region_path_of
from safecity.portraits.choices import PortraitColour
from safecity.portraits.models import Portrait


class PortraitFilterSet(StaticFormFilterSet):
    q = django_filters.CharFilter(label=_("Enterprise"), field_name="organisation__name", lookup_expr="icontains")
    year = django_filters.NumberFilter(label=_("Year"))
    colour = TypedChoiceFilter(label=_("Colour"), choices=PortraitColour.choices, coerce=int)
    region = RegionFilter(label=_("Region (and everything under it)"), method="in_region")
    forced_red = YesNoFilter(label=_("Forced red"))

    class Meta:
        model = Portrait
        fields = ["q", "year", "colour", "region", "forced_red"]

    def in_region(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        path = region_path_of(value.strip())
        if path is None:
            return queryset.none()
        return queryset.filter(organisation__region__path__startswith=path)

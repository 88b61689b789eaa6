"""Filters of the hazard supervision list and the registry, shared by the UI and the API."""

from __future__ import annotations

from collections.abc import Callable

import django_filters
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safecity.core.filtering import (
    OrganisationFilter,
    RegionFilter,
    StaticFormFilterSet,
    TypedChoiceFilter,
    YesNoFilter,
    region_path_of,
)
from safecity.hazards.choices import HazardLevel, HazardSource, HazardState, HazardType, RiskLevel
from safecity.hazards.models import HiddenHazard, RiskEvent


def _in_region(queryset: QuerySet, value: str, path_of: Callable[[str], str | None] = region_path_of) -> QuerySet:
    value = (value or "").strip()
    if not value:
        return queryset
    path = path_of(value)
    if path is None:
        return queryset.none()
    # Hidden hazards carry their enterprise's region path on the row (hazards/db.py): no joins.
    column = "region_path" if queryset.model is HiddenHazard else "organisation__region__path"
    return queryset.filter(**{f"{column}__startswith": path})


class HiddenHazardFilterSet(StaticFormFilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    level = TypedChoiceFilter(label=_("Hazard level"), choices=HazardLevel.choices, coerce=int)
    state = TypedChoiceFilter(label=_("State"), choices=HazardState.choices, coerce=int)
    source = TypedChoiceFilter(label=_("Source"), choices=HazardSource.choices, coerce=int)
    hazard_type = TypedChoiceFilter(label=_("Type"), choices=HazardType.choices, coerce=int)
    region = RegionFilter(label=_("Region (and everything under it)"), method="in_region")
    organisation = OrganisationFilter(label=_("Organisation"), field_name="organisation_id")
    overdue = YesNoFilter(label=_("Overdue"), method="only_overdue")
    discovered_from = django_filters.DateFilter(label=_("Discovered from"), field_name="discovered_at", lookup_expr="date__gte")
    discovered_to = django_filters.DateFilter(label=_("Discovered until"), field_name="discovered_at", lookup_expr="date__lte")

    class Meta:
        model = HiddenHazard
        fields = [
            "q",
            "level",
            "state",
            "source",
            "hazard_type",
            "region",
            "organisation",
            "overdue",
            "discovered_from",
            "discovered_to",
        ]

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(code__iexact=value) | Q(description__icontains=value) | Q(organisation__name__icontains=value))

    def in_region(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return _in_region(queryset, value, self.region_path)

    def region_path(self, code: str) -> str | None:
        """:func:`region_path_of`, looked up once per filterset: the list and its count
        (``selectors.hazard_count``) both need it."""
        paths: dict[str, str | None] = self.__dict__.setdefault("_region_paths", {})
        if code not in paths:
            paths[code] = region_path_of(code)
        return paths[code]

    def only_overdue(self, queryset: QuerySet, name: str, value: bool | None) -> QuerySet:
        if value is None:
            return queryset
        overdue = Q(state__in=[HazardState.TO_CONFIRM, HazardState.RECTIFYING], deadline__lt=timezone.localdate())
        return queryset.filter(overdue) if value else queryset.exclude(overdue)


class RiskEventFilterSet(StaticFormFilterSet):
    current_level = TypedChoiceFilter(label=_("Current level"), choices=RiskLevel.choices, coerce=int)
    region = RegionFilter(label=_("Region (and everything under it)"), method="in_region")
    organisation = OrganisationFilter(label=_("Organisation"), field_name="organisation_id")

    class Meta:
        model = RiskEvent
        fields = ["current_level", "region", "organisation"]

    def in_region(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return _in_region(queryset, value)

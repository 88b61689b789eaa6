"""Filters of the triage queue, shared by the UI and the API (built from ``core.filtering``)."""

from __future__ import annotations

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from safecity.citizenreports.choices import ReportState
from safecity.citizenreports.models import CitizenReport, receipt_normalise
from safecity.core.filtering import ChoiceFilter, RegionFilter, StaticFormFilterSet, region_path_of
from safecity.core.scoping import ancestor_paths


class ReportFilterSet(StaticFormFilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    district = RegionFilter(label=_("District"), method="in_district")
    state = ChoiceFilter(label=_("State"), choices=ReportState.choices)
    year = django_filters.NumberFilter(label=_("Year reported"), field_name="submitted_at__year", min_value=1900, max_value=2100)

    class Meta:
        model = CitizenReport
        fields = ["q", "district", "state", "year"]

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        if not value:
            return queryset
        q = Q(description__icontains=value) | Q(place__icontains=value)
        code = receipt_normalise(value)
        if len(code) >= 4:
            q |= Q(receipt_code__startswith=code)
        return queryset.filter(q)

    def in_district(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = (value or "").strip()
        if not value:
            return queryset
        path = region_path_of(value)
        if path is None:
            return queryset.none()
        # A district, or a street in it: the reports whose district is under it or contains it.
        return queryset.filter(Q(district__path__startswith=path) | Q(district__path__in=ancestor_paths(path)))

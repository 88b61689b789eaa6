"""Filters of the invitation lists, shared by the UI and the API (built from ``core.filtering``)."""

from __future__ import annotations

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from safecity.core.filtering import ChoiceFilter, OrganisationFilter, RegionFilter, StaticFormFilterSet, region_path_of
from safecity.invitations.choices import InvitationState
from safecity.invitations.models import Finding, Invitation


class InvitationFilterSet(StaticFormFilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    state = ChoiceFilter(label=_("State"), choices=InvitationState.choices)
    authority = OrganisationFilter(label=_("Authority"), field_name="authority_id")
    association = OrganisationFilter(label=_("Trade association"), field_name="association_id")
    region = RegionFilter(label=_("Region (and everything under it)"), method="in_region")
    year = django_filters.NumberFilter(label=_("Year invited"), field_name="invited_on__year", min_value=1900, max_value=2100)

    class Meta:
        model = Invitation
        fields = ["q", "state", "authority", "association", "region", "year"]

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(enterprise__name__icontains=value) | Q(enterprise__credit_code__icontains=value) | Q(topic__icontains=value)
        )

    def in_region(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = (value or "").strip()
        if not value:
            return queryset
        path = region_path_of(value)
        if path is None:
            return queryset.none()
        return queryset.filter(enterprise__region__path__startswith=path)


class ReferralFilterSet(StaticFormFilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")

    class Meta:
        model = Finding
        fields = ["q"]

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(invitation__enterprise__name__icontains=value)
            | Q(hazard__code__icontains=value)
            | Q(hazard__description__icontains=value)
        )

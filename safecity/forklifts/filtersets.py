"""Filters of the forklift lists, shared by the UI and the API (built from ``core.filtering``)."""

from __future__ import annotations

from datetime import timedelta

import django_filters
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safecity.core.filtering import ChoiceFilter, OrganisationFilter, RegionFilter, StaticFormFilterSet, region_path_of
from safecity.forklifts import compliance
from safecity.forklifts.choices import (
    CertificateStatus,
    CheckKind,
    ForkliftStatus,
    InspectionStatus,
    RegistrationStatus,
    VehicleType,
)
from safecity.forklifts.models import Forklift, Operator, SafetyCheck

INSPECTION_CHOICES = [(c.value, c.label) for c in (InspectionStatus.OVERDUE, InspectionStatus.DUE_SOON, InspectionStatus.OK)]
REGISTRATION_CHOICES = [
    (RegistrationStatus.OVERDUE.value, RegistrationStatus.OVERDUE.label),
    (RegistrationStatus.PENDING.value, RegistrationStatus.PENDING.label),
    (RegistrationStatus.LATE.value, RegistrationStatus.LATE.label),
    ("registered", _("Registered")),
]


def _in_region(queryset: QuerySet, value: str) -> QuerySet:
    value = (value or "").strip()
    if not value:
        return queryset
    path = region_path_of(value)
    if path is None:
        return queryset.none()
    return queryset.filter(organisation__region__path__startswith=path)


class ForkliftFilterSet(StaticFormFilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    status = ChoiceFilter(label=_("Status"), choices=ForkliftStatus.choices)
    vehicle_type = ChoiceFilter(label=_("Vehicle type"), choices=VehicleType.choices)
    inspection = ChoiceFilter(label=_("Periodic inspection"), choices=INSPECTION_CHOICES, method="by_inspection")
    registration = ChoiceFilter(label=_("Use registration"), choices=REGISTRATION_CHOICES, method="by_registration")
    organisation = OrganisationFilter(label=_("Enterprise"), field_name="organisation_id")
    region = RegionFilter(label=_("Region (and everything under it)"), method="in_region")

    class Meta:
        model = Forklift
        fields = ["q", "status", "vehicle_type", "inspection", "registration", "organisation", "region"]

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(number__icontains=value) | Q(product_number__icontains=value) | Q(registration_number__icontains=value)
            | Q(organisation__name__icontains=value)
        )  # fmt: skip

    def by_inspection(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        today = timezone.localdate()
        active = queryset.exclude(status=ForkliftStatus.SCRAPPED)
        if value == InspectionStatus.OVERDUE:
            return active.filter(Q(next_inspection_on__lt=today) | Q(next_inspection_on__isnull=True))
        if value == InspectionStatus.DUE_SOON:
            return active.filter(next_inspection_on__gte=today, next_inspection_on__lte=compliance.add_months(today, 1))
        if value == InspectionStatus.OK:
            return active.filter(next_inspection_on__gt=compliance.add_months(today, 1))
        return queryset

    def by_registration(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        deadline = timezone.localdate() - timedelta(days=compliance.REGISTRATION_DAYS)
        if value == RegistrationStatus.OVERDUE:
            return queryset.filter(registration_number="", first_used_on__lt=deadline)
        if value == RegistrationStatus.PENDING:
            return queryset.filter(registration_number="").filter(Q(first_used_on__gte=deadline) | Q(first_used_on__isnull=True))
        if value == RegistrationStatus.LATE:
            from safecity.forklifts.selectors import REGISTRATION_DEADLINE

            return queryset.filter(registered_on__gt=REGISTRATION_DEADLINE)
        if value == "registered":
            return queryset.exclude(registration_number="")
        return queryset

    def in_region(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return _in_region(queryset, value)


class OperatorFilterSet(StaticFormFilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    certificate = ChoiceFilter(label=_("N1 certificate"), choices=CertificateStatus.choices, method="by_certificate")
    organisation = OrganisationFilter(label=_("Enterprise"), field_name="organisation_id")
    region = RegionFilter(label=_("Region (and everything under it)"), method="in_region")

    class Meta:
        model = Operator
        fields = ["q", "certificate", "organisation", "region"]

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(name__icontains=value) | Q(certificate_number__icontains=value) | Q(card_id=value) | Q(face_id=value)
        )

    def by_certificate(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        today = timezone.localdate()
        soon = compliance.add_months(today, 1)
        if value == CertificateStatus.EXPIRED:
            return queryset.filter(certificate_valid_until__lt=today)
        if value == CertificateStatus.EXPIRING:
            return queryset.filter(certificate_valid_until__gte=today, certificate_valid_until__lte=soon)
        if value == CertificateStatus.VALID:
            return queryset.filter(certificate_valid_until__gt=soon)
        return queryset

    def in_region(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return _in_region(queryset, value)


class SafetyCheckFilterSet(StaticFormFilterSet):
    kind = ChoiceFilter(label=_("Kind"), choices=CheckKind.choices)
    organisation = OrganisationFilter(label=_("Enterprise"), field_name="organisation_id")
    since = django_filters.DateFilter(label=_("From"), field_name="period_start", lookup_expr="gte")
    until = django_filters.DateFilter(label=_("Until"), field_name="period_start", lookup_expr="lte")

    class Meta:
        model = SafetyCheck
        fields = ["kind", "organisation", "since", "until"]

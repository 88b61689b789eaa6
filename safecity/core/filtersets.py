"""Filters shared by the UI lists, the exports and the API."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from safecity.core.choices import AuditAction, AuditSource, OrganisationKind, Role
from safecity.core.filtering import (
    ChoiceFilter,
    OrganisationFilter,
    RegionFilter,
    StaticFormFilterSet,
    UtcDateTimeFilter,
    YesNoFilter,
    region_path_of,
)
from safecity.core.models import AuditEntry, Organisation, Person


def _region_subtree(queryset: QuerySet, lookup: str, code: str) -> QuerySet:
    path = region_path_of(code)
    if path is None:
        return queryset.none()
    return queryset.filter(**{f"{lookup}__startswith": path})


class OrganisationFilterSet(StaticFormFilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    kind = ChoiceFilter(label=_("Kind"), choices=OrganisationKind.choices)
    region = RegionFilter(label=_("Region (and everything under it)"), method="in_region")
    industry = django_filters.CharFilter(label=_("Industry code prefix"), field_name="industry_code", lookup_expr="startswith")
    credit_code = django_filters.CharFilter(label=_("Unified social credit code"), field_name="credit_code")
    is_active = YesNoFilter(label=_("Active"))

    class Meta:
        model = Organisation
        fields = ["q", "kind", "region", "industry", "credit_code", "is_active"]

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(name__icontains=value) | Q(short_name__icontains=value) | Q(credit_code__iexact=value) | Q(address__icontains=value)
        )

    def in_region(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return _region_subtree(queryset, "region__path", value.strip()) if value.strip() else queryset


class PersonFilterSet(StaticFormFilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    organisation = OrganisationFilter(label=_("Organisation"), field_name="organisation_id")
    role = ChoiceFilter(label=_("Role"), choices=Role.choices, method="with_role")
    region = RegionFilter(label=_("Region (and everything under it)"), method="in_region")

    class Meta:
        model = Person
        fields = ["q", "organisation", "role", "region"]

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        return queryset.filter(Q(name__icontains=value) | Q(title__icontains=value)) if value else queryset

    def with_role(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(pk__in=Person.objects.filter(roles__role=value).values("pk")) if value else queryset

    def in_region(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return _region_subtree(queryset, "organisation__region__path", value.strip()) if value.strip() else queryset


def audited_model_choices() -> list[tuple[str, str]]:
    """The kinds of record the trail holds, by their names in the reader's language."""
    from safecity.core import audit

    return sorted(((m._meta.label_lower, str(m._meta.verbose_name)) for m in audit.registered()), key=lambda c: c[1])


class _AuditedModelChoices:
    """Read when a form is built (the models register when the apps are ready, after this module
    loads, and the names follow the reader's language)."""

    def __iter__(self) -> Any:
        return iter(audited_model_choices())

    def __len__(self) -> int:
        return len(audited_model_choices())


class AuditEntryFilterSet(django_filters.FilterSet):
    action = ChoiceFilter(label=_("Action"), choices=AuditAction.choices)
    source = ChoiceFilter(label=_("Source"), choices=AuditSource.choices)
    # Picked by name; the address keeps the model's label (``hazards.hiddenhazard``) for links and the API.
    model = ChoiceFilter(label=_("Object type"), choices=_AuditedModelChoices(), method="of_model")
    object_id = django_filters.CharFilter(label=_("Object id"))
    actor = django_filters.CharFilter(label=_("Actor"), field_name="actor_label", lookup_expr="icontains")
    request_id = django_filters.CharFilter(label=_("Request id"))
    since = UtcDateTimeFilter(label=_("Since"), field_name="time", lookup_expr="gte")
    until = UtcDateTimeFilter(label=_("Until"), field_name="time", lookup_expr="lt")

    class Meta:
        model = AuditEntry
        fields = ["action", "source", "model", "object_id", "actor", "request_id", "since", "until"]

    def of_model(self, queryset: QuerySet, name: str, value: Any) -> QuerySet:
        if not value or "." not in value:
            return queryset
        app_label, model = value.lower().split(".", 1)
        return queryset.filter(content_type__app_label=app_label, content_type__model=model)

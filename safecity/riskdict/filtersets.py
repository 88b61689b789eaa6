"""Filters of the dictionary, shared by the UI lists and the API."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from safecity.core.filtering import ChoiceFilter, StaticFormFilterSet
from safecity.riskdict.choices import DictionaryStatus, MeasureClass
from safecity.riskdict.models import DictionaryVersion, RiskEntry, StandardMeasure


class DictionaryVersionFilterSet(StaticFormFilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    status = ChoiceFilter(label=_("Status"), choices=DictionaryStatus.choices)

    class Meta:
        model = DictionaryVersion
        fields = ["q", "status"]

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        return queryset.filter(Q(version__icontains=value) | Q(title__icontains=value)) if value else queryset


class RiskEntryFilterSet(django_filters.FilterSet):
    """Search a version's entries by code, category, words or measure class."""

    q = django_filters.CharFilter(label=_("Search"), method="search")
    code = django_filters.CharFilter(label=_("Risk code (or its first digits)"), field_name="code", lookup_expr="startswith")
    # Choices: the categories of the version being browsed (given by the caller).
    category = ChoiceFilter(label=_("Management category"), field_name="category__code", choices=())
    measure_class = ChoiceFilter(label=_("Measure class"), choices=MeasureClass.choices, method="with_measure_class")

    class Meta:
        model = RiskEntry
        fields = ["q", "code", "category", "measure_class"]

    def __init__(self, *args: Any, categories: Iterable[tuple[str, str]] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.filters["category"].extra["choices"] = [(code, f"{code} {name}") for code, name in categories]

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        if not value:
            return queryset
        in_measures = StandardMeasure.objects.filter(
            Q(content__icontains=value) | Q(basis__icontains=value) | Q(check_items__content__icontains=value)
        ).values("entry_id")
        return queryset.filter(
            Q(code__startswith=value)
            | Q(name__icontains=value)
            | Q(accident_types__icontains=value)
            | Q(risk_points__icontains=value)
            | Q(category__name__icontains=value)
            | Q(pk__in=in_measures)
        )

    def with_measure_class(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        if not value:
            return queryset
        return queryset.filter(pk__in=StandardMeasure.objects.filter(measure_class=value).values("entry_id"))

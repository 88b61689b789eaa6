"""The shared pieces of every list's filters: filters that never choose for the user.

Every list filter (UI and API) is a django-filter ``FilterSet`` built from these pieces, and every
list page renders it with ``{% filter_form %}`` (``core/templatetags/filters.py``):

- a select starts empty: its first option is "全部" (All), so an untouched select filters nothing
  (``ChoiceFilter``, ``TypedChoiceFilter``, ``YesNoFilter``; a yes/no filter is 全部/是/否, never
  "未知");
- a filter that asks for an internal id or code is a picker searched by name
  (``OrganisationFilter``, ``RegionFilter``): the page shows names, the query string keeps the id
  or code (links and API clients keep working), and the picker's lookup endpoint lists only what
  the user may see (``core.selectors.organisation_lookup`` / ``region_lookup``);
- the active filters show as chips, each removable (``active_filters``).

A filter the user did not touch is not sent: ``filters.js`` leaves empty fields out of the query.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC
from typing import Any

import django_filters
from django import forms
from django.http import QueryDict
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_filters.fields import ChoiceField, ChoiceIterator, ChoiceIteratorMixin
from django_filters.rest_framework import DjangoFilterBackend

from safecity.core.ids import IdFilter, id_or_none
from safecity.core.sql import Names, statement

ALL = _("All")

# Query parameters that are not filters: never a chip, always dropped from a chip's "remove" link.
NOT_FILTERS = frozenset({"page", "cursor", "page_size", "export", "sort"})


def _region_path_sql(n: Names) -> str:
    from safecity.core.models import Region

    return f"SELECT {n.column(Region, 'path')} FROM {n.table(Region)} WHERE {n.column(Region, 'code')} = %s"  # noqa: S608 - names from the models


def region_path_of(code: str) -> str | None:
    """The materialised path of the region with this division code (None: no such region).

    What every "region (and everything under it)" filter asks first, on every filtered request:
    a statement written out (``core.sql``), not a queryset compiled each time.
    """
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(statement(_region_path_sql), [code])
        row = cursor.fetchone()
    return None if row is None else str(row[0])


class AllTypedChoiceField(ChoiceIteratorMixin, forms.TypedChoiceField):
    """A typed choice (``?level=1`` -> 1) whose first option is the empty "全部"."""

    iterator = ChoiceIterator

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.empty_label = kwargs.pop("empty_label", ALL)
        super().__init__(*args, **kwargs)


class ChoiceFilter(django_filters.ChoiceFilter):
    """A choice filter whose first option is "全部" (not django-filter's "---------")."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("empty_label", ALL)
        super().__init__(*args, **kwargs)


class TypedChoiceFilter(django_filters.TypedChoiceFilter):
    """A typed choice filter with "全部" first: django-filter's own has no empty option at all,
    so its first value looked chosen and was sent (the 68-pages-to-2-rows defect)."""

    field_class = AllTypedChoiceField


class YesNoSelect(forms.NullBooleanSelect):
    """全部 / 是 / 否: "any" is "全部", never "未知" (unknown)."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs)
        self.choices = [("", ALL), ("true", _("Yes")), ("false", _("No"))]

    def format_value(self, value: Any) -> str:  # type: ignore[override]
        return {True: "true", False: "false", "true": "true", "false": "false"}.get(value, "")


class YesNoFilter(django_filters.BooleanFilter):
    """A yes/no filter that filters nothing until the user picks 是 or 否."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", YesNoSelect)
        super().__init__(*args, **kwargs)


class PickerInput(forms.TextInput):
    """A hidden id/code plus a search box that looks names up (``filters.js``).

    ``lookup`` is the URL name of a scoped lookup endpoint; ``value_label`` is set by the
    ``{% filter_form %}`` tag from the same scoped lookup, so the box shows the chosen name."""

    template_name = "core/widgets/picker_input.html"

    def __init__(self, lookup: str, params: str = "", attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs)
        self.lookup = lookup
        self.params = params
        self.value_label = ""

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        url = reverse(self.lookup)
        context["widget"].update({"lookup_url": f"{url}?{self.params}" if self.params else url, "value_label": self.value_label})
        return context


class PickerMixin:
    """A filter whose value is an internal id or code, chosen by name. ``describe(values, user)``
    gives the names of the chosen values that the user may see (the chip and the search box)."""

    lookup: str = ""
    lookup_params: str = ""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", PickerInput(self.lookup, kwargs.pop("lookup_params", self.lookup_params)))
        super().__init__(*args, **kwargs)  # type: ignore[call-arg]

    def describe(self, value: str, user: Any) -> str:
        raise NotImplementedError


class OrganisationFilter(PickerMixin, IdFilter):
    """An organisation (an enterprise, by default) picked by name; ``?organisation=<id>``."""

    lookup = "core:lookup-organisations"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("Enterprise"))
        super().__init__(*args, **kwargs)

    def describe(self, value: str, user: Any) -> str:
        from safecity.core.selectors import organisation_list

        pk = id_or_none(value)
        if pk is None:
            return ""
        org = organisation_list(user=user).filter(pk=pk).values_list("name", flat=True).first()
        return org or ""


class RegionFilter(PickerMixin, django_filters.CharFilter):
    """A region picked by name; ``?region=<GB/T 2260 code>`` (the region and everything under it)."""

    lookup = "core:lookup-regions"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("Region"))
        super().__init__(*args, **kwargs)

    def describe(self, value: str, user: Any) -> str:
        from safecity.core.selectors import region_list

        name = region_list(user=user).filter(code=(value or "").strip()).values_list("name", flat=True).first()
        return name or ""


@dataclass(frozen=True)
class Chip:
    """One active filter: what it is, what it is set to (in words), and the link without it."""

    name: str
    label: str
    value: str
    remove_query: str


def _choice_label(field: forms.Field, value: str) -> str | None:
    choices: Iterable[Any] = getattr(field, "choices", None) or ()
    for key, label in choices:
        if isinstance(label, (list, tuple)):  # optgroups
            for sub_key, sub_label in label:
                if str(sub_key) == value:
                    return str(sub_label)
        elif str(key) == value and str(key) != "":
            return str(label)
    return None


def active_filters(form: forms.BaseForm, params: QueryDict, user: Any, describe: dict[str, Callable[[str], str]]) -> list[Chip]:
    """The chips of the filters actually in the URL (``params``), in the form's order.

    A value shows in words: a choice's label, 是/否, a picked name (``describe``), else as typed.
    A value the form refuses (``?level=abc``) shows as typed, so the user can remove it."""
    chips: list[Chip] = []
    for name, field in form.fields.items():
        raw = [v for v in params.getlist(name) if v.strip()]
        if not raw or name in NOT_FILTERS:
            continue
        words: list[str] = []
        for value in raw:
            if name in describe:
                text = describe[name](value) or value
            elif isinstance(field, forms.NullBooleanField):
                text = {"true": str(_("Yes")), "false": str(_("No"))}.get(value.lower(), value)
            else:
                text = _choice_label(field, value) or value
            words.append(text)
        rest = params.copy()
        for key in (name, *NOT_FILTERS):
            rest.pop(key, None)
        chips.append(Chip(name=name, label=str(field.label or name), value="、".join(words), remove_query=rest.urlencode()))
    return chips


def relabel_empty_choices(form: forms.BaseForm) -> None:
    """Every select of a filter form starts with "全部": a plain form's "—" or "---------" empty
    option is renamed (the ``FilterSet`` pieces above already say "全部")."""
    for field in form.fields.values():
        if isinstance(field, forms.ModelChoiceField) and not isinstance(field, forms.ModelMultipleChoiceField):
            field.empty_label = str(ALL)
            field.widget.choices = field.choices
        elif isinstance(field, forms.ChoiceField) and not isinstance(field, (ChoiceField, AllTypedChoiceField)):
            choices: list[Any] = list(field.choices)  # type: ignore[arg-type]
            if choices and str(choices[0][0]) == "":
                field.choices = [("", ALL), *choices[1:]]


class StaticFormFilterSet(django_filters.FilterSet):
    """A filterset whose form depends on nothing but its class: the form class is built once.

    django-filter builds a new form class, with a new field per filter, for every request; on a
    list answered many times a second that was a tenth of the request. A filterset may be one of
    these when no filter's field depends on the request or on the instance (no queryset or choices
    computed per request, nothing set in ``__init__``), and its choices and labels are lazy (they
    are translated when shown, so one class serves both languages). Each form still gets its own
    copy of the fields (``Form.__init__`` copies them).
    """

    def get_form_class(self) -> Any:
        cls = type(self)
        form_class = cls.__dict__.get("_static_form_class")
        if form_class is None:
            form_class = super().get_form_class()
            cls._static_form_class = form_class  # type: ignore[attr-defined]
        return form_class


class KeepFilterSetBackend(DjangoFilterBackend):
    """django-filter's API backend that leaves the bound filterset on the view (``view.filterset``),
    so what the view derives from the same filters (the list's count) reads them validated once."""

    def get_filterset(self, request: Any, queryset: Any, view: Any) -> Any:
        filterset = super().get_filterset(request, queryset, view)
        view.filterset = filterset
        return filterset


class UtcDateTimeFilter(django_filters.IsoDateTimeFilter):
    """An ISO 8601 date-time filter whose value reaches the database in UTC. Python accepts a UTC
    offset up to ±23:59, PostgreSQL only up to ±15:59: an odd offset typed into ``?since=`` must
    be a filter on that moment, never a database error (a 500 that aborts the transaction)."""

    def filter(self, qs: Any, value: Any) -> Any:
        if value is not None and value.tzinfo is not None:
            value = value.astimezone(UTC)
        return super().filter(qs, value)

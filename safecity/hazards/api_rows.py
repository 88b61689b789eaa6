"""A list's rows read with ``.values()`` and shaped exactly as its ModelSerializer shapes them.

Why: serialising a page of 50 hidden hazards through ``HazardSerializer`` builds 150 model
instances (each taking its audit snapshot) and reads ~25 fields per row through DRF's generic
attribute lookup (which inspects the signature of every ``get_*_display``); that was about half
of a list request's time. Here the page is one ``.values()`` query and each row is built from the
serializer's own field objects (their ``to_representation``: same dates, decimals, ids), so the
JSON, its field names and the OpenAPI schema (still the serializer's) cannot drift apart.

Every readable field of the serializer must be a column of the model or of a model it reaches by
foreign keys (``organisation.region.code``); anything else (a property, a ``get_*_display``) is
named in ``computed`` with the columns it needs. An unmapped field is an error at the first use,
not a silently missing key.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured
from django.db import models
from django.db.models import QuerySet
from django.utils import timezone
from rest_framework import ISO_8601, serializers
from rest_framework.relations import PrimaryKeyRelatedField
from rest_framework.settings import api_settings

Row = Mapping[str, Any]
RowValue = Callable[[Row], Any]
# A computed field: the columns (values() lookups) it reads, and a function called once per page
# (the active language, today's date and time zone are read there, not per row) that returns how a
# row becomes the field's value.
Computed = tuple[tuple[str, ...], Callable[[], RowValue]]


def choice_display(model: type[models.Model], column: str) -> Computed:
    """``get_<column>_display()`` from a row: the label in the active language, else the raw value
    (as Django's own ``_get_FIELD_display`` does for a value outside the choices)."""
    labels = dict(model._meta.get_field(column).flatchoices)  # type: ignore[union-attr]

    def for_page() -> RowValue:
        texts = {key: str(label) for key, label in labels.items()}

        def display(row: Row) -> Any:
            value = row[column]
            text = texts.get(value)
            if text is None:  # outside the choices: the value itself, as Django shows it
                return value if value is None else str(value)
            return text

        return display

    return (column,), for_page


def _representation(field: serializers.Field) -> Callable[[], Callable[[Any], Any]] | None:
    """How the page's values of ``field`` become its output, decided once per page; None: the
    value as it comes (a related field's id).

    A date-time field in DRF's default ISO 8601 output reads the current time zone for every value;
    here it is read once per page and the value converted and written exactly as DRF writes it."""
    if isinstance(field, PrimaryKeyRelatedField):
        return None
    if (
        type(field) is serializers.DateTimeField
        and getattr(field, "format", api_settings.DATETIME_FORMAT) == ISO_8601
        and not hasattr(field, "timezone")
    ):

        def for_page() -> Callable[[Any], Any]:
            zone = field.default_timezone()  # type: ignore[attr-defined]
            if zone is None:
                return field.to_representation

            def iso(value: Any) -> Any:
                if isinstance(value, str) or not timezone.is_aware(value):
                    return field.to_representation(value)
                text = value.astimezone(zone).isoformat()
                return text[:-6] + "Z" if text.endswith("+00:00") else text

            return iso

        return for_page
    represent = field.to_representation
    return lambda: represent


def _column_path(model: type[models.Model], source: str) -> str | None:
    """``organisation.region.code`` -> ``organisation__region__code`` when every step is a field
    (foreign keys up to the last); None when the source is not a column (a property, a method)."""
    parts = source.split(".")
    for i, part in enumerate(parts):
        try:
            field = model._meta.get_field(part)
        except FieldDoesNotExist:
            return None
        if i < len(parts) - 1:
            if not (field.many_to_one or field.one_to_one) or field.related_model is None:
                return None
            model = field.related_model  # type: ignore[assignment]
        elif field.many_to_many or field.one_to_many:
            return None
    return "__".join(parts)


class ValuesRows:
    """The rows of ``serializer_class`` from ``.values()`` dicts; see the module notes.

    ``rows(queryset)`` is the values queryset to page; ``render(rows)`` turns a page of it into
    what ``serializer_class(instances, many=True).data`` would be for the same rows."""

    def __init__(self, serializer_class: type[serializers.ModelSerializer], *, computed: dict[str, Computed]) -> None:
        self.serializer_class = serializer_class
        self.computed = computed
        # (output name, values() key or None, per-page factory: of a value's or of a row's output)
        self._plan: list[tuple[str, str | None, Callable[[], Callable[[Any], Any]] | None]] | None = None
        self._lookups: tuple[str, ...] = ()

    def _build(self) -> None:
        model = self.serializer_class.Meta.model
        plan: list[tuple[str, str | None, Callable[[], Callable[[Any], Any]] | None]] = []
        lookups: list[str] = []
        for name, field in self.serializer_class().fields.items():
            if field.write_only:
                continue
            if name in self.computed:
                needs, for_page = self.computed[name]
                lookups.extend(needs)
                plan.append((name, None, for_page))
                continue
            source = field.source
            path = _column_path(model, source) if isinstance(source, str) and source != "*" else None
            if path is None or isinstance(field, serializers.BaseSerializer):
                raise ImproperlyConfigured(
                    f"{self.serializer_class.__name__}.{name} is not a column; name it in ValuesRows(computed=...)"
                )
            if isinstance(field, PrimaryKeyRelatedField) and field.pk_field is not None:
                raise ImproperlyConfigured(f"{self.serializer_class.__name__}.{name}: pk_field is not supported")
            lookups.append(path)
            plan.append((name, path, _representation(field)))
        self._lookups = tuple(dict.fromkeys(lookups))
        self._plan = plan

    @property
    def lookups(self) -> tuple[str, ...]:
        if self._plan is None:
            self._build()
        return self._lookups

    def rows(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        """``queryset`` (scoped, filtered, ordered) as the dicts :meth:`render` needs."""
        return queryset.values(*self.lookups)

    def render(self, rows: Iterable[Row]) -> list[dict[str, Any]]:
        if self._plan is None:
            self._build()
        assert self._plan is not None
        steps = [(name, path, None if for_page is None else for_page()) for name, path, for_page in self._plan]
        out = []
        for row in rows:
            item: dict[str, Any] = {}
            for name, path, represent in steps:
                if path is None:
                    item[name] = represent(row)  # type: ignore[misc]
                    continue
                value = row[path]
                # As DRF: None stays None, without asking the field.
                item[name] = value if value is None or represent is None else represent(value)
            out.append(item)
        return out

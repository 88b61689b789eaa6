"""Ids as the database holds them: whole numbers from 1 to 2**63 - 1 (a 64-bit primary key).

Every id that arrives from outside (a URL, a query string, a form, a request body) is checked
against this range before it reaches a query: SQLite cannot bind a larger integer at all (an
``OverflowError``, a server error), and an id outside the range names nothing anyway. The API's
fields (``core.api.fields``), the filters shared by the UI and the API, and the URL converter all
use these bounds, so the published schema states them too.
"""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.urls import register_converter
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field

ID_MIN = 1
ID_MAX = 2**63 - 1  # PostgreSQL bigint and SQLite INTEGER (BigAutoField, DEFAULT_AUTO_FIELD)
ID_SCHEMA: dict[str, Any] = {"type": "integer", "format": "int64", "minimum": ID_MIN, "maximum": ID_MAX}


def id_or_none(value: Any) -> int | None:
    """``value`` as an id, or None when it is not a whole number in range (``"12"`` → 12, ``"1e9"`` → None)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    else:
        text = str(value).strip()
        if not text.isascii() or not text.isdigit() or len(text) > 19:
            return None
        number = int(text)
    return number if ID_MIN <= number <= ID_MAX else None


class IdFormField(forms.IntegerField):
    """A form field for an id: a whole number in the database's range, else "Enter a valid id."."""

    default_error_messages = {"invalid": _("Enter a valid id (a whole number).")}

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", ID_MIN)
        kwargs.setdefault("max_value", ID_MAX)
        super().__init__(**kwargs)


@extend_schema_field(ID_SCHEMA)
class IdFilter(django_filters.NumberFilter):
    """Filter by an id (``?organisation=12``): a malformed or out-of-range id is a form error
    (the UI shows it, the API answers 400), never a query the database cannot bind."""

    field_class = IdFormField


class IdConverter:
    """``<id:pk>`` in a URL: digits only, and within the id range; anything else does not match (404)."""

    regex = "[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        number = id_or_none(value)
        if number is None:
            raise ValueError(value)
        return number

    def to_url(self, value: Any) -> str:
        return str(value)


register_converter(IdConverter, "id")

"""Serializer fields every API shares: range-checked ids (``safecity.core.ids``).

Use ``IdField`` for an id given as a number and ``IdRelatedField`` for an id that must name a row
of a (scoped) queryset; both answer 400 with a readable message for a malformed or out-of-range id
and state the range in the schema.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from safecity.core.ids import ID_MAX, ID_MIN, ID_SCHEMA, id_or_none


class IdField(serializers.IntegerField):
    """An id: a whole number from 1 to 2**63 - 1."""

    default_error_messages = {
        "invalid": _("A valid id (a whole number) is required."),
        "max_value": _("No record has an id this large."),
        "min_value": _("An id is a whole number from 1 up."),
        "max_string_length": _("No record has an id this large."),
    }

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", ID_MIN)
        kwargs.setdefault("max_value", ID_MAX)
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> int:
        if isinstance(data, (bool, float)):
            self.fail("invalid")
        return super().to_internal_value(data)


@extend_schema_field(ID_SCHEMA)
class IdRelatedField(serializers.PrimaryKeyRelatedField):
    """A primary key naming a row of ``queryset``; the range is checked before the lookup."""

    def to_internal_value(self, data: Any) -> Any:
        number = id_or_none(data)
        if number is None:
            if isinstance(data, (int, str)) and not isinstance(data, bool):
                self.fail("does_not_exist", pk_value=data)
            self.fail("incorrect_type", data_type=type(data).__name__)
        return super().to_internal_value(number)

"""Reading spreadsheet cells on import: every text cell has a length limit.

A cell of an uploaded sheet is text of unbounded length (Excel allows 32,767 characters); every
importer reads its cells through :func:`cell_text` and checks them with :func:`cell_length_error`,
so no imported text is longer than the field that stores it, or than ``CELL_TEXT_LIMIT`` where the
field itself has no limit.
"""

from __future__ import annotations

from typing import Any

from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils.translation import gettext as _

CELL_TEXT_LIMIT = 2000


def cell_text(value: Any) -> str:
    """A cell's value as stripped text (``None`` is empty; 12.0 read from Excel is "12")."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def field_text_limit(model: type[models.Model], name: str) -> int:
    """The most characters ``model.name`` stores: its max_length or MaxLengthValidator, else the cap."""
    field = model._meta.get_field(name)
    limits = [getattr(field, "max_length", None)]
    limits += [v.limit_value for v in getattr(field, "validators", []) if isinstance(v, MaxLengthValidator)]
    found = [int(n) for n in limits if isinstance(n, int)]
    return min([*found, CELL_TEXT_LIMIT])


def cell_length_error(text: str, limit: int = CELL_TEXT_LIMIT) -> str:
    """The message for a cell longer than ``limit`` characters, or "" when it fits."""
    if len(text) <= limit:
        return ""
    return _("At most %(limit)d characters (this cell has %(n)d).") % {"limit": limit, "n": len(text)}

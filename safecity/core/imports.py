"""Reading spreadsheet cells on import: every text cell has a length limit.

A cell of an uploaded sheet is text of unbounded length (Excel allows 32,767 characters); every
importer reads its cells through :func:`cell_text` and checks them with :func:`cell_length_error`,
so no imported text is longer than the field that stores it, or than ``CELL_TEXT_LIMIT`` where the
field itself has no limit. :func:`sheet_rows` reads an upload's first sheet into rows keyed by
column, with the refusals every importer shares (too large, not Excel, a column missing, too many
rows); :class:`RowError` is one problem of the table a refused import shows.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import IO, Any

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


@dataclass(frozen=True)
class RowError:
    """One problem of an imported sheet: its row as Excel numbers it (0: the file as a whole), the
    column's header and what is wrong, in words."""

    row: int
    column: str
    problem: str

    def __str__(self) -> str:
        return _("Row %(row)d, %(column)s: %(problem)s") % {"row": self.row, "column": self.column, "problem": self.problem}


class SheetRefused(Exception):
    """The sheet cannot be read as the importer's table: ``errors`` says why (the caller wraps it in
    its app's error)."""

    def __init__(self, errors: list[RowError]) -> None:
        super().__init__(errors)
        self.errors = errors


def sheet_rows(
    file: IO[bytes] | bytes,
    *,
    columns: Sequence[tuple[str, str]],
    required: Sequence[str],
    max_rows: int,
    max_bytes: int = 5 * 1024 * 1024,
) -> list[tuple[int, dict[str, Any]]]:
    """The first sheet of an Excel upload as (row number, {column key: cell value}) for each row
    that is not empty; ``columns`` maps a key to its header text (columns in any order, others
    ignored). Raises :class:`SheetRefused` for a file too large, not an Excel file, a required
    column missing from the header row, or more than ``max_rows`` rows."""
    data = file if isinstance(file, bytes) else file.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise SheetRefused([RowError(0, "", _("The file is larger than %(n)d MB.") % {"n": max_bytes // (1024 * 1024)})])
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - any unreadable upload gets the same answer
        raise SheetRefused([RowError(0, "", _("This is not an Excel (.xlsx) file."))]) from None
    try:
        rows = workbook.worksheets[0].iter_rows(values_only=True)
        header = [cell_text(v) for v in next(rows, ())]
        keys = {text: key for key, text in columns}
        positions = {keys[text]: i for i, text in enumerate(header) if text in keys}
        headers = dict(columns)
        missing = [headers[k] for k in required if k not in positions]
        if missing:
            raise SheetRefused([RowError(1, m, _("This column is missing from the header row.")) for m in missing])
        out: list[tuple[int, dict[str, Any]]] = []
        for number, values in enumerate(rows, start=2):
            cells = {k: values[i] if i < len(values) else None for k, i in positions.items()}
            if any(cell_text(v) for v in cells.values()):
                out.append((number, cells))
            if len(out) > max_rows:
                raise SheetRefused([RowError(number, "", _("At most %(n)d rows are imported at a time.") % {"n": max_rows})])
        return out
    finally:
        workbook.close()


def cell_date(value: Any) -> date | None:
    """A date cell (a date, a datetime, or text such as 2024-03-01, 2024/3/1 or 2024.03.01), or None."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    parts = cell_text(value).replace("/", "-").replace(".", "-").split("-")
    try:
        return date(*(int(p) for p in parts)) if len(parts) == 3 else None
    except ValueError:
        return None

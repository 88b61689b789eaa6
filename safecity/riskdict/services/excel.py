"""Excel import and export of a dictionary version (openpyxl, one sheet, one row per check item)."""

from __future__ import annotations

import io
from collections.abc import Iterator, Mapping
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from safecity.core.exports import workbook_bytes
from safecity.riskdict.choices import DictionaryStatus
from safecity.riskdict.content import dictionary_content
from safecity.riskdict.models import DictionaryVersion
from safecity.riskdict.permissions import require_dictionary_editor
from safecity.riskdict.services.rows import (
    COLUMNS,
    DictionaryImportError,
    RowError,
    content_rows,
    nul_message,
    parse_rows,
    write_content,
)

SHEET_TITLE = "风险管控辞典"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def max_rows() -> int:
    """The most data rows one import accepts (setting ``RISKDICT_IMPORT_MAX_ROWS``)."""
    return int(getattr(settings, "RISKDICT_IMPORT_MAX_ROWS", 20_000))


def max_file_bytes() -> int:
    """The largest file one import accepts (setting ``RISKDICT_IMPORT_MAX_BYTES``, default 10 MB)."""
    return int(getattr(settings, "RISKDICT_IMPORT_MAX_BYTES", 10 * 1024 * 1024))


def _read_bytes(file: Any) -> bytes:
    if isinstance(file, bytes | bytearray):
        return bytes(file)
    if hasattr(file, "seek"):
        file.seek(0)
    limit = max_file_bytes()
    data = file.read(limit + 1)
    if len(data) > limit:
        raise DictionaryImportError(
            [
                RowError(
                    0,
                    "",
                    _("The file is larger than %(mb)d MB; split the dictionary or ask the administrator.")
                    % {"mb": limit // (1024 * 1024)},
                )
            ]
        )
    return bytes(data)


def read_workbook_rows(file: IO[bytes] | bytes) -> list[tuple[int, Mapping[str, Any]]]:
    """The data rows of the first sheet as ``(Excel row number, {header: cell value})``.

    Raises :class:`DictionaryImportError` when the file is not a readable .xlsx workbook, when a
    column is missing or repeated, or when it holds more rows than one import accepts.
    """
    from openpyxl import load_workbook

    data = _read_bytes(file)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            sheet = workbook.worksheets[0]
            return _sheet_rows(sheet.iter_rows(values_only=True))
        finally:
            workbook.close()
    except DictionaryImportError:
        raise
    except Exception:  # noqa: BLE001 - openpyxl raises many types for a damaged file; each means "unreadable"
        raise DictionaryImportError(
            [RowError(0, "", _("The file is not a readable Excel workbook (.xlsx). Save it from Excel as .xlsx and try again."))]
        ) from None


def _sheet_rows(rows: Iterator[tuple[Any, ...]]) -> list[tuple[int, Mapping[str, Any]]]:
    header = next(rows, None)
    if header is None:
        raise DictionaryImportError([RowError(1, "", _("The sheet is empty: row 1 must hold the column headers."))])
    positions: dict[str, int] = {}
    errors: list[RowError] = []
    for index, cell in enumerate(header):
        name = str(cell).strip() if cell is not None else ""
        if "\x00" in name:
            errors.append(RowError(1, "", nul_message()))
        elif name in COLUMNS:
            if name in positions:
                errors.append(RowError(1, name, _("This column appears twice.")))
            positions[name] = index
    for column in COLUMNS:
        if column not in positions:
            errors.append(
                RowError(1, column, _("This column is missing: row 1 must hold the header %(column)s.") % {"column": column})
            )
    if errors:
        raise DictionaryImportError(errors)
    result: list[tuple[int, Mapping[str, Any]]] = []
    limit = max_rows()
    for number, values in enumerate(rows, start=2):
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
            continue
        if len(result) >= limit:
            raise DictionaryImportError([RowError(number, "", _("One import takes at most %(n)d rows.") % {"n": limit})])
        result.append((number, {column: values[i] if i < len(values) else None for column, i in positions.items()}))
    return result


def new_version(*, actor: Any, version: str, title: str, note: str = "") -> DictionaryVersion:
    """An unsaved draft version, checked for the actor's right and for NUL characters (not for uniqueness)."""
    draft = DictionaryVersion(version=(version or "").strip(), title=(title or "").strip(), note=(note or "").strip())
    draft.status = DictionaryStatus.DRAFT
    require_dictionary_editor(actor, draft)
    return draft


def save_new_version(draft: DictionaryVersion) -> None:
    """Save a checked draft; a version string taken meanwhile (two imports at once) is a field error."""
    try:
        with transaction.atomic():
            draft.save()
    except IntegrityError:
        if DictionaryVersion.objects.filter(version=draft.version).exists():
            raise DictionaryImportError([], fields=version_errors(draft)) from None
        raise


def version_errors(draft: DictionaryVersion) -> dict[str, list[str]]:
    """Problems with the version details: NUL characters, format, length, a version string in use."""
    errors: dict[str, list[str]] = {}
    for name in ("version", "title", "note"):
        if "\x00" in getattr(draft, name):
            errors[name] = [nul_message()]
    if errors:
        return errors
    try:
        draft.full_clean()
    except ValidationError as exc:
        return {name: [str(m) for m in messages] for name, messages in exc.message_dict.items()}
    return {}


@transaction.atomic
def dictionary_import_excel(
    *, actor: Any, file: IO[bytes] | bytes, version: str, title: str, note: str = ""
) -> DictionaryVersion:
    """Import a dictionary file as a new draft version.

    Only city administrators and city officials (:mod:`safecity.riskdict.permissions`). Every row is
    validated (formats, lengths, the class/sub-class table of the national dual-prevention
    guideline, positive cycles, consistency between the rows of one risk); on any problem a
    :class:`DictionaryImportError` lists them all with row and column, and nothing is written.
    """
    draft = new_version(actor=actor, version=version, title=title, note=note)
    fields = version_errors(draft)
    try:
        entries = parse_rows(read_workbook_rows(file))
    except DictionaryImportError as exc:
        raise DictionaryImportError(exc.errors, fields=fields) from None
    if fields:
        raise DictionaryImportError([], fields=fields)
    save_new_version(draft)
    write_content(draft, entries)
    return draft


def dictionary_export_excel(*, version: DictionaryVersion) -> bytes:
    """The version as an .xlsx file in the exchange format; importing it reproduces the same dictionary."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = SHEET_TITLE
    sheet.append(list(COLUMNS))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in content_rows(dictionary_content(version).values()):
        sheet.append(row)
    widths = {
        "A": 8,
        "B": 18,
        "C": 8,
        "D": 24,
        "E": 18,
        "F": 24,
        "G": 10,
        "H": 12,
        "I": 50,
        "J": 32,
        "K": 50,
        "L": 8,
        "M": 8,
        "N": 32,
    }
    for letter, width in widths.items():
        sheet.column_dimensions[letter].width = width
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        # Codes stay text, so "0101" keeps its leading zero when the file is opened and saved again.
        row[0].number_format = row[2].number_format = "@"
    sheet.freeze_panes = "A2"
    return workbook_bytes(workbook)

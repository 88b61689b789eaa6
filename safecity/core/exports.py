"""CSV and Excel exports of a scoped queryset (the caller passes what the user may see).

Every spreadsheet the platform writes goes through the cell helpers here (``csv_cell``,
``xlsx_append``), so no exported text is ever run as a formula: OWASP's CSV-injection rule says a
cell that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is written as text. In
CSV that means a leading apostrophe (the spreadsheet shows the text, not a formula); in .xlsx the
cell is typed as a string, so the value itself is kept (an exported workbook re-imports unchanged).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone

Column = tuple[str, Callable[[Any], Any]]

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def _formula_like(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_PREFIXES)


def csv_cell(value: Any) -> Any:
    """A value as a CSV cell: ``None`` as empty, formula-like text behind an apostrophe (OWASP)."""
    if value is None:
        return ""
    return "'" + value if _formula_like(value) else value


def xlsx_append(sheet: Any, values: Iterable[Any]) -> None:
    """Append a row to an openpyxl sheet (ordinary or write-only), formula-like text typed as text.

    openpyxl stores any string beginning with ``=`` as a formula; the cell is typed as a string
    instead, so ``=HYPERLINK(...)`` typed by a user is shown, never run, and reads back unchanged.
    """
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.worksheet._write_only import WriteOnlyWorksheet

    row = ["" if v is None else v for v in values]
    if isinstance(sheet, WriteOnlyWorksheet):
        cells: list[Any] = []
        for value in row:
            if _formula_like(value):
                cell = WriteOnlyCell(sheet, value=value)
                cell.data_type = "s"
                cells.append(cell)
            else:
                cells.append(value)
        sheet.append(cells)
        return
    sheet.append(row)
    for cell in sheet[sheet.max_row]:
        if _formula_like(cell.value):
            cell.data_type = "s"


class _Echo:
    def write(self, value: str) -> str:
        return value


def _rows(columns: Sequence[Column], objects: Iterable[Any]) -> Iterator[list[Any]]:
    yield [str(title) for title, _ in columns]
    for obj in objects:
        yield [getter(obj) for _, getter in columns]


def workbook_bytes(workbook: Any) -> bytes:
    """Save an ordinary openpyxl workbook as .xlsx bytes, every formula-like text typed as text.

    The one way the platform saves a workbook (a test holds every module to it): the platform never
    writes a formula of its own, so any cell openpyxl took for one came from text and stays text.
    """
    for sheet in workbook.worksheets:
        for cells in sheet.iter_rows():
            for cell in cells:
                if cell.data_type == "f" or _formula_like(cell.value):
                    cell.data_type = "s"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def export_response(
    *, fmt: str, filename: str, columns: Sequence[Column], objects: Iterable[Any]
) -> HttpResponse | StreamingHttpResponse:
    """Stream ``objects`` as CSV (UTF-8 with BOM, so Excel reads Chinese) or build an .xlsx file."""
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    if fmt == "xlsx":
        from openpyxl import Workbook

        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet(filename[:31])
        for row in _rows(columns, objects):
            xlsx_append(sheet, row)
        buffer = io.BytesIO()
        workbook.save(buffer)
        response = HttpResponse(
            buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        response["Content-Disposition"] = f'attachment; filename="{filename}-{stamp}.xlsx"'
        return response
    writer = csv.writer(_Echo())

    def stream() -> Iterator[str]:
        yield "\ufeff"
        for row in _rows(columns, objects):
            yield writer.writerow([csv_cell(v) for v in row])

    streaming = StreamingHttpResponse(stream(), content_type="text/csv; charset=utf-8")
    streaming["Content-Disposition"] = f'attachment; filename="{filename}-{stamp}.csv"'
    return streaming

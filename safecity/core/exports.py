"""CSV and Excel exports of a scoped queryset (the caller passes what the user may see)."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone

Column = tuple[str, Callable[[Any], Any]]


class _Echo:
    def write(self, value: str) -> str:
        return value


def _rows(columns: Sequence[Column], objects: Iterable[Any]) -> Iterator[list[Any]]:
    yield [str(title) for title, _ in columns]
    for obj in objects:
        yield [getter(obj) for _, getter in columns]


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
            sheet.append(["" if v is None else v for v in row])
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
            yield writer.writerow(["" if v is None else v for v in row])

    streaming = StreamingHttpResponse(stream(), content_type="text/csv; charset=utf-8")
    streaming["Content-Disposition"] = f'attachment; filename="{filename}-{stamp}.csv"'
    return streaming

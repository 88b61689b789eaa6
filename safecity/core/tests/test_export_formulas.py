"""Exports never carry formulas (OWASP CSV injection): the cell helpers, and every module holds to them."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import openpyxl
import pytest
from openpyxl import Workbook

from safecity.core.exports import FORMULA_PREFIXES, csv_cell, workbook_bytes, xlsx_append

ROOT = Path(__file__).resolve().parents[2]
PLANTED = ['=HYPERLINK("http://evil.example/","点我")', "+1+1", "-2+3", "@SUM(A1)", "\tx", "\rx"]


@pytest.mark.parametrize("text", PLANTED)
def test_csv_cell_puts_formula_like_text_behind_an_apostrophe(text: str) -> None:
    assert text.startswith(FORMULA_PREFIXES)
    assert csv_cell(text) == "'" + text
    out = io.StringIO()
    csv.writer(out).writerow([csv_cell(text)])
    assert next(csv.reader(io.StringIO(out.getvalue())))[0] == "'" + text


def test_csv_cell_leaves_ordinary_values_alone() -> None:
    assert csv_cell("消防通道堵塞") == "消防通道堵塞"
    assert csv_cell(-5) == -5 and csv_cell(3.5) == 3.5
    assert csv_cell(None) == ""
    assert csv_cell("a=b") == "a=b"


@pytest.mark.parametrize("write_only", [False, True])
def test_xlsx_cells_are_text_and_read_back_unchanged(write_only: bool) -> None:
    workbook = Workbook(write_only=write_only)
    sheet = workbook.create_sheet("s") if write_only else workbook.active
    xlsx_append(sheet, [*PLANTED, 42, None])
    if write_only:
        buffer = io.BytesIO()
        workbook.save(buffer)
        content = buffer.getvalue()
    else:
        content = workbook_bytes(workbook)
    cells = next(openpyxl.load_workbook(io.BytesIO(content)).worksheets[-1].iter_rows())
    # XML keeps a carriage return as a line feed; the text is kept, never a formula.
    assert [c.value for c in cells[: len(PLANTED)]] == [t.replace("\r", "\n") for t in PLANTED]
    assert all(c.data_type == "s" for c in cells[: len(PLANTED)])
    assert cells[len(PLANTED)].value == 42


def test_workbook_bytes_types_cells_appended_directly_as_text() -> None:
    """A module that appends with openpyxl's own ``append`` is still safe once it saves through the helper."""
    workbook = Workbook()
    workbook.active.append(["=1+1", "ok"])
    cell = openpyxl.load_workbook(io.BytesIO(workbook_bytes(workbook))).active["A1"]
    assert cell.value == "=1+1" and cell.data_type == "s"


def test_every_spreadsheet_is_written_through_the_shared_helpers() -> None:
    """No module saves a workbook or writes CSV on its own: only safecity/core/exports.py does."""
    offenders = []
    pattern = re.compile(r"\b(?:workbook|book|wb)\.save\(|csv\.writer\(|\.save_workbook\(")
    for path in (ROOT / "safecity").rglob("*.py"):
        rel = path.relative_to(ROOT).as_posix()
        if "/tests/" in rel or "/migrations/" in rel or rel == "safecity/core/exports.py":
            continue
        if pattern.search(path.read_text(encoding="utf-8")):
            offenders.append(rel)
    assert offenders == [], f"save spreadsheets with core.exports.workbook_bytes / export_response: {offenders}"

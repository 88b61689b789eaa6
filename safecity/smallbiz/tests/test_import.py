"""A street's Excel list (issue 16 §1): all rows or none, with a row/column/problem table; the export
re-imports."""

from __future__ import annotations

import io
import random
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook

from safecity.core.demo.codes import credit_code
from safecity.core.models import Organisation
from safecity.smallbiz.models import SmallEnterprise
from safecity.smallbiz.services.sheet import COLUMNS, EnterpriseImportError, enterprises_export, enterprises_import

HEAD = [text for _key, text in COLUMNS]


def _sheet(rows: list[list[Any]]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(HEAD)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _code(seed: str) -> str:
    return credit_code(random.Random(seed), region_code="320411")


def test_a_clean_list_is_imported(biz: Any, personas: Any) -> None:
    data = _sheet(
        [
            ["罗溪木器厂", _code("a"), "甲村", "05", "微型", "一般", "甲村1号", 12],
            ["罗溪饭店", _code("b"), "320411002202", "07", "小型", "黄", "乙村2号", None],
            ["罗溪五金店", _code("c"), "乙村", "", "微型", "低", "", ""],
        ]
    )
    made = enterprises_import(actor=personas.district_a, street=biz.city.street_a, file=data)
    assert [e.organisation.region.name for e in made] == ["甲村", "乙村", "乙村"]
    assert made[0].trade_name == "粉尘防爆" and made[1].risk_level == 3 and made[2].trade == ""
    exported = enterprises_export(queryset=SmallEnterprise.objects.all())
    rows = list(load_workbook(io.BytesIO(exported)).active.iter_rows(values_only=True))
    assert list(rows[0]) == HEAD and len(rows) == 4
    wood = next(r for r in rows if r[0] == "罗溪木器厂")
    assert wood[2] == "甲村" and wood[4] == "微型" and wood[5] == "一般" and wood[7] == 12


def test_a_list_with_bad_rows_writes_nothing_and_says_where(biz: Any, personas: Any) -> None:
    good = _code("good")
    data = _sheet(
        [
            ["好企业", good, "甲村", "05", "微型", "一般", "", ""],
            ["坏代码", "91320411ABCDEFGH12", "甲村", "05", "微型", "一般", "", ""],
            ["没这个村", _code("x"), "丁村", "05", "微型", "一般", "", ""],
            ["重复", good, "甲村", "99", "中型", "紫", "", "十"],
        ]
    )
    organisations = Organisation.objects.count()
    with pytest.raises(EnterpriseImportError) as refused:
        enterprises_import(actor=personas.district_a, street=biz.city.street_a, file=data)
    problems = {(e.row, e.column) for e in refused.value.errors}
    assert (3, "统一社会信用代码") in problems
    assert (4, "村（社区）") in problems
    assert {(5, "统一社会信用代码"), (5, "行业类别代码"), (5, "规模"), (5, "风险等级"), (5, "从业人数")} <= problems
    assert not any(e.row == 2 for e in refused.value.errors)
    assert "丁村" in next(e.problem for e in refused.value.errors if e.row == 4)
    assert Organisation.objects.count() == organisations and not SmallEnterprise.objects.exists()


def test_a_village_of_another_street_is_unknown(biz: Any, personas: Any) -> None:
    data = _sheet([["武进厂", _code("w"), "丙村", "05", "微型", "一般", "", ""]])
    with pytest.raises(EnterpriseImportError) as refused:
        enterprises_import(actor=personas.district_a, street=biz.city.street_a, file=data)
    assert refused.value.errors[0].column == "村（社区）"


def test_not_a_spreadsheet_and_missing_columns(biz: Any, personas: Any) -> None:
    with pytest.raises(EnterpriseImportError):
        enterprises_import(actor=personas.district_a, street=biz.city.street_a, file=b"hello")
    book = Workbook()
    book.active.append(["企业名称"])
    out = io.BytesIO()
    book.save(out)
    with pytest.raises(EnterpriseImportError) as refused:
        enterprises_import(actor=personas.district_a, street=biz.city.street_a, file=out.getvalue())
    assert {e.column for e in refused.value.errors} >= {"统一社会信用代码", "村（社区）"}


def test_the_api_answers_the_table(biz: Any, personas: Any, client: Any) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(personas.district_a)
    data = _sheet([["没这个村", _code("y"), "丁村", "05", "微型", "一般", "", ""]])
    response = client.post(
        "/api/smallbiz/enterprises/import/",
        {"street": biz.city.street_a.code, "file": SimpleUploadedFile("list.xlsx", data)},
    )
    assert response.status_code == 400
    assert response.json()["rows"][0]["row"] == 2 and response.json()["rows"][0]["column"] == "村（社区）"
    assert not SmallEnterprise.objects.exists()
    ok = _sheet([["好企业", _code("z"), "甲村", "05", "微型", "一般", "", ""]])
    response = client.post(
        "/api/smallbiz/enterprises/import/", {"street": biz.city.street_a.code, "file": SimpleUploadedFile("l.xlsx", ok)}
    )
    assert response.status_code == 201 and response.json()[0]["village_name"] == "甲村"

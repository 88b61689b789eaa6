"""dictionary_import_excel / dictionary_export_excel: round trip, every row error with its row and
column, nothing written on error, NUL characters, lengths and who may import."""

from __future__ import annotations

import io
import zipfile
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from openpyxl import load_workbook

from safecity.core.models import AuditEntry
from safecity.riskdict.content import dictionary_content
from safecity.riskdict.models import CheckItem, DictionaryVersion, ManagementCategory, RiskEntry, StandardMeasure
from safecity.riskdict.services import (
    COLUMNS,
    DictionaryImportError,
    dictionary_export_excel,
    dictionary_import_excel,
    dictionary_load_starter,
)
from safecity.riskdict.services.rows import parse_rows
from safecity.riskdict.tests.factories import row, two_entry_rows, xlsx

MODELS = (DictionaryVersion, ManagementCategory, RiskEntry, StandardMeasure, CheckItem)


def counts() -> tuple[int, ...]:
    return tuple(model.objects.count() for model in MODELS)


def import_rows(actor: Any, rows: list[dict[str, Any]], version: str = "2024.1", **kwargs: Any) -> DictionaryVersion:
    return dictionary_import_excel(actor=actor, file=io.BytesIO(xlsx(rows)), version=version, title="测试", **kwargs)


def import_errors(actor: Any, rows: list[dict[str, Any]], **kwargs: Any) -> list[tuple[int, str, str]]:
    """Import ``rows``, expect a refusal, and check nothing was written; return the errors."""
    before = counts()
    with pytest.raises(DictionaryImportError) as caught:
        import_rows(actor, rows, **kwargs)
    assert counts() == before
    return [tuple(e) for e in caught.value.errors]


def test_import_creates_a_draft_with_every_level(city: Any, personas: Any) -> None:
    version = import_rows(personas.city_admin, two_entry_rows(), note="首版")
    assert version.status == "draft" and version.published_at is None and version.note == "首版"
    entry = RiskEntry.objects.get(version=version, code="1501")
    assert entry.category.code == "15" and entry.category.name == "民用爆炸物品"
    measures = list(entry.measures.order_by("order"))
    assert [(m.measure_class, m.subclass) for m in measures] == [
        ("engineering", "process_control"),
        ("emergency", "fire_facilities"),
    ]
    items = list(measures[0].check_items.order_by("order"))
    assert [(c.content, c.cycle, c.cycle_unit) for c in items] == [
        ("检查温度联锁投用", 1, "day"),
        ("检查温度计显示正常", 8, "hour"),
    ]
    assert ManagementCategory.objects.filter(version=version).count() == 1
    # Every row written is in the audit trail, attributed to nobody in particular outside a request.
    assert AuditEntry.objects.filter(content_type__app_label="riskdict", action="create").count() == sum(counts())


def test_export_then_import_reproduces_the_dictionary(city: Any, personas: Any) -> None:
    starter = dictionary_load_starter(actor=personas.city_admin)
    data = dictionary_export_excel(version=starter)
    sheet = load_workbook(io.BytesIO(data)).active
    header, *rows = list(sheet.iter_rows(values_only=True))
    assert tuple(header) == COLUMNS
    assert len(rows) == CheckItem.objects.filter(measure__entry__version=starter).count()
    assert {r[6] for r in rows} == {"工程技术", "维护保养", "操作行为", "应急措施"}
    assert {r[12] for r in rows} <= {"小时", "天", "周", "月", "年"}
    copy = dictionary_import_excel(actor=personas.city_official, file=io.BytesIO(data), version="2023.2", title="副本")
    assert dictionary_content(copy) == dictionary_content(starter)
    assert len(dictionary_content(copy)) == RiskEntry.objects.filter(version=starter).count()


def test_round_trip_keeps_measures_and_entries_without_check_items(city: Any, personas: Any) -> None:
    rows = [
        *two_entry_rows(),
        row(风险代码="1503", 风险名称="尚无措施的风险", 管控措施类别="", 管控措施子类="", 管控措施="", 措施依据="",
            排查内容="", 排查周期=None, 周期单位="", 排查依据=""),
        row(管控措施类别="维护保养", 管控措施子类="其他", 管控措施="尚无排查内容的措施", 排查内容="", 排查周期=None, 周期单位="", 排查依据=""),
    ]  # fmt: skip
    first = import_rows(personas.city_admin, rows)
    content = dictionary_content(first)
    assert content["1503"].measures == ()
    assert [m.check_items for m in content["1501"].measures if m.content == "尚无排查内容的措施"] == [()]
    assert [m.subclass for m in content["1501"].measures if m.content == "尚无排查内容的措施"] == ["maintenance_other"]
    second = dictionary_import_excel(
        actor=personas.city_admin, file=io.BytesIO(dictionary_export_excel(version=first)), version="2024.2", title="副本"
    )
    assert dictionary_content(second) == content


def test_codes_typed_as_numbers_keep_their_leading_zeros(city: Any, personas: Any) -> None:
    version = import_rows(personas.city_admin, [row(管理类别代码=1, 管理类别="危险化学品", 风险代码=101, 排查周期=2.0)])
    entry = RiskEntry.objects.get(version=version)
    assert (entry.category.code, entry.code) == ("01", "0101")
    assert entry.measures.get().check_items.get().cycle == 2


def test_every_row_error_is_reported_with_row_and_column_and_nothing_is_written(city: Any, personas: Any) -> None:
    rows = [
        row(),  # row 2: fine
        row(风险代码="15A1"),  # row 3
        row(排查周期=0),  # row 4
        row(管控措施子类="动设备"),  # row 5: a maintenance sub-class under engineering
        row(周期单位="季度"),  # row 6
        row(风险代码="1601"),  # row 7: does not start with its category 15
        row(管控措施类别="管理措施"),  # row 8
        row(风险名称="另一个名字"),  # row 9: contradicts row 2 for the same code
        row(),  # row 10: duplicate of row 2
        row(排查周期="每天"),  # row 11
        row(风险代码="1500"),  # row 12
    ]
    errors = import_errors(personas.city_admin, rows)
    by_row = {(r, c) for r, c, _m in errors}
    assert by_row == {
        (3, "风险代码"),
        (4, "排查周期"),
        (5, "管控措施子类"),
        (6, "周期单位"),
        (7, "风险代码"),
        (8, "管控措施类别"),
        (9, "风险名称"),
        (10, "排查内容"),
        (11, "排查周期"),
        (12, "风险代码"),
    }
    messages = {(r, c): m for r, c, m in errors}
    assert "1601" in messages[(7, "风险代码")] and "15" in messages[(7, "风险代码")]
    assert "工程技术" in messages[(5, "管控措施子类")] and "工艺控制" in messages[(5, "管控措施子类")]
    assert "小时" in messages[(6, "周期单位")]
    assert "row 2" in messages[(9, "风险名称")] and "row 2" in messages[(10, "排查内容")]


def test_error_messages_read_row_and_column(city: Any, personas: Any) -> None:
    with pytest.raises(DictionaryImportError) as caught:
        rows = [row(排查内容=f"检查项 {n}") for n in range(5)]
        import_rows(personas.city_admin, [*rows, row(排查周期=0)])
    assert isinstance(caught.value, ValidationError)
    (text,) = caught.value.message_dict["file"]
    assert text.startswith("row 7, 排查周期: ")


def test_values_too_long_are_refused_with_the_limit(city: Any, personas: Any) -> None:
    errors = import_errors(personas.city_admin, [row(风险名称="险" * 201), row(风险代码="1502", 管控措施="措" * 1001)])
    assert [(r, c) for r, c, _m in errors] == [(2, "风险名称"), (3, "管控措施")]
    assert "200" in errors[0][2] and "201" in errors[0][2]
    assert "1000" in errors[1][2]


def test_cells_that_belong_to_a_missing_measure_or_check_item_are_refused(city: Any, personas: Any) -> None:
    errors = import_errors(personas.city_admin, [row(管控措施="", 排查内容=""), row(排查内容="", 排查周期=3)])
    assert {(r, c) for r, c, _m in errors} >= {(2, "管控措施类别"), (2, "管控措施子类"), (2, "周期单位"), (3, "排查周期")}


def test_nul_bytes_in_the_workbook_are_refused_cleanly(city: Any, personas: Any) -> None:
    """A NUL cannot be an XML character: a sheet that holds one is refused as unreadable, not a 500."""
    data = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(xlsx([row()]))) as source, zipfile.ZipFile(data, "w") as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                content = content.replace("工业炸药生产".encode(), "工业\x00炸药".encode())
            target.writestr(item, content)
    before = counts()
    with pytest.raises(DictionaryImportError) as caught:
        dictionary_import_excel(actor=personas.city_admin, file=io.BytesIO(data.getvalue()), version="2024.1", title="x")
    assert counts() == before
    assert "Excel" in caught.value.errors[0].message


def test_nul_characters_in_rows_and_details_are_refused(city: Any, personas: Any) -> None:
    with pytest.raises(DictionaryImportError) as caught:
        parse_rows([(2, row(管控措施="设置\x00联锁"))])
    assert [(e.row, e.column) for e in caught.value.errors] == [(2, "管控措施")]
    assert "NUL" in caught.value.errors[0].message
    before = counts()
    with pytest.raises(DictionaryImportError) as caught:
        import_rows(personas.city_admin, [row()], version="2024.1", note="备注\x00")
    assert "NUL" in caught.value.message_dict["note"][0]
    assert counts() == before


def test_version_problems_and_row_problems_are_reported_together(city: Any, personas: Any) -> None:
    import_rows(personas.city_admin, [row()], version="2024.1")
    before = counts()
    with pytest.raises(DictionaryImportError) as caught:
        import_rows(personas.city_admin, [row(排查周期=0)], version="2024.1")
    assert counts() == before
    assert set(caught.value.message_dict) == {"version", "file"}
    with pytest.raises(DictionaryImportError) as caught:
        import_rows(personas.city_admin, [row()], version="版本一")
    assert "version" in caught.value.message_dict


@pytest.mark.parametrize(
    ("data", "column"),
    [
        (b"not a workbook", ""),
        (xlsx([row()], columns=[c for c in COLUMNS if c != "周期单位"]), "周期单位"),
        (xlsx([]), ""),
    ],
)
def test_unreadable_files_missing_columns_and_empty_sheets(city: Any, personas: Any, data: bytes, column: str) -> None:
    before = counts()
    with pytest.raises(DictionaryImportError) as caught:
        dictionary_import_excel(actor=personas.city_admin, file=io.BytesIO(data), version="2024.1", title="x")
    assert counts() == before
    assert caught.value.errors and caught.value.errors[0].column == column


@pytest.mark.parametrize("persona", ["district_a", "district_b", "enterprise_user", "expert", "outsider"])
def test_only_city_admins_and_officials_may_import(city: Any, personas: Any, persona: str) -> None:
    before = counts()
    with pytest.raises(PermissionDenied):
        import_rows(getattr(personas, persona), [row()])
    assert counts() == before


@pytest.mark.parametrize("persona", ["city_admin", "city_official"])
def test_city_admins_and_officials_may_import(city: Any, personas: Any, persona: str) -> None:
    assert import_rows(getattr(personas, persona), [row()]).entries.count() == 1


def test_a_version_string_taken_meanwhile_is_a_field_error(city: Any, personas: Any) -> None:
    """Two imports of the same new version at once: the loser gets the field error, not a 500."""
    from safecity.riskdict.services.excel import save_new_version

    import_rows(personas.city_admin, [row()], version="2024.1")
    with pytest.raises(DictionaryImportError) as caught:
        save_new_version(DictionaryVersion(version="2024.1", title="同时导入"))
    assert caught.value.message_dict.get("version")
    assert DictionaryVersion.objects.filter(version="2024.1").count() == 1


def test_an_oversized_cell_is_refused_with_its_row_and_column(city: Any, personas: Any) -> None:
    """Every imported text cell has a length limit, even one whose column maps to a choice."""
    errors = import_errors(personas.city_admin, [row(), row(风险代码="1502", 周期单位="天" * 32_767)])
    assert (3, "周期单位", "At most 2000 characters (this cell has 32767).") in errors

"""A park's tenant list in Excel (services/sheet.py): the import writes all rows or none and names
every problem by row and column; the export re-imports into another park."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from openpyxl import Workbook, load_workbook

from safecity.core.models import Organisation
from safecity.parks.models import Tenant
from safecity.parks.services import (
    TenantImportError,
    building_save,
    park_create,
    tenant_update,
    tenants_import,
    tenants_workbook,
)
from safecity.parks.services.sheet import COLUMNS, SHEET_TITLE
from safecity.parks.tests.helpers import World, bad_check_character, build_world, unknown_code

HEADER = [text for _key, text in COLUMNS]


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def world(city: Any, personas: Any) -> World:
    return build_world(city, personas)


def _sheet(rows: list[list[Any]], header: list[str] | None = None) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header or HEADER)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _row(number: str, name: str, code: str, **cells: Any) -> list[Any]:
    values = {
        "unified_number": number,
        "name": name,
        "credit_code": code,
        "business_scope": "",
        "building": "",
        "area_m2": "",
        "workers": "",
        "dangerous_processes": "",
        "uses": "",
        "entered_on": "2024-03-01",
    }
    values.update(cells)
    return [values[key] for key, _text in COLUMNS]


def _errors(exc: pytest.ExceptionInfo[TenantImportError]) -> set[tuple[int, str]]:
    return {(e.row, e.column) for e in exc.value.errors}


def test_a_good_sheet_creates_the_tenants(world: World) -> None:
    new_code = unknown_code("sheet-new")
    data = _sheet(
        [
            _row(
                "B01",
                "常州乙化工有限公司",
                world.neighbour.credit_code,
                business_scope="化工原料仓储",
                building="1号厂房",
                area_m2=1200.5,
                workers=15,
                dangerous_processes="氯化",
                uses="生产、仓储",
                entered_on=date(2024, 3, 1),
            ),
            _row("B02", "常州戊五金加工厂", new_code.lower(), uses="生产，住宿", entered_on="2024/05/20", workers="8"),
        ]
    )
    made = tenants_import(actor=world.landlord_manager, park=world.park, file=io.BytesIO(data))
    assert [t.unified_number for t in made] == ["B01", "B02"]
    first = Tenant.objects.get(park=world.park, unified_number="B01")
    assert first.organisation == world.neighbour  # linked, not a copy
    assert first.building == world.building and first.area_m2 == Decimal("1200.5") and first.workers == 15
    assert (first.uses_production, first.uses_storage, first.uses_living) == (True, True, False)
    assert first.dangerous_processes == "氯化" and first.entered_on == date(2024, 3, 1)
    second = Tenant.objects.get(park=world.park, unified_number="B02")
    assert second.organisation.credit_code == new_code and second.organisation.name == "常州戊五金加工厂"
    assert second.organisation.region == world.landlord.region
    assert second.three_in_one and second.entered_on == date(2024, 5, 20) and second.workers == 8


def test_empty_uses_mean_production(world: World) -> None:
    tenants_import(actor=world.landlord_manager, park=world.park, file=_sheet([_row("B01", "乙", world.neighbour.credit_code)]))
    tenant = Tenant.objects.get(park=world.park, unified_number="B01")
    assert (tenant.uses_production, tenant.uses_storage, tenant.uses_living) == (True, False, False)


@pytest.mark.parametrize(
    ("bad_cells", "column"),
    [
        ({"credit_code": "bad-check"}, "统一社会信用代码"),
        ({"credit_code": "91320411"}, "统一社会信用代码"),
        ({"unified_number": "B01"}, "统一编号"),  # the same as the good row's
        ({"unified_number": "A01"}, "统一编号"),  # a tenant in the park has it
        ({"unified_number": "B 03"}, "统一编号"),
        ({"credit_code": "tenant"}, "统一社会信用代码"),  # already a tenant of the park
        ({"building": "9号仓库"}, "所在建筑"),
        ({"entered_on": "2024-13-45"}, "入驻日期"),
        ({"entered_on": "下个月"}, "入驻日期"),
        ({"entered_on": ""}, "入驻日期"),
        ({"name": ""}, "承租单位名称"),
        ({"area_m2": "很大"}, "租赁面积（平方米）"),
        ({"area_m2": -5}, "租赁面积（平方米）"),
        ({"workers": "十"}, "从业人数"),
        ({"uses": "办公"}, "用途"),
    ],
)
def test_one_bad_row_writes_nothing_and_names_its_row_and_column(world: World, bad_cells: dict[str, Any], column: str) -> None:
    if bad_cells.get("credit_code") == "bad-check":
        bad_cells["credit_code"] = bad_check_character(unknown_code("sheet-bad"))
    if bad_cells.get("credit_code") == "tenant":
        bad_cells["credit_code"] = world.tenant_org.credit_code
    cells = {"unified_number": "B03", **bad_cells}
    number = cells.pop("unified_number")
    data = _sheet(
        [
            _row("B01", "常州戊电子有限公司", world.neighbour.credit_code),
            _row("B02", "常州戊五金加工厂", unknown_code("sheet-good"), building="1号厂房"),
            _row(number, cells.pop("name", "常州己纺织有限公司"), cells.pop("credit_code", unknown_code("sheet-third")), **cells),
        ]
    )
    tenants, organisations = Tenant.objects.count(), Organisation.objects.count()
    with pytest.raises(TenantImportError) as exc:
        tenants_import(actor=world.landlord_manager, park=world.park, file=data)
    assert _errors(exc) == {(4, column)}
    assert "Row 4" in " ".join(exc.value.messages)
    assert (Tenant.objects.count(), Organisation.objects.count()) == (tenants, organisations)


def test_every_problem_of_the_sheet_is_in_the_table(world: World) -> None:
    data = _sheet(
        [
            _row("B01", "常州戊电子有限公司", world.neighbour.credit_code),
            _row("B02", "坏代码公司", bad_check_character(unknown_code("x1"))),
            _row("B01", "重号公司", unknown_code("x2")),
            _row("B04", "无楼公司", unknown_code("x3"), building="99号楼"),
            _row("B05", "坏日期公司", unknown_code("x4"), entered_on="2024-02-30"),
            _row("B06", "重码公司", world.neighbour.credit_code),
        ]
    )
    with pytest.raises(TenantImportError) as exc:
        tenants_import(actor=world.landlord_manager, park=world.park, file=data)
    assert _errors(exc) == {
        (3, "统一社会信用代码"),
        (4, "统一编号"),
        (5, "所在建筑"),
        (6, "入驻日期"),
        (7, "统一社会信用代码"),
    }
    by_row = {e.row: e.problem for e in exc.value.errors}
    assert "row 2" in by_row[4] and "row 2" in by_row[7]
    assert "99号楼" in by_row[5]
    assert "check character" in by_row[3]
    assert Tenant.objects.filter(park=world.park).count() == 2


def test_a_row_refused_while_writing_rolls_back_the_rows_before_it(world: World) -> None:
    # the landlord's own code passes the sheet's checks, and is refused by the register
    new_code = unknown_code("sheet-rollback")
    data = _sheet(
        [
            _row("B01", "常州戊五金加工厂", new_code),
            _row("B02", "常州甲化工有限公司", world.landlord.credit_code),
        ]
    )
    with pytest.raises(TenantImportError) as exc:
        tenants_import(actor=world.landlord_manager, park=world.park, file=data)
    assert [e.row for e in exc.value.errors] == [3]
    assert "own tenant" in exc.value.errors[0].problem
    assert not Tenant.objects.filter(unified_number="B01").exists()
    assert not Organisation.objects.filter(credit_code=new_code).exists()


def test_a_sheet_without_the_required_columns_or_rows_is_refused(world: World) -> None:
    header = [text for key, text in COLUMNS if key != "credit_code"]
    with pytest.raises(TenantImportError) as exc:
        tenants_import(actor=world.landlord_manager, park=world.park, file=_sheet([["B01", "乙"]], header=header))
    assert _errors(exc) == {(1, "统一社会信用代码")}
    with pytest.raises(TenantImportError) as exc:
        tenants_import(actor=world.landlord_manager, park=world.park, file=_sheet([]))
    assert "no rows" in " ".join(exc.value.messages)
    with pytest.raises(TenantImportError) as exc:
        tenants_import(actor=world.landlord_manager, park=world.park, file=b"unified_number,name\nB01,x\n")
    assert "not an Excel" in " ".join(exc.value.messages)
    assert Tenant.objects.filter(park=world.park).count() == 2


def test_columns_may_come_in_any_order(world: World) -> None:
    header = ["入驻日期", "统一社会信用代码", "统一编号", "承租单位名称"]
    data = _sheet([["2024-01-02", world.neighbour.credit_code, "B01", "乙"]], header=header)
    tenants_import(actor=world.landlord_manager, park=world.park, file=data)
    tenant = Tenant.objects.get(park=world.park, unified_number="B01")
    assert tenant.organisation == world.neighbour and tenant.entered_on == date(2024, 1, 2)


def test_the_export_has_the_import_columns_and_one_row_per_tenant(world: World) -> None:
    tenant_update(
        actor=world.landlord_manager, tenant=world.tenant, uses_storage=True, uses_living=True, area_m2=Decimal("350.5")
    )
    tenants = list(Tenant.objects.filter(park=world.park).select_related("organisation", "building"))
    workbook = load_workbook(io.BytesIO(tenants_workbook(tenants)))
    sheet = workbook.active
    assert sheet.title == SHEET_TITLE
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == HEADER
    assert len(rows) == 3
    first = dict(zip(HEADER, rows[1], strict=True))
    assert first["统一编号"] == "A01" and first["统一社会信用代码"] == world.tenant_org.credit_code
    assert first["所在建筑"] == "1号厂房" and first["用途"] == "生产、仓储、住宿" and first["租赁面积（平方米）"] == 350.5


def test_export_then_import_into_a_new_park_round_trips(world: World, city: Any, personas: Any) -> None:
    tenant_update(
        actor=world.landlord_manager,
        tenant=world.tenant,
        uses_storage=True,
        uses_living=True,
        area_m2=Decimal("350.5"),
        workers=23,
        dangerous_processes="喷涂",
    )
    tenant_update(actor=world.landlord_manager, tenant=world.other_tenant, uses_production=False, uses_storage=True)
    old = list(Tenant.objects.filter(park=world.park).select_related("organisation", "building").order_by("unified_number"))
    data = tenants_workbook(old)
    # the same sheet back into the same park: every number is taken
    with pytest.raises(TenantImportError) as exc:
        tenants_import(actor=world.landlord_manager, park=world.park, file=data)
    assert {column for _row, column in _errors(exc)} == {"统一编号", "统一社会信用代码"}

    new_park = park_create(actor=personas.district_b, landlord=city.enterprise_b, name="武进园区")
    building_save(actor=personas.district_b, park=new_park, name="1号厂房")
    organisations = Organisation.objects.count()
    tenants_import(actor=personas.district_b, park=new_park, file=data)
    assert Organisation.objects.count() == organisations  # the same enterprises, linked

    def fields(t: Tenant) -> tuple[Any, ...]:
        return (
            t.unified_number,
            t.organisation_id,
            t.business_scope,
            t.building.name if t.building_id else None,
            t.area_m2,
            t.workers,
            t.dangerous_processes,
            t.uses_production,
            t.uses_storage,
            t.uses_living,
            t.entered_on,
        )

    new = list(Tenant.objects.filter(park=new_park).select_related("organisation", "building").order_by("unified_number"))
    assert [fields(t) for t in new] == [fields(t) for t in old]
    assert all(t.building.park_id == new_park.pk for t in new if t.building_id)


def test_people_who_do_not_run_the_park_cannot_import(world: World) -> None:
    data = _sheet([_row("B01", "乙", world.neighbour.credit_code)])
    for actor in (world.tenant_manager, world.personas.district_b, world.outsider_manager):
        with pytest.raises(PermissionDenied):
            tenants_import(actor=actor, park=world.park, file=data)
    assert not Tenant.objects.filter(unified_number="B01").exists()

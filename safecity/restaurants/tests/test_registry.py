"""The restaurant registry (issue 15 §1): registering catering units, updating their kitchen, the
district's survey sheet in and out; who may do what (personas) and what each of them sees."""

from __future__ import annotations

import io
import random
import zipfile
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext, override_settings

from conftest import City, make_org, make_user
from safecity.core.choices import OrganisationKind, Role
from safecity.core.demo.codes import credit_code
from safecity.core.exports import workbook_bytes
from safecity.core.models import AuditEntry, Organisation
from safecity.core.scoping import principal_for
from safecity.restaurants.choices import KitchenFuel
from safecity.restaurants.models import Restaurant
from safecity.restaurants.selectors import restaurant_get, restaurant_list
from safecity.restaurants.services.common import RestaurantError
from safecity.restaurants.services.registry import restaurant_register, restaurant_update
from safecity.restaurants.services.sheet import (
    COLUMNS,
    EXAMPLE_SHEET_TITLE,
    SHEET_TITLE,
    RestaurantImportError,
    restaurants_export,
    restaurants_import,
    restaurants_import_template,
)

pytestmark = pytest.mark.django_db

HEADERS = [zh for _key, zh, _en in COLUMNS]
_rng = random.Random("restaurants")


def new_code(region_code: str = "320411") -> str:
    """A valid unified social credit code of an individual business (92…) in the region."""
    return credit_code(_rng, region_code=region_code, prefix="92")


@dataclass
class Gas:
    city: City
    supplier_a: Organisation  # a filling unit in district A
    supplier_b: Organisation  # a filling unit in district B


@pytest.fixture
def gas(city: City, personas: Any) -> Gas:
    root = city.superuser
    return Gas(
        city=city,
        supplier_a=make_org("常州新北液化气充装站", OrganisationKind.FILLING_UNIT, city.district_a, actor=root),
        supplier_b=make_org("常州武进液化气充装站", OrganisationKind.FILLING_UNIT, city.district_b, actor=root),
    )


def register(gas: Gas, actor: Any, **extra: Any) -> Restaurant:
    fields: dict[str, Any] = {
        "name": "三井小厨",
        "credit_code": new_code(),
        "region": gas.city.street_a,
        "address": "新北区三井街道河海路1号",
        "latitude": Decimal("31.812345"),
        "longitude": Decimal("119.971234"),
        "fuel": KitchenFuel.BOTTLED_LPG,
        "cylinders_on_site": 2,
        "supplier": gas.supplier_a,
    }
    fields.update(extra)
    return restaurant_register(actor=actor, **fields)


def visible(user: Any) -> set[str]:
    return {r.organisation.name for r in restaurant_list(user=user)}


def sheet(rows: list[list[Any]], headers: list[str] | None = None) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    ws = workbook.active
    ws.title = SHEET_TITLE
    ws.append(headers or HEADERS)
    for row in rows:
        ws.append(row)
    return workbook_bytes(workbook)


def read(content: bytes, title: str = SHEET_TITLE) -> list[list[Any]]:
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(content))
    return [list(r) for r in workbook[title].iter_rows(values_only=True)]


# --- registering one restaurant ------------------------------------------------------------------


def test_district_official_registers_a_restaurant_on_a_street_of_the_district(gas: Gas, personas: Any) -> None:
    code = new_code()
    restaurant = register(gas, personas.district_a, credit_code=code)
    organisation = restaurant.organisation
    assert (organisation.name, organisation.credit_code, organisation.region) == ("三井小厨", code, gas.city.street_a)
    assert organisation.kind == OrganisationKind.ENTERPRISE
    assert organisation.latitude == Decimal("31.812345")
    assert (restaurant.fuel, restaurant.cylinders_on_site, restaurant.cylinders_allowed) == (KitchenFuel.BOTTLED_LPG, 2, 2)
    assert restaurant.supplier == gas.supplier_a
    assert AuditEntry.objects.filter(content_type__model="restaurant", object_id=str(restaurant.pk)).exists()
    # Who sees it: the city and district A; not district B, not another enterprise, not an outsider.
    assert "三井小厨" in visible(personas.city_official)
    assert "三井小厨" in visible(personas.district_a)
    for persona in ("district_b", "enterprise_user", "expert", "outsider"):
        assert visible(getattr(personas, persona)) == set(), persona


def test_an_organisation_already_in_the_registry_is_reused_and_its_people_see_their_record(gas: Gas, personas: Any) -> None:
    enterprise = gas.city.enterprise_a
    before = Organisation.objects.count()
    restaurant = register(gas, personas.district_a, name="另一个名字", credit_code=str(enterprise.credit_code).lower())
    assert restaurant.organisation == enterprise
    assert Organisation.objects.count() == before
    enterprise.refresh_from_db()
    assert enterprise.name == "常州甲化工有限公司"  # the registry's name stands
    assert enterprise.address == "新北区三井街道河海路1号"  # a blank of the registry is filled in
    assert visible(personas.enterprise_user) == {"常州甲化工有限公司"}
    assert visible(personas.district_b) == set()


def test_a_restaurant_already_registered_is_refused_by_name(gas: Gas, personas: Any) -> None:
    code = new_code()
    register(gas, personas.district_a, credit_code=code)
    with pytest.raises(RestaurantError) as refused:
        register(gas, personas.city_official, credit_code=code, name="三井小厨(重复)")
    assert refused.value.error_code == "duplicate"
    assert "三井小厨" in refused.value.messages[0] and code in refused.value.messages[0]
    assert Restaurant.objects.count() == 1


@pytest.mark.parametrize("persona", ["district_b", "enterprise_user", "expert", "outsider"])
def test_others_may_not_register_on_a_street_of_district_a(gas: Gas, personas: Any, persona: str) -> None:
    before = Organisation.objects.count()
    with pytest.raises(PermissionDenied):
        register(gas, getattr(personas, persona))
    assert Restaurant.objects.count() == 0
    assert Organisation.objects.count() == before


def test_an_organisation_of_another_district_is_not_taken_over(gas: Gas, personas: Any) -> None:
    # District A names its own street, but the credit code is an enterprise of district B.
    with pytest.raises(PermissionDenied):
        register(gas, personas.district_a, credit_code=gas.city.enterprise_b.credit_code)
    assert not Restaurant.objects.exists()


def test_the_street_must_be_a_street_and_match_the_registry(gas: Gas, personas: Any) -> None:
    with pytest.raises(RestaurantError) as refused:
        register(gas, personas.district_a, region=gas.city.district_a)
    assert "street" in refused.value.message_dict["region"][0]
    other = make_org("三井街道的另一家", OrganisationKind.ENTERPRISE, gas.city.district_a, actor=gas.city.superuser)
    with pytest.raises(RestaurantError) as refused:
        register(gas, personas.district_a, credit_code=other.credit_code)
    assert "新北区" in refused.value.message_dict["region"][0]
    assert not Restaurant.objects.exists()


@pytest.mark.parametrize("fuel", [KitchenFuel.PIPED_GAS, KitchenFuel.ELECTRIC])
def test_a_converted_kitchen_keeps_no_cylinders(gas: Gas, personas: Any, fuel: str) -> None:
    with pytest.raises(RestaurantError) as refused:
        register(gas, personas.district_a, fuel=fuel, cylinders_on_site=1)
    assert "no LPG cylinders" in refused.value.message_dict["cylinders_on_site"][0]
    assert not Restaurant.objects.exists()
    assert register(gas, personas.district_a, fuel=fuel, cylinders_on_site=0).fuel == fuel


def test_the_supplier_is_a_filling_unit(gas: Gas, personas: Any) -> None:
    with pytest.raises(RestaurantError) as refused:
        register(gas, personas.district_a, supplier=gas.city.enterprise_b)
    assert "not a filling unit" in refused.value.message_dict["supplier"][0]
    # A filling unit of another district may supply the restaurant.
    assert register(gas, personas.district_a, supplier=gas.supplier_b).supplier == gas.supplier_b


def test_a_wrong_credit_code_is_explained(gas: Gas, personas: Any) -> None:
    code = new_code()
    wrong = code[:17] + ("0" if code[17] != "0" else "1")
    with pytest.raises(RestaurantError) as refused:
        register(gas, personas.district_a, credit_code=wrong)
    assert "check character" in refused.value.message_dict["credit_code"][0]


@pytest.mark.parametrize("field", ["name", "address", "credit_code"])
def test_a_nul_character_is_refused_with_a_clear_message(gas: Gas, personas: Any, field: str) -> None:
    value = {"name": "三井\x00小厨", "address": "河海路\x001号", "credit_code": new_code()[:9] + "\x00" + "12345678"}[field]
    with pytest.raises(RestaurantError) as refused:
        register(gas, personas.district_a, **{field: value})
    assert "NUL" in refused.value.message_dict[field][0]
    assert not Restaurant.objects.exists()


def test_the_platform_registers_without_a_user(gas: Gas) -> None:
    restaurant = register(gas, None, name="演示餐馆")
    assert restaurant.organisation.name == "演示餐馆"
    assert Restaurant.objects.filter(organisation__name="演示餐馆").exists()


def test_an_inspector_registers_units_already_in_the_registry_only(gas: Gas, personas: Any) -> None:
    inspector = make_user(gas.city, "inspector_a", gas.city.bureau_a, Role.INSPECTOR, gas.city.district_a)
    assert register(gas, inspector, credit_code=gas.city.enterprise_a.credit_code).organisation == gas.city.enterprise_a
    with pytest.raises(PermissionDenied):
        register(gas, inspector, name="新开小馆")  # a new organisation: the district official's
    content = sheet([row(名称="新开小馆")])
    with pytest.raises(RestaurantImportError) as refused:
        restaurants_import(actor=inspector, file=content)
    assert "only a district official" in refused.value.errors[0].message
    assert visible(inspector) == {"常州甲化工有限公司"}


def test_a_bad_location_or_an_overlong_name_is_a_clear_error(gas: Gas, personas: Any) -> None:
    with pytest.raises(RestaurantError) as refused:
        register(gas, personas.district_a, latitude="北纬31度")
    assert "number of degrees" in refused.value.message_dict["latitude"][0]
    with pytest.raises(RestaurantError) as refused:
        register(gas, personas.district_a, latitude=Decimal("131.8"), longitude=Decimal("31.9"))  # swapped
    assert "Latitude must lie between -90 and 90" in str(refused.value)
    with pytest.raises(RestaurantError) as refused:
        register(gas, personas.district_a, name="餐" * 201)
    assert "200" in refused.value.message_dict["name"][0]
    assert not Restaurant.objects.exists()


# --- updating ------------------------------------------------------------------------------------


def test_a_kitchen_converted_to_piped_gas_gives_up_its_cylinders(gas: Gas, personas: Any) -> None:
    restaurant = register(gas, personas.district_a)
    with pytest.raises(RestaurantError) as refused:
        restaurant_update(actor=personas.district_a, restaurant=restaurant, fuel=KitchenFuel.PIPED_GAS)
    assert "no LPG cylinders" in refused.value.message_dict["cylinders_on_site"][0]
    restaurant.refresh_from_db()
    assert restaurant.fuel == KitchenFuel.BOTTLED_LPG
    restaurant_update(actor=personas.district_a, restaurant=restaurant, fuel=KitchenFuel.PIPED_GAS, cylinders_on_site=0)
    restaurant.refresh_from_db()
    assert (restaurant.fuel, restaurant.cylinders_on_site) == (KitchenFuel.PIPED_GAS, 0)


def test_update_moves_the_location_on_the_organisation_and_checks_the_supplier(gas: Gas, personas: Any) -> None:
    restaurant = register(gas, personas.district_a)
    restaurant_update(
        actor=personas.city_official,
        restaurant=restaurant,
        address="河海路2号",
        latitude=Decimal("31.8"),
        longitude=Decimal("119.9"),
    )
    organisation = Organisation.objects.get(pk=restaurant.organisation_id)
    assert (organisation.address, organisation.latitude, organisation.longitude) == (
        "河海路2号",
        Decimal("31.8"),
        Decimal("119.9"),
    )
    with pytest.raises(RestaurantError):
        restaurant_update(actor=personas.district_a, restaurant=restaurant, supplier=gas.city.enterprise_a)
    with pytest.raises(RestaurantError):
        restaurant_update(actor=personas.district_a, restaurant=restaurant, latitude=None)
    with pytest.raises(TypeError):
        restaurant_update(actor=personas.district_a, restaurant=restaurant, name="改名")


@pytest.mark.parametrize("persona", ["district_b", "enterprise_user", "outsider"])
def test_others_may_not_update_the_restaurant(gas: Gas, personas: Any, persona: str) -> None:
    restaurant = register(gas, personas.district_a)
    with pytest.raises(PermissionDenied):
        restaurant_update(actor=getattr(personas, persona), restaurant=restaurant, cylinders_on_site=5)
    restaurant.refresh_from_db()
    assert restaurant.cylinders_on_site == 2


# --- selectors -----------------------------------------------------------------------------------


def test_restaurant_get_hides_what_the_user_may_not_see(gas: Gas, personas: Any) -> None:
    restaurant = register(gas, personas.district_a)
    assert restaurant_get(user=personas.district_a, pk=restaurant.pk) == restaurant
    for persona in ("district_b", "enterprise_user", "outsider"):
        with pytest.raises(Http404):
            restaurant_get(user=getattr(personas, persona), pk=restaurant.pk)


def test_restaurant_list_filters_and_costs_the_same_for_many_rows(gas: Gas, personas: Any) -> None:
    counts: list[int] = []

    def names() -> set[str]:
        with CaptureQueriesContext(connection) as ctx:
            rows = [
                (r.organisation.name, r.organisation.region.name, r.supplier and r.supplier.name)
                for r in restaurant_list(user=personas.city_official)
            ]
        counts.append(len(ctx.captured_queries))
        return {name for name, _street, _supplier in rows}

    principal_for(personas.city_official)  # loaded once per request, not per row
    register(gas, personas.district_a, name="甲")
    assert names() == {"甲"}
    for name in ("乙", "丙", "丁"):
        register(gas, personas.district_a, name=name, fuel=KitchenFuel.ELECTRIC, cylinders_on_site=0, supplier=None)
    assert names() == {"甲", "乙", "丙", "丁"}
    assert counts[0] == counts[1]  # no query per row
    electric = restaurant_list(user=personas.city_official, filters={"fuel": KitchenFuel.ELECTRIC, "q": ""})
    assert {r.organisation.name for r in electric} == {"乙", "丙", "丁"}
    assert restaurant_list(user=personas.city_official, filters={"region": gas.city.district_b}).count() == 0
    assert restaurant_list(user=personas.city_official, filters={"region": gas.city.street_a}).count() == 4
    assert restaurant_list(user=personas.city_official, filters={"supplier": gas.supplier_a}).count() == 1
    assert restaurant_list(user=personas.district_b, filters={"q": "甲"}).count() == 0


# --- the survey sheet ----------------------------------------------------------------------------


def row(**values: Any) -> list[Any]:
    base: dict[str, Any] = {
        "名称": "河海面馆",
        "统一社会信用代码": new_code(),
        "街道": "三井街道",
        "地址": "河海路8号",
        "经度": 119.97,
        "纬度": 31.81,
        "厨房燃料": "瓶装液化气",
        "现存气瓶数": 2,
        "允许气瓶数": None,
        "供气单位": "常州新北液化气充装站",
    }
    base.update(values)
    return [base[h] for h in HEADERS]


def test_import_registers_every_row_and_the_export_reimports_unchanged(gas: Gas, personas: Any) -> None:
    content = sheet(
        [
            row(名称="河海面馆"),
            row(名称="三井烧烤", 统一社会信用代码=gas.city.enterprise_a.credit_code, 经度=None, 纬度=None),
            row(名称='=HYPERLINK("x")', 街道="320411002", 厨房燃料="电", 现存气瓶数=0, 供气单位=gas.supplier_b.credit_code),
            row(名称="管道小炒", 厨房燃料="Piped gas", 现存气瓶数=None, 允许气瓶数=3, 供气单位=None),
        ]
    )
    result = restaurants_import(actor=personas.district_a, file=io.BytesIO(content))
    assert (result.count, result.organisations_created, result.organisations_reused) == (4, 3, 1)
    assert visible(personas.district_a) == {"河海面馆", "常州甲化工有限公司", '=HYPERLINK("x")', "管道小炒"}
    assert visible(personas.district_b) == set()

    exported = restaurants_export(user=personas.district_a)
    rows = read(exported)
    assert rows[0] == HEADERS
    by_name = {r[0]: r for r in rows[1:]}
    assert by_name['=HYPERLINK("x")'][6] == "电" and by_name['=HYPERLINK("x")'][9] == "常州武进液化气充装站"
    assert by_name["管道小炒"][6:10] == ["管道燃气", 0, 3, None]
    assert by_name["河海面馆"][2] == "三井街道"  # the street by name, not by code

    # Into another database: the same restaurants, field by field.
    def snapshot() -> list[tuple[Any, ...]]:
        return sorted(
            (r.organisation.credit_code, r.organisation.name, r.organisation.region_id, r.organisation.address,
             r.organisation.latitude, r.organisation.longitude, r.fuel, r.cylinders_on_site, r.cylinders_allowed, r.supplier_id)
            for r in Restaurant.objects.select_related("organisation")
        )  # fmt: skip

    before = snapshot()
    Restaurant.objects.all().delete()
    again = restaurants_import(actor=personas.city_official, file=exported)
    assert again.count == 4 and again.organisations_created == 0
    assert snapshot() == before


def test_an_import_with_errors_writes_nothing_and_lists_every_error(gas: Gas, personas: Any) -> None:
    good = new_code()
    code = new_code()
    content = sheet(
        [
            row(统一社会信用代码=good),  # row 2: fine, yet not imported
            row(统一社会信用代码=code[:17] + ("0" if code[17] != "0" else "1")),  # row 3: check character
            row(街道="不存在街道"),  # row 4
            row(厨房燃料="管道燃气", 现存气瓶数=3),  # row 5: converted with cylinders
            row(厨房燃料="柴火"),  # row 6
            row(供气单位="无名充装站", 纬度=None),  # row 7: two errors
            row(街道="湖塘镇"),  # row 8: district B
            row(名称=""),  # row 9
        ]
    )
    organisations = Organisation.objects.count()
    with pytest.raises(RestaurantImportError) as refused:
        restaurants_import(actor=personas.district_a, file=content)
    found = {(e.row, e.column) for e in refused.value.errors}
    assert found == {
        (3, "统一社会信用代码"), (4, "街道"), (5, "现存气瓶数"), (6, "厨房燃料"),
        (7, "供气单位"), (7, "纬度"), (8, "街道"), (9, "名称"),
    }  # fmt: skip
    messages = {(e.row, e.column): e.message for e in refused.value.errors}
    assert "check character" in messages[(3, "统一社会信用代码")]
    assert "no LPG cylinders" in messages[(5, "现存气瓶数")]
    assert "瓶装液化气 / 管道燃气 / 电" in messages[(6, "厨房燃料")]
    assert "outside your jurisdiction" in messages[(8, "街道")]
    assert "row 4, 街道: Unknown street" in refused.value.message_dict["file"][1]
    assert not Restaurant.objects.exists()
    assert Organisation.objects.count() == organisations


def test_a_credit_code_twice_in_the_sheet_or_already_registered_is_a_row_error(gas: Gas, personas: Any) -> None:
    registered = register(gas, personas.district_a)
    twice = new_code()
    content = sheet(
        [
            row(统一社会信用代码=twice),
            row(统一社会信用代码=twice, 名称="河海面馆二店"),
            row(统一社会信用代码=registered.organisation.credit_code),
        ]
    )
    with pytest.raises(RestaurantImportError) as refused:
        restaurants_import(actor=personas.district_a, file=content)
    messages = {(e.row, e.column): e.message for e in refused.value.errors}
    assert list(messages) == [(3, "统一社会信用代码"), (4, "统一社会信用代码")]
    assert "also row 2" in messages[(3, "统一社会信用代码")]
    assert "三井小厨 is already in the registry" in messages[(4, "统一社会信用代码")]
    assert Restaurant.objects.count() == 1


def test_a_nul_byte_in_the_sheet_is_refused_cleanly(gas: Gas, personas: Any) -> None:
    """PostgreSQL text cannot hold NUL, nor can XML: such a sheet is refused as unreadable, not a 500."""
    data = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(sheet([row(名称="河海面馆"), row(名称="三井烧烤")]))) as source,
        zipfile.ZipFile(data, "w") as target,
    ):
        for item in source.infolist():
            target.writestr(item, source.read(item.filename).replace("河海面馆".encode(), "河海\x00面馆".encode()))
    organisations = Organisation.objects.count()
    with pytest.raises(RestaurantImportError) as refused:
        restaurants_import(actor=personas.district_a, file=data.getvalue())
    assert [(e.row, e.column) for e in refused.value.errors] == [(0, "")]
    assert "Excel workbook (.xlsx)" in refused.value.errors[0].message
    assert not Restaurant.objects.exists()
    assert Organisation.objects.count() == organisations


@pytest.mark.parametrize(
    ("content", "words"),
    [
        ("名称,统一社会信用代码\n河海面馆,x\n".encode(), ".xlsx"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, ".xls"),
        (b"PK\x03\x04 not really a zip", ".xlsx"),
    ],
)
def test_a_file_that_is_not_an_xlsx_workbook_is_refused_clearly(gas: Gas, personas: Any, content: bytes, words: str) -> None:
    with pytest.raises(RestaurantImportError) as refused:
        restaurants_import(actor=personas.district_a, file=io.BytesIO(content))
    assert [(e.row, e.column) for e in refused.value.errors] == [(0, "")]
    assert words in refused.value.errors[0].message


def test_sheet_limits_and_missing_columns(gas: Gas, personas: Any) -> None:
    too_many = sheet([row(), row(), row()])
    with override_settings(SAFECITY_RESTAURANT_IMPORT_MAX_ROWS=2), pytest.raises(RestaurantImportError, match="at most 2 rows"):
        restaurants_import(actor=personas.district_a, file=too_many)
    with override_settings(SAFECITY_RESTAURANT_IMPORT_MAX_BYTES=1024), pytest.raises(RestaurantImportError, match="larger than"):
        restaurants_import(actor=personas.district_a, file=sheet([row()]))
    with pytest.raises(RestaurantImportError) as refused:
        restaurants_import(actor=personas.district_a, file=sheet([], headers=["名称", "地址"]))
    assert {e.column for e in refused.value.errors} == {"统一社会信用代码", "街道", "厨房燃料"}
    with pytest.raises(RestaurantImportError, match="lists no restaurant"):
        restaurants_import(actor=personas.district_a, file=sheet([]))
    assert not Restaurant.objects.exists()


def test_english_headers_are_read_too(gas: Gas, personas: Any) -> None:
    english = [en for _key, _zh, en in COLUMNS]
    result = restaurants_import(actor=personas.district_a, file=sheet([row(厨房燃料="Electric", 现存气瓶数=0)], headers=english))
    assert result.restaurants[0].fuel == KitchenFuel.ELECTRIC


@pytest.mark.parametrize("persona", ["enterprise_user", "expert", "outsider"])
def test_only_officials_and_inspectors_import(gas: Gas, personas: Any, persona: str) -> None:
    with pytest.raises(PermissionDenied):
        restaurants_import(actor=getattr(personas, persona), file=sheet([row()]))
    assert not Restaurant.objects.exists()


def test_an_import_for_another_district_is_refused(gas: Gas, personas: Any) -> None:
    with pytest.raises(PermissionDenied):
        restaurants_import(actor=personas.district_a, file=sheet([row(街道="湖塘镇")]), region=gas.city.district_b)
    # The city limits a sheet to one district: a street elsewhere is unknown there.
    with pytest.raises(RestaurantImportError, match="Unknown street"):
        restaurants_import(actor=personas.city_official, file=sheet([row(街道="湖塘镇")]), region=gas.city.district_a)
    assert not Restaurant.objects.exists()


def test_the_export_shows_each_user_only_their_restaurants(gas: Gas, personas: Any) -> None:
    register(gas, personas.district_a, name="新北餐馆")
    register(gas, personas.district_b, name="武进餐馆", region=gas.city.street_b, credit_code=new_code("320412"))
    assert {r[0] for r in read(restaurants_export(user=personas.district_b))[1:]} == {"武进餐馆"}
    assert {r[0] for r in read(restaurants_export(user=personas.city_official))[1:]} == {"新北餐馆", "武进餐馆"}
    assert read(restaurants_export(user=personas.outsider)) == [HEADERS]
    everything = Restaurant.objects.all()
    assert {r[0] for r in read(restaurants_export(user=personas.district_a, queryset=everything))[1:]} == {"新北餐馆"}


def test_the_template_has_the_headers_and_an_example_that_is_never_imported(gas: Gas, personas: Any) -> None:
    template = restaurants_import_template()
    assert read(template) == [HEADERS]
    example = read(template, EXAMPLE_SHEET_TITLE)
    assert example[0] == HEADERS and len(example) == 2
    with pytest.raises(RestaurantImportError, match="lists no restaurant"):
        restaurants_import(actor=personas.district_a, file=template)

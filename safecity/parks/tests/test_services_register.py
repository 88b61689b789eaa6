"""The register (services/register.py): parks, tenants, site plans and shapes. Every refusal
leaves nothing written."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from PIL import Image

from safecity.core.choices import OrganisationKind
from safecity.core.models import Organisation
from safecity.parks.choices import ShapeKind
from safecity.parks.models import (
    Park,
    SafetyAgreement,
    SiteShape,
    Tenant,
    TenantInspection,
)
from safecity.parks.services import (
    ParksError,
    building_save,
    inspection_record,
    park_create,
    park_update,
    shape_add,
    site_plan_upload,
    tenant_leave,
    tenant_register,
    tenant_update,
)
from safecity.parks.tests.helpers import (
    World,
    agreement,
    all_passed,
    bad_check_character,
    build_world,
    minimal_pdf,
    png,
    today,
    unknown_code,
)


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def world(city: Any, personas: Any) -> World:
    return build_world(city, personas)


def _messages(exc: pytest.ExceptionInfo[Any]) -> str:
    return " ".join(exc.value.messages)


def _plan(world: World, width: int = 400, height: int = 300) -> Park:
    world.park = site_plan_upload(actor=world.landlord_manager, park=world.park, file=io.BytesIO(png(width, height)))
    return world.park


# --- parks -------------------------------------------------------------------------------------


def test_the_landlord_of_a_park_is_an_enterprise(city: Any, personas: Any) -> None:
    with pytest.raises(ParksError) as exc:
        park_create(actor=personas.city_official, landlord=city.bureau_a, name="机关园区")
    assert "landlord" in exc.value.message_dict
    assert not Park.objects.exists()


def test_a_district_official_registers_parks_of_its_own_district_only(city: Any, personas: Any) -> None:
    with pytest.raises(PermissionDenied):
        park_create(actor=personas.district_b, landlord=city.enterprise_a, name="新北创业园")
    assert not Park.objects.exists()
    park = park_create(actor=personas.district_a, landlord=city.enterprise_a, name="新北创业园", inspection_interval_days=30)
    assert park.landlord == city.enterprise_a and park.inspection_interval_days == 30
    # the landlord's own manager registers its park too
    own = park_create(actor=personas.enterprise_user, landlord=city.enterprise_a, name="二号园区")
    assert own.pk and Park.objects.count() == 2


def test_a_park_name_is_unique_for_its_landlord_and_the_period_is_in_range(city: Any, personas: Any) -> None:
    park_create(actor=personas.district_a, landlord=city.enterprise_a, name="新北创业园")
    with pytest.raises(ValidationError):
        park_create(actor=personas.district_a, landlord=city.enterprise_a, name="新北创业园")
    with pytest.raises(ValidationError):
        park_create(actor=personas.district_a, landlord=city.enterprise_a, name="三号园区", inspection_interval_days=400)
    assert Park.objects.count() == 1


def test_the_landlord_updates_its_park_but_another_district_cannot(world: World) -> None:
    park_update(actor=world.landlord_manager, park=world.park, inspection_interval_days=30, gate_notice="进园须登记")
    world.park.refresh_from_db()
    assert world.park.inspection_interval_days == 30 and world.park.gate_notice == "进园须登记"
    with pytest.raises(PermissionDenied):
        park_update(actor=world.personas.district_b, park=world.park, inspection_interval_days=60)
    world.park.refresh_from_db()
    assert world.park.inspection_interval_days == 30


# --- tenants -----------------------------------------------------------------------------------


def test_a_tenant_is_registered_with_its_number_and_enterprise(world: World) -> None:
    tenant = world.tenant
    assert tenant.organisation == world.tenant_org
    assert tenant.full_number == "XB-A01"
    assert tenant.building == world.building and tenant.in_park


@pytest.mark.parametrize(
    ("code", "words"),
    [
        ("91320411123", "18 characters; this one has 11"),
        ("check", "The check character is wrong"),
    ],
)
def test_an_invalid_credit_code_is_refused_with_a_clear_message(world: World, code: str, words: str) -> None:
    if code == "check":
        code = bad_check_character(unknown_code("bad"))
    tenants, organisations = Tenant.objects.count(), Organisation.objects.count()
    with pytest.raises(ParksError) as exc:
        tenant_register(
            actor=world.landlord_manager,
            park=world.park,
            credit_code=code,
            unified_number="B01",
            entered_on=today(),
            name="某公司",
        )
    assert words in " ".join(exc.value.message_dict["credit_code"])
    assert (Tenant.objects.count(), Organisation.objects.count()) == (tenants, organisations)


def test_a_unified_number_already_in_the_park_is_a_duplicate(world: World) -> None:
    with pytest.raises(ParksError) as exc:
        tenant_register(
            actor=world.landlord_manager,
            park=world.park,
            credit_code=world.neighbour.credit_code,
            unified_number="A01",
            entered_on=today(),
        )
    assert exc.value.error_code == "duplicate"
    assert "A01" in " ".join(exc.value.message_dict["unified_number"])
    assert Tenant.objects.filter(park=world.park).count() == 2


def test_a_malformed_unified_number_is_refused(world: World) -> None:
    for number in ("", "A 01", "编号1", "X" * 25):
        with pytest.raises(ParksError) as exc:
            tenant_register(
                actor=world.landlord_manager,
                park=world.park,
                credit_code=world.neighbour.credit_code,
                unified_number=number,
                entered_on=today(),
            )
        assert "unified_number" in exc.value.message_dict
    assert Tenant.objects.filter(park=world.park).count() == 2


def test_the_same_enterprise_is_a_tenant_of_a_park_once(world: World) -> None:
    with pytest.raises(ParksError) as exc:
        tenant_register(
            actor=world.landlord_manager,
            park=world.park,
            credit_code=world.tenant_org.credit_code,
            unified_number="A09",
            entered_on=today(),
        )
    assert exc.value.error_code == "duplicate"
    assert world.tenant_org.name in " ".join(exc.value.message_dict["credit_code"])
    assert Tenant.objects.filter(park=world.park, organisation=world.tenant_org).count() == 1


def test_a_left_tenants_number_may_be_given_to_a_new_tenant(world: World) -> None:
    tenant_leave(actor=world.landlord_manager, tenant=world.tenant, reason="合同到期")
    newcomer = tenant_register(
        actor=world.landlord_manager,
        park=world.park,
        credit_code=world.neighbour.credit_code,
        unified_number="A01",
        entered_on=today(),
    )
    assert newcomer.unified_number == "A01"
    numbers = sorted(Tenant.objects.filter(park=world.park, unified_number="A01").values_list("left_on", flat=True), key=str)
    assert len(numbers) == 2 and today() in numbers and None in numbers
    # and the enterprise that left may come back later, under another number
    back = tenant_register(
        actor=world.landlord_manager,
        park=world.park,
        credit_code=world.tenant_org.credit_code,
        unified_number="A07",
        entered_on=today(),
    )
    assert back.organisation == world.tenant_org


def test_an_unknown_credit_code_registers_a_new_enterprise_in_the_parks_region(world: World) -> None:
    code = unknown_code("newcomer")
    assert not Organisation.objects.filter(credit_code=code).exists()
    # a name is needed to register it
    with pytest.raises(ParksError) as exc:
        tenant_register(actor=world.landlord_manager, park=world.park, credit_code=code, unified_number="B01", entered_on=today())
    assert "name" in exc.value.message_dict
    assert not Organisation.objects.filter(credit_code=code).exists()
    tenant = tenant_register(
        actor=world.landlord_manager,
        park=world.park,
        credit_code=code.lower(),
        unified_number="B01",
        entered_on=today(),
        name=" 常州戊五金加工厂 ",
    )
    organisation = Organisation.objects.get(credit_code=code)
    assert tenant.organisation == organisation
    assert organisation.name == "常州戊五金加工厂"
    assert organisation.kind == OrganisationKind.ENTERPRISE
    assert organisation.region == world.landlord.region


def test_a_registered_enterprise_is_linked_not_duplicated(world: World) -> None:
    organisations = Organisation.objects.count()
    tenant = tenant_register(
        actor=world.landlord_manager,
        park=world.park,
        credit_code=world.neighbour.credit_code,
        unified_number="B02",
        entered_on=today(),
        name="一个别的名字",
    )
    assert tenant.organisation == world.neighbour
    assert Organisation.objects.count() == organisations
    world.neighbour.refresh_from_db()
    assert world.neighbour.name == "常州戊电子有限公司"


def test_the_landlord_is_not_its_own_tenant_nor_is_a_bureau(world: World) -> None:
    with pytest.raises(ParksError) as exc:
        tenant_register(
            actor=world.landlord_manager,
            park=world.park,
            credit_code=world.landlord.credit_code,
            unified_number="B03",
            entered_on=today(),
        )
    assert "not its own tenant" in " ".join(exc.value.message_dict["credit_code"])
    with pytest.raises(ParksError) as exc:
        tenant_register(
            actor=world.landlord_manager,
            park=world.park,
            credit_code=world.city.bureau_a.credit_code,
            unified_number="B03",
            entered_on=today(),
        )
    assert "not an enterprise" in " ".join(exc.value.message_dict["credit_code"])
    assert not Tenant.objects.filter(unified_number="B03").exists()


def test_a_tenant_is_put_in_a_building_of_its_own_park_only(world: World, city: Any, personas: Any) -> None:
    other_park = park_create(actor=personas.district_b, landlord=city.enterprise_b, name="武进园区")
    elsewhere = building_save(actor=personas.district_b, park=other_park, name="A栋")
    with pytest.raises(ParksError) as exc:
        tenant_register(
            actor=world.landlord_manager,
            park=world.park,
            credit_code=world.neighbour.credit_code,
            unified_number="B04",
            entered_on=today(),
            building=elsewhere,
        )
    assert "building" in exc.value.message_dict
    with pytest.raises(ParksError):
        tenant_update(actor=world.landlord_manager, tenant=world.tenant, building=elsewhere)
    world.tenant.refresh_from_db()
    assert world.tenant.building == world.building


def test_tenant_update_refuses_a_number_another_tenant_has(world: World) -> None:
    with pytest.raises(ParksError) as exc:
        tenant_update(actor=world.landlord_manager, tenant=world.other_tenant, unified_number="A01")
    assert exc.value.error_code == "duplicate"
    world.other_tenant.refresh_from_db()
    assert world.other_tenant.unified_number == "A02"
    # its own number, and a fresh one, are fine; so are the uses and the workers
    tenant_update(actor=world.landlord_manager, tenant=world.other_tenant, unified_number="A02", workers=12)
    tenant_update(actor=world.landlord_manager, tenant=world.other_tenant, unified_number="A03", uses_storage=True)
    world.other_tenant.refresh_from_db()
    assert (world.other_tenant.unified_number, world.other_tenant.workers, world.other_tenant.uses_storage) == ("A03", 12, True)


def test_tenant_update_may_take_the_number_of_a_tenant_that_left(world: World) -> None:
    tenant_leave(actor=world.landlord_manager, tenant=world.tenant)
    tenant_update(actor=world.landlord_manager, tenant=world.other_tenant, unified_number="A01")
    world.other_tenant.refresh_from_db()
    assert world.other_tenant.unified_number == "A01"


def test_a_tenant_that_left_keeps_its_history_and_frees_its_shapes(world: World) -> None:
    agreement(world, world.tenant, start=today() - timedelta(days=20), end=today() + timedelta(days=345))
    inspection_record(
        actor=world.landlord_manager, tenant=world.tenant, inspected_on=today() - timedelta(days=1), results=all_passed()
    )
    _plan(world)
    area = shape_add(
        actor=world.landlord_manager,
        park=world.park,
        kind=ShapeKind.TENANT_AREA,
        points=[[10, 10], [100, 10], [100, 100]],
        tenant=world.tenant,
    )
    route = shape_add(actor=world.landlord_manager, park=world.park, kind=ShapeKind.ESCAPE_ROUTE, points=[[0, 0], [50, 50]])
    other_area = shape_add(
        actor=world.landlord_manager,
        park=world.park,
        kind=ShapeKind.TENANT_AREA,
        points=[[200, 10], [300, 10], [300, 100]],
        tenant=world.other_tenant,
    )
    left = tenant_leave(actor=world.landlord_manager, tenant=world.tenant, reason="搬迁")
    assert left.left_on == today() and left.left_reason == "搬迁" and not left.in_park
    kept = Tenant.objects.get(pk=world.tenant.pk)
    assert kept.organisation == world.tenant_org and kept.unified_number == "A01"
    assert SafetyAgreement.objects.filter(tenant=kept).count() == 1
    assert TenantInspection.objects.filter(tenant=kept).count() == 1
    assert not SiteShape.objects.filter(pk=area.pk).exists()
    assert SiteShape.objects.filter(pk__in=[route.pk, other_area.pk]).count() == 2
    # it leaves once; its record is then kept as it was
    with pytest.raises(ParksError) as exc:
        tenant_leave(actor=world.landlord_manager, tenant=kept)
    assert exc.value.error_code == "left"
    with pytest.raises(ParksError) as exc:
        tenant_update(actor=world.landlord_manager, tenant=kept, workers=3)
    assert exc.value.error_code == "left"


def test_a_tenant_cannot_leave_before_it_moved_in(world: World) -> None:
    with pytest.raises(ValidationError):
        tenant_leave(actor=world.landlord_manager, tenant=world.tenant, left_on=world.tenant.entered_on - timedelta(days=1))
    world.tenant.refresh_from_db()
    assert world.tenant.left_on is None


# --- site plan ---------------------------------------------------------------------------------


def test_a_png_site_plan_is_stored_with_its_size(world: World) -> None:
    park = _plan(world, 640, 480)
    assert (park.site_plan_width, park.site_plan_height) == (640, 480)
    with park.site_plan.open("rb") as stored:
        image = Image.open(stored)
        assert image.format == "PNG" and image.size == (640, 480)


def test_a_jpeg_site_plan_is_stored_as_png(world: World) -> None:
    buffer = io.BytesIO()
    Image.new("RGB", (120, 90), (0, 128, 0)).save(buffer, format="JPEG")
    buffer.seek(0)
    park = site_plan_upload(actor=world.landlord_manager, park=world.park, file=buffer)
    assert (park.site_plan_width, park.site_plan_height) == (120, 90)
    assert park.site_plan.name.endswith(".png")


def test_a_huge_site_plan_is_scaled_down(world: World) -> None:
    park = _plan(world, 5000, 100)
    assert park.site_plan_width == 4000 and park.site_plan_height == 80


def test_a_pdf_site_plan_page_is_rendered_to_an_image(world: World) -> None:
    park = site_plan_upload(actor=world.landlord_manager, park=world.park, file=io.BytesIO(minimal_pdf(200, 100)))
    # 200 x 100 points at 110 dpi
    assert park.site_plan_width == pytest.approx(306, abs=2)
    assert park.site_plan_height == pytest.approx(153, abs=2)
    with park.site_plan.open("rb") as stored:
        assert Image.open(stored).format == "PNG"


def test_a_pdf_page_that_does_not_exist_is_refused(world: World) -> None:
    with pytest.raises(ParksError) as exc:
        site_plan_upload(actor=world.landlord_manager, park=world.park, file=io.BytesIO(minimal_pdf()), page=3)
    assert "page 3" in _messages(exc)
    world.park.refresh_from_db()
    assert not world.park.site_plan


def test_a_file_that_is_not_an_image_is_refused_and_the_old_plan_stays(world: World) -> None:
    _plan(world, 400, 300)
    for junk in (b"PK\x03\x04 a word document", b"%PDF-1.4 broken beyond repair", b""):
        with pytest.raises(ParksError) as exc:
            site_plan_upload(actor=world.landlord_manager, park=world.park, file=io.BytesIO(junk))
        assert "site_plan" in exc.value.message_dict
    world.park.refresh_from_db()
    assert (world.park.site_plan_width, world.park.site_plan_height) == (400, 300)


def test_shapes_are_scaled_when_the_plan_changes_size(world: World) -> None:
    _plan(world, 400, 300)
    area = shape_add(
        actor=world.landlord_manager,
        park=world.park,
        kind=ShapeKind.TENANT_AREA,
        points=[[100, 100], [200, 100], [200, 200]],
        tenant=world.tenant,
    )
    point = shape_add(actor=world.landlord_manager, park=world.park, kind=ShapeKind.ASSEMBLY_POINT, points=[[40, 30]])
    _plan(world, 800, 150)
    area.refresh_from_db()
    point.refresh_from_db()
    assert area.points == [[200, 50], [400, 50], [400, 100]]
    assert point.points == [[80, 15]]
    # a plan of the same size again moves nothing
    _plan(world, 800, 150)
    point.refresh_from_db()
    assert point.points == [[80, 15]]


# --- shapes ------------------------------------------------------------------------------------


def test_shapes_are_drawn_only_on_an_uploaded_plan(world: World) -> None:
    with pytest.raises(ParksError) as exc:
        shape_add(actor=world.landlord_manager, park=world.park, kind=ShapeKind.ASSEMBLY_POINT, points=[[1, 1]])
    assert "site_plan" in exc.value.message_dict
    assert not SiteShape.objects.exists()


@pytest.mark.parametrize(
    ("kind", "points", "ok"),
    [
        (ShapeKind.TENANT_AREA, [[10, 10], [50, 10]], False),  # an area needs 3 points
        (ShapeKind.TENANT_AREA, [[10, 10], [50, 10], [50, 50]], True),
        (ShapeKind.ASSEMBLY_POINT, [[10, 10], [20, 20]], False),  # exactly one
        (ShapeKind.ASSEMBLY_POINT, [], False),
        (ShapeKind.ASSEMBLY_POINT, [[10, 10]], True),
        (ShapeKind.ESCAPE_ROUTE, [[10, 10]], False),  # a line needs 2
        (ShapeKind.VEHICLE_WAY, [[10, 10], [390, 10]], True),
        (ShapeKind.PEDESTRIAN_WAY, [[0, 0], [400, 300]], True),  # the plan's corners are on it
        (ShapeKind.PEDESTRIAN_WAY, [[0, 0], [401, 10]], False),  # beyond the right edge
        (ShapeKind.PEDESTRIAN_WAY, [[0, 0], [10, 301]], False),  # below the bottom
        (ShapeKind.ESCAPE_ROUTE, [[-1, 5], [10, 10]], False),
        (ShapeKind.ESCAPE_ROUTE, "not points", False),
        (ShapeKind.ESCAPE_ROUTE, [["a", "b"], [1, 2]], False),
        ("fence", [[1, 1], [2, 2]], False),
    ],
)
def test_shape_kinds_and_points(world: World, kind: str, points: Any, ok: bool) -> None:
    _plan(world, 400, 300)
    tenant = world.tenant if kind == ShapeKind.TENANT_AREA else None
    if ok:
        shape = shape_add(actor=world.landlord_manager, park=world.park, kind=kind, points=points, tenant=tenant)
        assert SiteShape.objects.get(pk=shape.pk).points == [[float(x), float(y)] for x, y in points]
    else:
        with pytest.raises(ParksError):
            shape_add(actor=world.landlord_manager, park=world.park, kind=kind, points=points, tenant=tenant)
        assert not SiteShape.objects.exists()


def test_a_tenant_area_names_a_tenant_of_this_park_still_in_it(world: World, city: Any, personas: Any) -> None:
    _plan(world, 400, 300)
    triangle = [[10, 10], [50, 10], [50, 50]]
    other_park = park_create(actor=personas.district_b, landlord=city.enterprise_b, name="武进园区")
    stranger = tenant_register(
        actor=personas.district_b,
        park=other_park,
        credit_code=world.tenant_org.credit_code,
        unified_number="W1",
        entered_on=today(),
    )
    for tenant in (None, stranger):
        with pytest.raises(ParksError) as exc:
            shape_add(actor=world.landlord_manager, park=world.park, kind=ShapeKind.TENANT_AREA, points=triangle, tenant=tenant)
        assert "tenant" in exc.value.message_dict
    # only a tenant area names a tenant
    with pytest.raises(ParksError):
        shape_add(
            actor=world.landlord_manager,
            park=world.park,
            kind=ShapeKind.ESCAPE_ROUTE,
            points=[[1, 1], [2, 2]],
            tenant=world.tenant,
        )
    tenant_leave(actor=world.landlord_manager, tenant=world.other_tenant)
    world.other_tenant.refresh_from_db()
    with pytest.raises(ParksError):
        shape_add(
            actor=world.landlord_manager, park=world.park, kind=ShapeKind.TENANT_AREA, points=triangle, tenant=world.other_tenant
        )
    assert not SiteShape.objects.exists()

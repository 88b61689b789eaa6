"""The landlord's management (services/management.py): agreements, inspections (each failed item a
hidden hazard of the tenant) and trainings. Every refusal leaves nothing written."""

from __future__ import annotations

import io
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from safecity.hazards.choices import HazardLevel, HazardSource, HazardState, HazardType
from safecity.hazards.models import HiddenHazard
from safecity.parks.models import (
    InspectionFinding,
    Park,
    SafetyAgreement,
    TenantInspection,
    Training,
    TrainingAttendance,
)
from safecity.parks.services import (
    ParksError,
    agreement_record,
    inspection_record,
    park_create,
    site_plan_upload,
    tenant_leave,
    tenant_register,
    training_record,
)
from safecity.parks.tests.helpers import (
    World,
    agreement,
    all_passed,
    build_world,
    minimal_pdf,
    png,
    today,
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


# --- agreements --------------------------------------------------------------------------------


def test_an_agreement_is_recorded_with_its_document(world: World) -> None:
    document = SimpleUploadedFile("协议.pdf", minimal_pdf(), content_type="application/pdf")
    made = agreement(
        world,
        world.tenant,
        start=today() - timedelta(days=10),
        end=today() + timedelta(days=355),
        document=document,
        in_lease=True,
    )
    made.refresh_from_db()
    assert made.tenant == world.tenant and made.in_lease and made.recorded_by == world.landlord_manager
    assert made.document.name.endswith(".pdf")
    with made.document.open("rb") as stored:
        assert stored.read(5) == b"%PDF-"


@pytest.mark.parametrize(
    ("signed", "start", "end", "words"),
    [
        (-10, -10, -10, "valid until a day after it starts"),
        (-10, -10, -11, "valid until a day after it starts"),
        (-5, -10, 300, "signed on or before the day it starts"),
    ],
)
def test_agreement_dates_are_checked(world: World, signed: int, start: int, end: int, words: str) -> None:
    with pytest.raises(ValidationError) as exc:
        agreement(
            world,
            world.tenant,
            signed_on=today() + timedelta(days=signed),
            start=today() + timedelta(days=start),
            end=today() + timedelta(days=end),
        )
    assert words in _messages(exc)
    assert not SafetyAgreement.objects.exists()


def test_an_agreement_signed_before_it_starts_is_fine(world: World) -> None:
    made = agreement(
        world,
        world.tenant,
        signed_on=today() - timedelta(days=40),
        start=today() - timedelta(days=30),
        end=today() + timedelta(days=300),
    )
    assert made.pk


@pytest.mark.parametrize(
    ("name", "content", "ok"),
    [
        ("协议.docx", b"PK\x03\x04word document", False),
        ("协议.txt", "安全生产管理协议".encode(), False),
        ("协议.pdf", b"not really a pdf", False),
        ("协议.png", bytes.fromhex("89504e470d0a1a0a0000000d49484452"), True),
        ("协议.jpg", b"\xff\xd8\xff\xe0\x00\x10JFIF", True),
    ],
)
def test_an_agreement_document_is_a_pdf_or_a_photo(world: World, name: str, content: bytes, ok: bool) -> None:
    document = SimpleUploadedFile(name, content)
    if ok:
        agreement(world, world.tenant, start=today(), end=today() + timedelta(days=365), document=document)
        assert SafetyAgreement.objects.count() == 1
    else:
        with pytest.raises(ParksError) as exc:
            agreement(world, world.tenant, start=today(), end=today() + timedelta(days=365), document=document)
        assert "document" in exc.value.message_dict
        assert not SafetyAgreement.objects.exists()


def test_an_agreement_with_a_tenant_that_left_is_refused(world: World) -> None:
    tenant_leave(actor=world.landlord_manager, tenant=world.tenant)
    with pytest.raises(ParksError) as exc:
        agreement(world, world.tenant, start=today(), end=today() + timedelta(days=365))
    assert exc.value.error_code == "left"
    assert not SafetyAgreement.objects.exists()


def test_an_agreement_sets_out_the_duties_of_both_sides(world: World) -> None:
    with pytest.raises(ParksError):
        agreement_record(
            actor=world.landlord_manager,
            tenant=world.tenant,
            signed_on=today(),
            valid_from=today(),
            valid_until=today() + timedelta(days=365),
            landlord_duties="统一协调",
            tenant_duties="  ",
        )
    assert not SafetyAgreement.objects.exists()


# --- inspections -------------------------------------------------------------------------------


def _counts() -> tuple[int, int, int]:
    return TenantInspection.objects.count(), InspectionFinding.objects.count(), HiddenHazard.objects.count()


def test_each_failed_item_is_a_hidden_hazard_of_the_tenant(world: World) -> None:
    results = all_passed()
    results["exits"] = {"ok": False, "note": "二楼安全出口堆放货物"}
    results["electrical"] = {"ok": False, "note": "私拉电线"}
    day = today() - timedelta(days=2)
    inspection = inspection_record(
        actor=world.landlord_manager, tenant=world.tenant, inspected_on=day, results=results, inspector_name="园区安全员王工"
    )
    assert inspection.failed == 2 and inspection.inspector_name == "园区安全员王工"
    findings = {f.item: f for f in InspectionFinding.objects.filter(inspection=inspection).select_related("hazard")}
    assert set(findings) == {"exits", "electrical"}
    exits, electrical = findings["exits"].hazard, findings["electrical"].hazard
    for finding, hazard in ((findings["exits"], exits), (findings["electrical"], electrical)):
        assert hazard.organisation == world.tenant_org  # the tenant's, not the landlord's
        assert hazard.state == HazardState.TO_CONFIRM
        assert hazard.source == HazardSource.ROUTINE
        assert finding.note in hazard.description
    assert exits.hazard_type == HazardType.FIRE
    assert electrical.hazard_type == HazardType.ELECTRICAL
    assert "二楼安全出口堆放货物" in exits.description
    assert HiddenHazard.objects.filter(organisation=world.tenant_org).count() == 2
    assert not HiddenHazard.objects.filter(organisation=world.tenant_org, level=HazardLevel.MAJOR).exists()


def test_an_inspection_all_passed_reports_nothing_and_names_the_inspector(world: World) -> None:
    inspection = inspection_record(actor=world.landlord_manager, tenant=world.tenant, inspected_on=today(), results=all_passed())
    assert inspection.failed == 0 and inspection.inspector_name == "enterprise_user"
    assert not InspectionFinding.objects.exists()
    assert not HiddenHazard.objects.filter(organisation=world.tenant_org).exists()


def test_every_checklist_item_must_be_answered(world: World) -> None:
    results = all_passed()
    del results["storage"]
    before = _counts()
    with pytest.raises(ParksError) as exc:
        inspection_record(actor=world.landlord_manager, tenant=world.tenant, inspected_on=today(), results=results)
    assert "missing" in _messages(exc) and "Flammable goods" in _messages(exc)
    assert _counts() == before


def test_a_failed_item_says_what_was_found(world: World) -> None:
    results = all_passed()
    results["exits"] = {"ok": False, "note": "二楼安全出口堆放货物"}
    results["no_living"] = {"ok": False, "note": "   "}
    before = _counts()
    with pytest.raises(ParksError) as exc:
        inspection_record(actor=world.landlord_manager, tenant=world.tenant, inspected_on=today(), results=results)
    assert "Nobody lives" in _messages(exc)
    # nothing written, not even the hazard of the item that was fine
    assert _counts() == before


def test_unknown_checklist_items_are_refused(world: World) -> None:
    results = {**all_passed(), "coffee": {"ok": True}}
    before = _counts()
    with pytest.raises(ParksError) as exc:
        inspection_record(actor=world.landlord_manager, tenant=world.tenant, inspected_on=today(), results=results)
    assert "coffee" in _messages(exc)
    assert _counts() == before


def test_an_inspection_is_on_a_day_the_tenant_was_in_the_park_and_not_in_the_future(world: World) -> None:
    failed = {**all_passed(), "exits": {"ok": False, "note": "堵塞"}}
    before = _counts()
    for day, field in (
        (today() + timedelta(days=1), "inspected_on"),
        (world.tenant.entered_on - timedelta(days=1), "inspected_on"),
    ):
        with pytest.raises(ParksError) as exc:
            inspection_record(actor=world.landlord_manager, tenant=world.tenant, inspected_on=day, results=failed)
        assert field in exc.value.message_dict
    assert _counts() == before
    # on the day it moved in: fine
    inspection_record(
        actor=world.landlord_manager, tenant=world.tenant, inspected_on=world.tenant.entered_on, results=all_passed()
    )


def test_a_tenant_that_left_is_not_inspected_after_it_left(world: World) -> None:
    left_on = today() - timedelta(days=5)
    tenant_leave(actor=world.landlord_manager, tenant=world.tenant, left_on=left_on)
    before = _counts()
    with pytest.raises(ParksError):
        inspection_record(actor=world.landlord_manager, tenant=world.tenant, inspected_on=today(), results=all_passed())
    assert _counts() == before
    # its history may still be completed with an inspection before it left
    inspection_record(actor=world.landlord_manager, tenant=world.tenant, inspected_on=left_on, results=all_passed())
    assert TenantInspection.objects.filter(tenant=world.tenant).count() == 1


# --- trainings ---------------------------------------------------------------------------------


def _training(world: World, attendance: dict[int, int], **extra: Any) -> Training:
    values: dict[str, Any] = {
        "kind": "drill",
        "held_on": today() - timedelta(days=1),
        "topic": "消防疏散演练",
        "hours": Decimal("1.5"),
    }
    values.update(extra)
    return training_record(actor=world.landlord_manager, park=world.park, attendance=attendance, **values)


def test_a_training_records_each_tenants_attendance(world: World) -> None:
    training = _training(world, {world.tenant.pk: 12, world.other_tenant.pk: 0})
    rows = list(TrainingAttendance.objects.filter(training=training).values_list("tenant_id", "attendees"))
    assert rows == [(world.tenant.pk, 12)]  # nobody from 丁: no row


def test_attendance_is_for_the_parks_tenants_of_that_day(world: World, city: Any, personas: Any) -> None:
    other_park = park_create(actor=personas.district_b, landlord=city.enterprise_b, name="武进园区")
    stranger = tenant_register(
        actor=personas.district_b,
        park=other_park,
        credit_code=world.tenant_org.credit_code,
        unified_number="W1",
        entered_on=today(),
    )
    late = tenant_register(
        actor=world.landlord_manager,
        park=world.park,
        credit_code=world.neighbour.credit_code,
        unified_number="A05",
        entered_on=today(),
    )
    gone = tenant_leave(actor=world.landlord_manager, tenant=world.other_tenant, left_on=today() - timedelta(days=3))
    for attendance in (
        {stranger.pk: 3},  # another park's tenant
        {world.tenant.pk: 3, late.pk: 2},  # moved in after the drill
        {world.tenant.pk: 3, gone.pk: 2},  # left before the drill
        {world.tenant.pk: -1},
        {world.tenant.pk: 0},  # nobody came
        {},
    ):
        with pytest.raises(ParksError) as exc:
            _training(world, attendance)
        assert "attendance" in exc.value.message_dict
    assert not Training.objects.exists() and not TrainingAttendance.objects.exists()
    # the one that left attended the drill held before it left
    _training(world, {gone.pk: 4}, held_on=today() - timedelta(days=4))
    assert TrainingAttendance.objects.get().tenant == gone


def test_a_training_is_recorded_once_held_and_lasts_some_time(world: World) -> None:
    with pytest.raises(ParksError):
        _training(world, {world.tenant.pk: 3}, held_on=today() + timedelta(days=1))
    with pytest.raises(ValidationError):
        _training(world, {world.tenant.pk: 3}, hours=Decimal("0"))
    assert not Training.objects.exists()

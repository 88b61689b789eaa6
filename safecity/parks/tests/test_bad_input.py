"""Input that must be refused in words, never a server error or a record nobody can mend: days at
the end of the calendar, an enterprise of another district enrolled as a tenant, odd digits and
huge numbers, a PDF declaring a page of metres."""

from __future__ import annotations

import io
from datetime import date, timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook

from safecity.parks import services
from safecity.parks.rules import Period, agreement_state, inspection_due
from safecity.parks.services import ParksError
from safecity.parks.services.sheet import COLUMNS, TenantImportError
from safecity.parks.tests.helpers import World, build_world, minimal_pdf, today, unknown_code


@pytest.fixture
def world(city: Any, personas: Any) -> World:
    return build_world(city, personas)


def test_the_rules_survive_the_end_of_the_calendar() -> None:
    assert inspection_due(entered_on=date(9999, 12, 1), last_inspected_on=None, interval_days=90) == date.max
    state = agreement_state([Period(date(2024, 1, 1), date.max)], date(2026, 1, 1))
    assert state == "valid"


def test_a_tenant_cannot_move_in_in_the_future_and_its_day_can_be_corrected(world: World) -> None:
    with pytest.raises(ParksError) as refused:
        services.tenant_register(
            actor=world.landlord_manager,
            park=world.park,
            credit_code=unknown_code("future"),
            name="未来的厂",
            unified_number="F-01",
            entered_on=date(9999, 12, 31),
        )
    assert "entered_on" in refused.value.message_dict
    corrected = services.tenant_update(
        actor=world.landlord_manager, tenant=world.tenant, entered_on=today() - timedelta(days=400)
    )
    assert corrected.entered_on == today() - timedelta(days=400)
    with pytest.raises(ParksError):
        services.tenant_update(actor=world.landlord_manager, tenant=world.tenant, entered_on=today() + timedelta(days=1))


def test_an_agreement_without_end_is_refused_in_words(world: World) -> None:
    with pytest.raises(ParksError) as refused:
        services.agreement_record(
            actor=world.landlord_manager,
            tenant=world.tenant,
            signed_on=today(),
            valid_from=today(),
            valid_until=date(9999, 12, 31),
            landlord_duties="统一协调",
            tenant_duties="主体责任",
        )
    assert "2199" in " ".join(refused.value.messages)


def test_an_enterprise_of_another_district_is_not_the_landlords_to_enrol(world: World) -> None:
    other = world.city.enterprise_b  # 武进区; the park is in 新北区
    with pytest.raises(ParksError) as refused:
        services.tenant_register(
            actor=world.landlord_manager,
            park=world.park,
            credit_code=other.credit_code,
            unified_number="X-01",
            entered_on=today(),
        )
    assert other.name in " ".join(refused.value.messages)


def test_odd_digits_in_the_sheet_are_a_row_error_not_a_crash(world: World) -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append([text for _key, text in COLUMNS])
    sheet.append(["S-01", "上标厂", unknown_code("superscript"), "", "", "", "²", "", "生产", "2024-03-01"])
    data = io.BytesIO()
    workbook.save(data)
    with pytest.raises(TenantImportError) as refused:
        services.tenants_import(actor=world.landlord_manager, park=world.park, file=data.getvalue())
    assert [(e.row, e.column) for e in refused.value.errors] == [(2, "从业人数")]


def test_a_huge_attendance_is_a_form_error(world: World) -> None:
    client = Client()
    client.force_login(world.landlord_manager)
    response = client.post(
        reverse("parks:training_new", args=[world.park.pk]),
        {
            "kind": "drill",
            "held_on": today().isoformat(),
            "topic": "演练",
            "hours": "1",
            f"attendees_{world.tenant.pk}": "99999999999999999999",
        },
    )
    assert response.status_code == 400


def test_a_pdf_declaring_a_page_of_metres_is_drawn_at_a_bounded_size(world: World, settings: Any, tmp_path: Any) -> None:
    # 14,400 pt square at 110 dpi would be 22,000 px a side (2 GB to draw): pdftoppm scales it down.
    settings.MEDIA_ROOT = str(tmp_path)
    park = services.site_plan_upload(
        actor=world.landlord_manager, park=world.park, file=SimpleUploadedFile("plan.pdf", minimal_pdf(14400, 14400))
    )
    assert 0 < max(park.site_plan_width or 0, park.site_plan_height or 0) <= 4000

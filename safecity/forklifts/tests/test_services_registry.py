"""The registry's services: adding trucks, use registration, inspections, every allowed and
forbidden status change, officers; who may do what (personas)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from safecity.core import services as core_services
from safecity.core.models import AuditEntry
from safecity.forklifts import services
from safecity.forklifts.choices import EventKind, ForkliftAction, ForkliftStatus, InspectionResult, SafetyRole, ZoneKind
from safecity.forklifts.models import ForkliftEvent, SafetyAppointment
from safecity.forklifts.services import ForkliftError
from safecity.forklifts.transitions import TRANSITIONS

from .conftest import SQUARE

pytestmark = pytest.mark.django_db


def test_enterprise_adds_a_truck_to_its_own_plant_and_it_is_audited(fleet: Any, personas: Any) -> None:
    truck = fleet.truck(actor=personas.enterprise_user)
    assert truck.status == ForkliftStatus.IN_USE
    assert truck.next_inspection_on is not None and truck.next_inspection_on.day >= 28  # set to the month's end
    assert ForkliftEvent.objects.filter(forklift=truck, kind=EventKind.ADDED).exists()
    assert AuditEntry.objects.filter(content_type__model="forklift", object_id=str(truck.pk)).exists()


@pytest.mark.parametrize("persona", ["district_b", "expert", "outsider"])
def test_others_may_not_add_a_truck_to_enterprise_a(fleet: Any, personas: Any, persona: str) -> None:
    with pytest.raises(PermissionDenied):
        fleet.truck(actor=getattr(personas, persona))


def test_district_official_adds_within_the_district(fleet: Any, personas: Any) -> None:
    assert fleet.truck(actor=personas.district_a).organisation == fleet.city.enterprise_a


def test_truck_must_be_in_a_plant_of_its_enterprise(fleet: Any) -> None:
    with pytest.raises(ValidationError, match="plant"):
        services.forklift_add(
            actor=None, organisation=fleet.city.enterprise_a, plant=fleet.plant_b, number="X", product_number="P",
            manufacturer="m", model_name="m", vehicle_type="reach", rated_load_kg=1000,
            manufactured_on=timezone.localdate(),
        )  # fmt: skip


def test_registration_number_and_date_go_together_and_numbers_are_unique(fleet: Any) -> None:
    with pytest.raises(ValidationError):
        fleet.truck(registration_number="车11苏D99999", registered_on=None)
    fleet.truck(registration_number="车11苏D12345")
    with pytest.raises(ForkliftError) as error:
        fleet.truck(registration_number="车11苏D12345")
    assert error.value.error_code == "duplicate"


def test_dates_in_the_future_or_first_use_before_manufacture_are_refused(fleet: Any) -> None:
    today = timezone.localdate()
    with pytest.raises(ValidationError):
        fleet.truck(manufactured_on=today + timedelta(days=1), first_used_on=None)
    with pytest.raises(ValidationError):
        fleet.truck(first_used_on=today - timedelta(days=500))


def test_use_registration_recorded_late_is_marked_late(fleet: Any, personas: Any) -> None:
    today = timezone.localdate()
    truck = fleet.truck(first_used_on=today - timedelta(days=40), registration_number="", registered_on=None)
    assert truck.registration_status() == "overdue"
    services.forklift_register_use(
        actor=personas.enterprise_user, forklift=truck, registration_number="车11苏D00001", registered_on=today
    )
    truck.refresh_from_db()
    assert truck.registration_status() == "late"
    with pytest.raises(ForkliftError) as again:
        services.forklift_register_use(
            actor=personas.enterprise_user, forklift=truck, registration_number="车11苏D00002", registered_on=today
        )
    assert again.value.error_code == "duplicate"


def test_registration_on_day_30_is_on_time(fleet: Any, personas: Any) -> None:
    today = timezone.localdate()
    truck = fleet.truck(first_used_on=today - timedelta(days=30), registration_number="", registered_on=None)
    assert truck.registration_status() == "pending"
    services.forklift_register_use(
        actor=personas.enterprise_user, forklift=truck, registration_number="车11苏D00003", registered_on=today
    )
    truck.refresh_from_db()
    assert truck.registration_status() == "on_time"


def test_passed_inspection_sets_the_next_date_and_failed_one_stops_the_truck(fleet: Any, personas: Any) -> None:
    truck = fleet.truck()
    today = timezone.localdate()
    services.forklift_inspection_record(
        actor=personas.enterprise_user, forklift=truck, inspected_on=today, result=InspectionResult.PASS, report_number="R1"
    )
    truck.refresh_from_db()
    assert truck.next_inspection_on.year == today.year + 2 and truck.next_inspection_on.month == today.month
    services.forklift_inspection_record(
        actor=personas.enterprise_user, forklift=truck, inspected_on=today, result=InspectionResult.FAIL, report_number="R2"
    )
    truck.refresh_from_db()
    assert truck.status == ForkliftStatus.STOPPED
    # A failed truck may not be resumed until it passes.
    with pytest.raises(ForkliftError) as refused:
        services.forklift_transition(actor=personas.enterprise_user, forklift=truck, action=ForkliftAction.RESUME)
    assert refused.value.error_code == "guard"
    with pytest.raises(ValidationError):
        services.forklift_inspection_record(
            actor=personas.enterprise_user,
            forklift=truck,
            inspected_on=today - timedelta(days=1),
            result="pass",
            report_number="R3",
        )


def test_every_allowed_transition(fleet: Any, personas: Any) -> None:
    for (action, source), transition in TRANSITIONS.items():
        truck = fleet.truck()
        if source == ForkliftStatus.STOPPED:
            services.forklift_transition(actor=None, forklift=truck, action=ForkliftAction.STOP)
        actor = personas.enterprise_user
        done = services.forklift_transition(actor=actor, forklift=truck, action=action)
        assert done.status == transition.target
        event = ForkliftEvent.objects.filter(forklift=truck).latest("id")
        assert (event.kind, event.from_status, event.to_status) == (action, source, transition.target)


@pytest.mark.parametrize(
    ("source", "action"),
    [
        (ForkliftStatus.IN_USE, ForkliftAction.RESUME),
        (ForkliftStatus.STOPPED, ForkliftAction.STOP),
        (ForkliftStatus.SCRAPPED, ForkliftAction.STOP),
        (ForkliftStatus.SCRAPPED, ForkliftAction.RESUME),
        (ForkliftStatus.SCRAPPED, ForkliftAction.SCRAP),
    ],
)
def test_every_forbidden_transition(fleet: Any, personas: Any, source: str, action: str) -> None:
    truck = fleet.truck()
    if source == ForkliftStatus.STOPPED:
        services.forklift_transition(actor=None, forklift=truck, action=ForkliftAction.STOP)
    if source == ForkliftStatus.SCRAPPED:
        services.forklift_transition(actor=None, forklift=truck, action=ForkliftAction.SCRAP)
    with pytest.raises(ForkliftError) as error:
        services.forklift_transition(actor=personas.enterprise_user, forklift=truck, action=action)
    assert error.value.error_code == "transition_not_allowed"
    truck.refresh_from_db()
    assert truck.status == source


def test_roles_of_the_transitions(fleet: Any, personas: Any) -> None:
    truck = fleet.truck()
    # The regulator may stop a truck of its district, not resume it; another district may do nothing.
    with pytest.raises(PermissionDenied):
        services.forklift_transition(actor=personas.district_b, forklift=truck, action=ForkliftAction.STOP)
    services.forklift_transition(actor=personas.district_a, forklift=truck, action=ForkliftAction.STOP)
    with pytest.raises(PermissionDenied):
        services.forklift_transition(actor=personas.district_a, forklift=truck, action=ForkliftAction.RESUME)
    with pytest.raises(PermissionDenied):
        services.forklift_transition(actor=personas.outsider, forklift=truck, action=ForkliftAction.RESUME)
    services.forklift_transition(actor=personas.enterprise_user, forklift=truck, action=ForkliftAction.RESUME)


def test_an_overdue_truck_cannot_be_resumed_until_inspected(fleet: Any, personas: Any) -> None:
    today = timezone.localdate()
    truck = fleet.truck(last_inspected_on=today - timedelta(days=800))
    services.forklift_transition(actor=personas.enterprise_user, forklift=truck, action=ForkliftAction.STOP)
    with pytest.raises(ForkliftError, match="inspection"):
        services.forklift_transition(actor=personas.enterprise_user, forklift=truck, action=ForkliftAction.RESUME)
    services.forklift_inspection_record(
        actor=personas.enterprise_user, forklift=truck, inspected_on=today, result="pass", report_number="R"
    )
    assert (
        services.forklift_transition(actor=personas.enterprise_user, forklift=truck, action=ForkliftAction.RESUME).status
        == "in_use"
    )


def test_expected_status_conflict(fleet: Any, personas: Any) -> None:
    truck = fleet.truck()
    with pytest.raises(ForkliftError) as error:
        services.forklift_transition(
            actor=personas.enterprise_user, forklift=truck, action="stop", expected=ForkliftStatus.STOPPED
        )
    assert error.value.error_code == "conflict"


def test_a_named_officer_per_truck_must_be_appointed(fleet: Any, personas: Any) -> None:
    truck = fleet.truck()
    services.forklift_officer_assign(actor=personas.enterprise_user, forklift=truck, person=fleet.officer_a)
    truck.refresh_from_db()
    assert truck.safety_officer == fleet.officer_a
    stranger = core_services.person_create(actor=fleet.city.superuser, name="路人", organisation=fleet.city.enterprise_a)
    with pytest.raises(ValidationError):
        services.forklift_officer_assign(actor=personas.enterprise_user, forklift=truck, person=stranger)
    # Ending the appointment leaves the truck without a named officer (to be named again).
    appointment = SafetyAppointment.objects.get(person=fleet.officer_a)
    services.safety_appointment_end(actor=personas.enterprise_user, appointment=appointment, ended_on=timezone.localdate())
    truck.refresh_from_db()
    assert truck.safety_officer is None


def test_one_safety_director_at_a_time(fleet: Any, personas: Any) -> None:
    org = fleet.city.enterprise_a
    first = core_services.person_create(actor=fleet.city.superuser, name="钱总监", organisation=org)
    second = core_services.person_create(actor=fleet.city.superuser, name="孙总监", organisation=org)
    today = timezone.localdate()
    services.safety_appoint(
        actor=personas.enterprise_user, organisation=org, person=first, role=SafetyRole.DIRECTOR, appointed_on=today
    )
    services.safety_appoint(
        actor=personas.enterprise_user, organisation=org, person=second, role=SafetyRole.DIRECTOR, appointed_on=today
    )
    current = SafetyAppointment.objects.filter(organisation=org, role=SafetyRole.DIRECTOR, ended_on__isnull=True)
    assert [a.person for a in current] == [second]
    with pytest.raises(PermissionDenied):
        services.safety_appoint(
            actor=personas.district_b, organisation=org, person=first, role=SafetyRole.OFFICER, appointed_on=today
        )


def test_zone_kinds_and_limits(fleet: Any) -> None:
    zone = services.plant_zone_add(actor=None, plant=fleet.plant_a, name="人行通道", kind=ZoneKind.PEDESTRIAN, polygon=SQUARE)
    assert zone.speed_limit_kmh == Decimal("3")
    forbidden = services.plant_zone_add(
        actor=None, plant=fleet.plant_a, name="危化品库", kind=ZoneKind.FORBIDDEN, polygon=SQUARE, speed_limit_kmh=Decimal("5")
    )
    assert forbidden.speed_limit_kmh is None
    with pytest.raises(ValidationError):
        services.plant_zone_add(
            actor=None, plant=fleet.plant_a, name="坏", kind=ZoneKind.INDOOR, polygon=[[119.95, 31.78], [119.951, 31.78]]
        )
    with pytest.raises(ValidationError, match="bounds"):
        services.plant_zone_add(
            actor=None,
            plant=fleet.plant_a,
            name="外",
            kind=ZoneKind.INDOOR,
            polygon=[[120.0, 31.78], [120.01, 31.78], [120.01, 31.79]],
        )


def test_plant_bounds_must_be_ordered(fleet: Any, personas: Any) -> None:
    with pytest.raises(ValidationError):
        services.plant_create(
            actor=personas.enterprise_user, organisation=fleet.city.enterprise_a, name="反",
            south=Decimal("31.79"), west=Decimal("119.95"), north=Decimal("31.78"), east=Decimal("119.96"),
        )  # fmt: skip


def test_reminders_one_month_ahead_are_sent_once(fleet: Any, personas: Any) -> None:
    from safecity.core.models import Notification

    today = timezone.localdate()
    truck = fleet.truck(last_inspected_on=today - timedelta(days=710))
    fleet.driver(issued=today - timedelta(days=4 * 365 - 10))
    counts = services.forklifts_reminders(today=today)
    assert counts["inspection_due_soon"] + counts["inspection_overdue"] == 1
    assert counts["certificate_expiring"] == 1
    assert Notification.objects.filter(recipient=personas.enterprise_user).count() == 2
    assert services.forklifts_reminders(today=today)["notifications"] == 0
    with time_machine.travel(timezone.now() + timedelta(days=60)):
        later = services.forklifts_reminders()
    assert later["inspection_overdue"] == 1 and later["certificate_expired"] == 1
    assert truck.pk

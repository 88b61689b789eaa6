"""The registry: plants and zones, trucks, use registration, periodic inspections, status changes and
the named safety officer per truck (TSG 81-2022; Special Equipment Safety Law arts. 33, 40;
SAMR order No. 74)."""

from __future__ import annotations

import math
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.files.base import File
from django.db import transaction
from django.utils.translation import gettext as _

from safecity.core.models import Organisation, Person
from safecity.core.scoping import roles_for
from safecity.forklifts import compliance
from safecity.forklifts.choices import EventKind, ForkliftStatus, InspectionResult, SafetyRole, VehicleType, ZoneKind
from safecity.forklifts.models import Forklift, ForkliftInspection, Plant, PlantZone, SafetyAppointment
from safecity.forklifts.services.common import (
    ForkliftError,
    is_platform,
    not_in_future,
    record_event,
    require_change,
    require_target,
    today,
)
from safecity.forklifts.transitions import transition_for
from safecity.telemetry.rules import RuleError, parse_zone

# No national limit: plants commonly set 5 km/h indoors and 3 km/h where people walk (domain-rules §4).
DEFAULT_SPEED_LIMITS: dict[str, Decimal | None] = {
    ZoneKind.INDOOR: Decimal("5"),
    ZoneKind.OUTDOOR: Decimal("10"),
    ZoneKind.PEDESTRIAN: Decimal("3"),
    ZoneKind.FORBIDDEN: None,
}
SITE_PLAN_TYPES = {"png", "jpg", "jpeg", "svg"}


@transaction.atomic
def plant_create(
    *,
    actor: Any,
    organisation: Organisation,
    name: str,
    south: Decimal,
    west: Decimal,
    north: Decimal,
    east: Decimal,
    address: str = "",
    site_plan: File | None = None,
) -> Plant:
    """Add a plant of ``organisation`` with its bounds (WGS 84) and, optionally, its site plan image.

    Who: the enterprise's people or the regulator reaching it."""
    plant = Plant(
        organisation=organisation, name=(name or "").strip(), address=address, south=south, west=west, north=north, east=east
    )
    if site_plan is not None:
        extension = (site_plan.name or "").rsplit(".", 1)[-1].lower()
        if extension not in SITE_PLAN_TYPES:
            raise ForkliftError({"site_plan": _("A site plan is a PNG, JPEG or SVG image.")})
    plant.full_clean(exclude=["site_plan"])
    require_target(actor, plant)
    plant.save()
    if site_plan is not None:
        plant.site_plan.save(site_plan.name or "plan.png", site_plan, save=True)
    return plant


@transaction.atomic
def plant_zone_add(
    *, actor: Any, plant: Plant, name: str, kind: str, polygon: list[list[float]], speed_limit_kmh: Decimal | None = None
) -> PlantZone:
    """Add a zone to a plant: a polygon in lon/lat inside the plant's bounds, its kind and speed limit
    (the kind's usual limit when none is given; a forbidden zone has none: no entry)."""
    require_change(actor, plant)
    points_ok = isinstance(polygon, list) and all(
        isinstance(p, (list, tuple)) and len(p) == 2 and all(isinstance(c, (int, float)) and math.isfinite(c) for c in p)
        for p in polygon
    )
    if not points_ok:
        raise ForkliftError({"polygon": _("A zone is a list of [longitude, latitude] points.")})
    try:
        parse_zone({"polygon": polygon}, "polygon")
    except RuleError as error:
        raise ForkliftError({"polygon": str(error)}) from None
    margin = Decimal("0.0005")  # about 50 m: a zone may reach the fence around the plan's edge
    for lon, lat in polygon:
        if not (
            plant.west - margin <= Decimal(str(lon)) <= plant.east + margin
            and plant.south - margin <= Decimal(str(lat)) <= plant.north + margin
        ):
            raise ForkliftError({"polygon": _("Every point of the zone must lie within the plant's bounds.")})
    if kind == ZoneKind.FORBIDDEN:
        speed_limit_kmh = None
    elif speed_limit_kmh is None:
        speed_limit_kmh = DEFAULT_SPEED_LIMITS.get(kind)
    generated = _generated_rule_sets(plant)
    zone = PlantZone(
        plant=plant,
        name=(name or "").strip(),
        kind=kind,
        polygon=[[float(x), float(y)] for x, y in polygon],
        speed_limit_kmh=speed_limit_kmh,
    )
    zone.full_clean()
    zone.save()
    _follow_plant(actor, generated)
    return zone


def _generated_rule_sets(plant: Plant) -> list[tuple[Forklift, Any]]:
    """The plant's trucks whose device's rule set is still exactly what the platform generated for
    the truck (``forklift_rules``): those follow the plant's zones. A rule set people have edited,
    or one shared with other devices, is theirs and left alone."""
    from django.db.models import Count

    from safecity.forklifts.rules import forklift_rules

    trucks = (
        Forklift.objects.filter(plant=plant, device__rule_set__isnull=False)
        .exclude(status=ForkliftStatus.SCRAPPED)
        .select_related("plant", "device__rule_set")
        .annotate(rule_set_devices=Count("device__rule_set__devices"))
    )
    found = []
    for truck in trucks:
        rule_set = truck.device.rule_set  # type: ignore[union-attr]
        if truck.rule_set_devices == 1 and rule_set.rules == forklift_rules(truck):  # type: ignore[attr-defined]
            found.append((truck, rule_set))
    return found


def _follow_plant(actor: Any, generated: list[tuple[Forklift, Any]]) -> None:
    from safecity.forklifts.rules import forklift_rules
    from safecity.telemetry.services.rule_sets import rule_set_update

    for truck, rule_set in generated:
        rule_set_update(actor=actor, rule_set=rule_set, rules=forklift_rules(truck))


@transaction.atomic
def forklift_add(
    *,
    actor: Any,
    organisation: Organisation,
    plant: Plant,
    number: str,
    product_number: str,
    manufacturer: str,
    model_name: str,
    vehicle_type: str,
    rated_load_kg: int,
    manufactured_on: date,
    first_used_on: date | None = None,
    registration_number: str = "",
    registered_on: date | None = None,
    last_inspected_on: date | None = None,
    safety_officer: Person | None = None,
) -> Forklift:
    """Put a truck on the registry of its user enterprise, in one of its plants.

    The dates are facts from its papers: none lies in the future, first use not before manufacture;
    a registration is its certificate number and date together (TSG 81-2022); the next periodic
    inspection follows from the last one (2 years, sightseeing vehicles 1 year, to the month)."""
    if plant.organisation_id != organisation.pk:
        raise ForkliftError({"plant": _("The plant must belong to the truck's user enterprise.")})
    if vehicle_type not in VehicleType.values:
        raise ForkliftError({"vehicle_type": _("Unknown vehicle type.")})
    future = _("This date lies in the future.")
    for field, value in (
        ("manufactured_on", manufactured_on),
        ("first_used_on", first_used_on),
        ("registered_on", registered_on),
        ("last_inspected_on", last_inspected_on),
    ):
        not_in_future(value, field, future)
    if first_used_on is not None and first_used_on < manufactured_on:
        raise ForkliftError({"first_used_on": _("First use cannot be before manufacture.")})
    registration_number = (registration_number or "").strip()
    if bool(registration_number) != (registered_on is not None):
        raise ForkliftError({"registration_number": _("A use registration needs both its certificate number and its date.")})
    forklift = Forklift(
        organisation=organisation,
        plant=plant,
        number=(number or "").strip(),
        product_number=(product_number or "").strip(),
        manufacturer=manufacturer,
        model_name=model_name,
        vehicle_type=vehicle_type,
        rated_load_kg=rated_load_kg,
        manufactured_on=manufactured_on,
        first_used_on=first_used_on,
        registration_number=registration_number,
        registered_on=registered_on,
        status=ForkliftStatus.IN_USE,
    )
    if last_inspected_on is not None:
        forklift.last_inspected_on = last_inspected_on
        forklift.last_inspection_result = InspectionResult.PASS
        forklift.next_inspection_on = compliance.next_inspection_on(inspected_on=last_inspected_on, vehicle_type=vehicle_type)
    if safety_officer is not None:
        _check_officer(organisation, safety_officer)
        forklift.safety_officer = safety_officer
    _check_registration_unique(registration_number)
    forklift.full_clean()
    require_target(actor, forklift)
    forklift.save()
    record_event(forklift, kind=EventKind.ADDED, actor=actor, to_status=forklift.status)
    return forklift


def _check_registration_unique(number: str, *, exclude: int | None = None) -> None:
    if not number:
        return
    taken = Forklift.objects.filter(registration_number=number)
    if exclude is not None:
        taken = taken.exclude(pk=exclude)
    if taken.exists():
        raise ForkliftError(
            {"registration_number": _("The registration certificate number “%(number)s” is already used.") % {"number": number}},
            code="duplicate",
        )


def _lock(forklift: Forklift) -> Forklift:
    return Forklift.objects.select_for_update().select_related("organisation__region").get(pk=forklift.pk)


@transaction.atomic
def forklift_register_use(*, actor: Any, forklift: Forklift, registration_number: str, registered_on: date) -> Forklift:
    """Record the use registration (使用登记) of a truck: its certificate number and date.

    On time when within 30 days of first use (law art. 33); later is recorded and shown as late.
    Who: the enterprise (entering its certificate) or the regulator that registered it."""
    forklift = _lock(forklift)
    require_change(actor, forklift)
    if forklift.registration_number:
        raise ForkliftError(
            _("This truck is already registered (%(number)s).") % {"number": forklift.registration_number}, code="duplicate"
        )
    if forklift.status == ForkliftStatus.SCRAPPED:
        raise ForkliftError(_("A scrapped truck is not registered for use."), code="transition_not_allowed")
    number = (registration_number or "").strip()
    if not number:
        raise ForkliftError({"registration_number": _("This field is required.")})
    not_in_future(registered_on, "registered_on", _("This date lies in the future."))
    if forklift.first_used_on is None:
        forklift.first_used_on = registered_on
    _check_registration_unique(number, exclude=forklift.pk)
    forklift.registration_number, forklift.registered_on = number, registered_on
    forklift.full_clean()
    forklift.save()
    late = forklift.registration_status(registered_on) != "on_time"
    record_event(forklift, kind=EventKind.REGISTERED, actor=actor, comment=f"{number}{' · ' + _('late') if late else ''}")
    return forklift


@transaction.atomic
def forklift_inspection_record(
    *,
    actor: Any,
    forklift: Forklift,
    inspected_on: date,
    result: str,
    report_number: str,
    inspection_body: str = "",
    comment: str = "",
) -> ForkliftInspection:
    """Record a periodic inspection (TSG 81-2022): a pass sets the next date (2 years on, to the
    month; sightseeing vehicles 1 year); a fail stops a truck in use (art. 40: it may not be used)."""
    forklift = _lock(forklift)
    require_change(actor, forklift)
    if forklift.status == ForkliftStatus.SCRAPPED:
        raise ForkliftError(_("A scrapped truck is not inspected."), code="transition_not_allowed")
    if result not in InspectionResult.values:
        raise ForkliftError({"result": _("Unknown result.")})
    not_in_future(inspected_on, "inspected_on", _("This date lies in the future."))
    if forklift.last_inspected_on is not None and inspected_on < forklift.last_inspected_on:
        raise ForkliftError(
            {
                "inspected_on": _("An inspection cannot be recorded before the last one (%(date)s).")
                % {"date": forklift.last_inspected_on}
            }
        )
    if not (report_number or "").strip():
        raise ForkliftError({"report_number": _("This field is required.")})
    passed = result == InspectionResult.PASS
    inspection = ForkliftInspection(
        forklift=forklift,
        inspected_on=inspected_on,
        result=result,
        report_number=report_number.strip(),
        inspection_body=inspection_body,
        next_inspection_on=compliance.next_inspection_on(inspected_on=inspected_on, vehicle_type=forklift.vehicle_type)
        if passed
        else None,
        comment=comment,
    )
    inspection.full_clean()
    inspection.save()
    forklift.last_inspected_on = inspected_on
    forklift.last_inspection_result = result
    if passed:
        forklift.next_inspection_on = inspection.next_inspection_on
    forklift.save(update_fields=["last_inspected_on", "last_inspection_result", "next_inspection_on", "updated_at"])
    record_event(
        forklift, kind=EventKind.INSPECTED, actor=actor, comment=f"{inspection.report_number} · {inspection.get_result_display()}"
    )
    if not passed and forklift.status == ForkliftStatus.IN_USE:
        forklift.status = ForkliftStatus.STOPPED
        forklift.save(update_fields=["status", "updated_at"])
        record_event(
            forklift, kind=EventKind.STOP, actor=actor, from_status=ForkliftStatus.IN_USE, to_status=ForkliftStatus.STOPPED,
            comment=_("Failed its periodic inspection."),
        )  # fmt: skip
    return inspection


@transaction.atomic
def forklift_transition(
    *, actor: Any, forklift: Forklift, action: str, comment: str = "", expected: str | None = None
) -> Forklift:
    """Stop, resume or scrap a truck, as ``transitions.py`` allows: the row locked, the state
    re-checked, the actor's roles on this truck and the record guard checked, the change and its
    timeline row written together."""
    forklift = _lock(forklift)
    if expected is not None and forklift.status != expected:
        raise ForkliftError(
            _("The truck is already “%(status)s”; reload to see it.") % {"status": forklift.get_status_display()}, code="conflict"
        )
    transition = transition_for(action, forklift.status)
    if transition is None:
        raise ForkliftError(
            _("“%(action)s” is not allowed while the truck is “%(status)s”.")
            % {"action": action, "status": forklift.get_status_display()},
            code="transition_not_allowed",
        )
    if not is_platform(actor) and not (roles_for(actor, forklift) & transition.roles):
        raise PermissionDenied
    if transition.guard is not None:
        refused = transition.guard(forklift, today())
        if refused:
            raise ForkliftError(str(refused), code="guard")
    source = forklift.status
    forklift.status = transition.target
    forklift.save(update_fields=["status", "updated_at"])
    record_event(forklift, kind=action, actor=actor, comment=comment, from_status=source, to_status=forklift.status)
    return forklift


def _check_officer(organisation: Organisation, person: Person) -> None:
    appointed = SafetyAppointment.objects.filter(organisation=organisation, person=person, ended_on__isnull=True).exists()
    if person.organisation_id != organisation.pk or not appointed:
        raise ForkliftError({"safety_officer": _("The safety officer must be one of the enterprise's appointed safety people.")})


@transaction.atomic
def forklift_officer_assign(*, actor: Any, forklift: Forklift, person: Person) -> Forklift:
    """Name the safety officer in charge of a truck (SAMR order No. 74: a named officer per truck)."""
    forklift = _lock(forklift)
    require_change(actor, forklift)
    _check_officer(forklift.organisation, person)
    forklift.safety_officer = person
    forklift.save(update_fields=["safety_officer", "updated_at"])
    record_event(forklift, kind=EventKind.OFFICER, actor=actor, comment=person.name)
    return forklift


@transaction.atomic
def forklift_device_fit(*, actor: Any, forklift: Forklift, device: Any) -> Forklift:
    """Link a truck to the safety monitoring device fitted to it (TSG 81-2022: trucks made from
    2023-12-01 carry one that reports the driver at start-up); a device fitted later replaces the
    earlier one on the truck. Called by the telemetry engine when a device is registered for it."""
    forklift = _lock(forklift)
    require_change(actor, forklift)
    if device.organisation_id != forklift.organisation_id:
        raise ForkliftError({"organisation": _("The device must belong to the truck's enterprise.")})
    if device.rule_set_id is None:
        # No rule set chosen: the truck's own, from its plant's zones and its rated load.
        from safecity.forklifts.rules import forklift_rules
        from safecity.telemetry.services.rule_sets import rule_set_create

        device.rule_set = rule_set_create(
            actor=actor,
            name=_("%(number)s safety rules") % {"number": forklift.number},
            rules=forklift_rules(forklift),
            organisation=forklift.organisation,
        )
        device.save(update_fields=["rule_set", "updated_at"])
    forklift.device = device
    forklift.save(update_fields=["device", "updated_at"])
    record_event(forklift, kind=EventKind.DEVICE, actor=actor, comment=device.serial)
    return forklift


@transaction.atomic
def safety_appoint(*, actor: Any, organisation: Organisation, person: Person, role: str, appointed_on: date) -> SafetyAppointment:
    """Appoint the user unit's safety director (the one before steps down the same day) or a safety
    officer (SAMR order No. 74). The person is one of the enterprise's people."""
    if role not in SafetyRole.values:
        raise ForkliftError({"role": _("Unknown role.")})
    if person.organisation_id != organisation.pk:
        raise ForkliftError({"person": _("The person must belong to the enterprise.")})
    not_in_future(appointed_on, "appointed_on", _("This date lies in the future."))
    appointment = SafetyAppointment(organisation=organisation, person=person, role=role, appointed_on=appointed_on)
    require_target(actor, appointment)
    if SafetyAppointment.objects.filter(organisation=organisation, person=person, role=role, ended_on__isnull=True).exists():
        raise ForkliftError(_("%(name)s already holds this appointment.") % {"name": person.name}, code="duplicate")
    if role == SafetyRole.DIRECTOR:
        for current in SafetyAppointment.objects.select_for_update().filter(
            organisation=organisation, role=role, ended_on__isnull=True
        ):
            current.ended_on = max(appointed_on, current.appointed_on)
            current.save(update_fields=["ended_on", "updated_at"])
    appointment.full_clean()
    appointment.save()
    return appointment


@transaction.atomic
def safety_appointment_end(*, actor: Any, appointment: SafetyAppointment, ended_on: date) -> SafetyAppointment:
    """End an appointment; trucks the person was in charge of lose their named officer (to be named again)."""
    appointment = SafetyAppointment.objects.select_for_update().get(pk=appointment.pk)
    require_change(actor, appointment)
    if appointment.ended_on is not None:
        raise ForkliftError(_("This appointment has already ended."), code="transition_not_allowed")
    if ended_on < appointment.appointed_on:
        raise ForkliftError({"ended_on": _("An appointment cannot end before it began.")})
    appointment.ended_on = ended_on
    appointment.save(update_fields=["ended_on", "updated_at"])
    still = SafetyAppointment.objects.filter(
        organisation=appointment.organisation, person=appointment.person, ended_on__isnull=True
    ).exists()
    if not still:
        for forklift in Forklift.objects.filter(organisation=appointment.organisation, safety_officer=appointment.person):
            forklift.safety_officer = None
            forklift.save(update_fields=["safety_officer", "updated_at"])
    return appointment

"""Registering cylinders (TSG 23-2021: a permanent electronic code per cylinder, one filling unit)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from safecity.core.choices import OrganisationKind
from safecity.core.models import Organisation
from safecity.core.scoping import allows_target, principal_for
from safecity.cylinders import rules
from safecity.cylinders.choices import CylinderState, EventKind, Medium
from safecity.cylinders.models import REGULATOR_ROLES, Cylinder
from safecity.cylinders.services.common import (
    CylinderError,
    check_not_duplicate,
    decimal_text,
    is_platform,
    is_superuser,
    judged_on,
    occurred,
    organisations_for,
    record_event,
    today,
)
from safecity.ledger.services import Statement

CODE_MAX = 32


def registration_body(cylinder: Cylinder) -> dict[str, Any]:
    """The signed record of a registration: the TSG 23 registry fields, no personal data."""
    return {
        "serial_number": cylinder.serial_number,
        "manufacturer": cylinder.manufacturer,
        "manufactured_on": cylinder.manufactured_on.isoformat(),
        "medium": cylinder.medium,
        "model": cylinder.model_name,
        "nominal_pressure_mpa": decimal_text(cylinder.nominal_pressure_mpa, field="nominal_pressure_mpa"),
        "volume_l": decimal_text(cylinder.volume_l, field="volume_l"),
        "wall_thickness_mm": decimal_text(cylinder.wall_thickness_mm, field="wall_thickness_mm"),
        "product_standard": cylinder.product_standard,
        "owner_id": cylinder.owner_id,
        "next_inspection_on": cylinder.next_inspection_on.isoformat() if cylinder.next_inspection_on else None,
        "scrap_on": cylinder.scrap_on.isoformat() if cylinder.scrap_on else None,
    }


def new_cylinder(
    *,
    code: str,
    serial_number: str,
    manufacturer: str,
    manufactured_on: date,
    medium: str,
    model_name: str,
    nominal_pressure_mpa: Decimal | str,
    volume_l: Decimal | str,
    wall_thickness_mm: Decimal | str,
    product_standard: str,
    owner: Organisation,
    on: date,
) -> Cylinder:
    """An unsaved, validated cylinder with its first inspection and scrap dates (TSG 23, GB 5842)."""
    code = (code or "").strip()
    errors: dict[str, str] = {}
    if not code or len(code) > CODE_MAX or not code.replace("-", "").isalnum():
        errors["code"] = _("The electronic code is 1 to 32 letters, digits or hyphens.")
    if medium not in Medium.values:
        errors["medium"] = _("Unknown medium.")
    if owner.kind != OrganisationKind.FILLING_UNIT:
        errors["owner"] = _("A cylinder belongs to a filling unit.")
    if manufactured_on > on:
        errors["manufactured_on"] = _("The manufacture date lies in the future.")
    if not serial_number or not manufacturer:
        errors["serial_number" if not serial_number else "manufacturer"] = _("This field is required.")
    if errors:
        raise ValidationError(errors, code="invalid")
    cylinder = Cylinder(
        code=code,
        serial_number=serial_number,
        manufacturer=manufacturer,
        manufactured_on=manufactured_on,
        medium=medium,
        model_name=model_name,
        nominal_pressure_mpa=Decimal(decimal_text(nominal_pressure_mpa, field="nominal_pressure_mpa")),
        volume_l=Decimal(decimal_text(volume_l, field="volume_l")),
        wall_thickness_mm=Decimal(decimal_text(wall_thickness_mm, field="wall_thickness_mm")),
        product_standard=product_standard or "GB 5842",
        owner=owner,
        state=CylinderState.EMPTY,
    )
    for name in ("nominal_pressure_mpa", "volume_l", "wall_thickness_mm"):
        if getattr(cylinder, name) <= 0:
            raise ValidationError({name: _("Must be positive.")}, code="invalid")
    cylinder.next_inspection_on = rules.next_inspection_on(manufactured_on, cylinder.medium_class)
    cylinder.scrap_on = rules.scrap_on(manufactured_on, cylinder.medium_class)
    return cylinder


def check_registrable(cylinder: Cylinder, *, on: date) -> None:
    """Refuse a cylinder that has already reached its scrap age on ``on`` (GB 5842, TSG 23-2021):
    it must be scrapped, not put into service under a new code."""
    problem = rules.registration_problem(manufactured_on=cylinder.manufactured_on, medium_class=cylinder.medium_class, on=on)
    if problem is not None:
        raise CylinderError(
            _(
                "This cylinder reached its scrap age on %(date)s (manufactured %(made)s): it cannot be registered "
                "for use. Take it out of service and have it scrapped by an inspection station."
            )
            % {"date": problem.params["date"], "made": cylinder.manufactured_on.isoformat()},
            code="past_scrap_age",
        )


def registering_organisation(actor: Any, cylinder: Cylinder) -> Organisation:
    """The owning unit's operator registers for the unit; a regulator signs for their own body."""
    if is_platform(actor) or is_superuser(actor) or cylinder.owner_id in organisations_for(actor, "filling_station_operator"):
        return cylinder.owner
    if allows_target(actor, cylinder, jurisdiction_only=True):
        for grant in principal_for(actor).grants:
            if grant.role in REGULATOR_ROLES:
                return Organisation.objects.get(pk=grant.organisation_id)
    raise PermissionDenied(_("Only the owning filling unit or the regulator registers a cylinder."))


def cylinder_register(
    *,
    actor: Any,
    code: str,
    serial_number: str,
    manufacturer: str,
    manufactured_on: date,
    medium: str,
    model_name: str = "",
    nominal_pressure_mpa: Decimal | str,
    volume_l: Decimal | str,
    wall_thickness_mm: Decimal | str,
    product_standard: str = "GB 5842",
    owner: Organisation,
    idempotency_key: str,
    occurred_at: datetime | None = None,
    presigned: Statement | None = None,
) -> Cylinder:
    """Register a cylinder under its electronic code for its filling unit (TSG 23-2021).

    Who: an operator of the owning filling unit, or a city official / city administrator (the
    regulator). The code is unique for ever: a code already used, even by a scrapped cylinder, is
    refused. A cylinder already past its scrap age is refused (:func:`check_registrable`). The registration is signed and appended to the ledger with the row, all or nothing.
    """
    with transaction.atomic():
        check_not_duplicate(idempotency_key)
        at = occurred(occurred_at, None, actor=actor)
        cylinder = new_cylinder(
            code=code,
            serial_number=serial_number,
            manufacturer=manufacturer,
            manufactured_on=manufactured_on,
            medium=medium,
            model_name=model_name,
            nominal_pressure_mpa=nominal_pressure_mpa,
            volume_l=volume_l,
            wall_thickness_mm=wall_thickness_mm,
            product_standard=product_standard,
            owner=owner,
            on=max(today(), at.date()),
        )
        check_registrable(cylinder, on=judged_on(at, actor))
        organisation = registering_organisation(actor, cylinder)
        if Cylinder.objects.filter(code=cylinder.code).exists():
            raise CylinderError(
                _("The code “%(code)s” is already used (codes are never reused, even after scrapping).")
                % {"code": cylinder.code},
                code="code_in_use",
            )
        record_event(
            actor=actor,
            cylinder=cylinder,
            kind=EventKind.REGISTRATION,
            target=CylinderState.EMPTY,
            organisation=organisation,
            body=registration_body(cylinder),
            private=None,
            at=at,
            idempotency_key=idempotency_key,
            presigned=presigned,
        )
        return cylinder

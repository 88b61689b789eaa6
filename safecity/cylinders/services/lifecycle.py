"""The steps of a cylinder's life after registration, and the filling gate.

Each step: one transaction that checks the idempotency key, locks the cylinder row, checks the
order (``transitions.py``), the rules (``rules.py``) and who acts for which organisation, signs
the statement (custodial key, or the client's pre-signed statement), appends it to the ledger and
writes the event. Any refusal leaves nothing written and nothing appended, except a refusal at the
filling gate, which is itself recorded (and appended) so nobody can rewrite it later.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from safecity.core.choices import OrganisationKind
from safecity.core.models import Organisation
from safecity.core.scoping import principal_for
from safecity.cylinders import rules
from safecity.cylinders.choices import EventKind, InspectionResult, RecipientKind
from safecity.cylinders.models import REGULATOR_ROLES, Cylinder, CylinderEvent, FillAttempt
from safecity.cylinders.rules import Decision, PrefillCheck
from safecity.cylinders.services.common import (
    REFUSAL_KIND,
    CylinderError,
    append,
    check_not_duplicate,
    decimal_text,
    household_ref,
    inspection_body,
    is_platform,
    is_superuser,
    judged_on,
    ledger_error,
    lock_by_code,
    new_nonce,
    occurred,
    organisations_for,
    person_of,
    record_event,
    require_transition,
)
from safecity.ledger.services import LedgerError, Statement, statement_signer

# --- who acts -------------------------------------------------------------------------------


def filling_unit_of(actor: Any, station: Organisation | None = None) -> Organisation:
    """The filling unit an operator works for (``station`` picks one when they hold several)."""
    if station is not None and station.kind != OrganisationKind.FILLING_UNIT:
        raise ValidationError({"station": _("Not a filling unit.")}, code="invalid")
    if is_platform(actor) or is_superuser(actor):
        if station is None:
            raise PermissionDenied(_("Name the filling unit you act for."))
        return station
    units = organisations_for(actor, "filling_station_operator")
    if not units:
        raise PermissionDenied(_("Only a filling-station operator may do this."))
    if station is not None:
        if station.pk not in units:
            raise PermissionDenied(_("You do not work for this filling unit."))
        return station
    return Organisation.objects.get(pk=units[0])


def owner_operator(actor: Any, cylinder: Cylinder) -> Organisation:
    """Only the owning filling unit fills, dispatches, delivers and takes back its cylinders."""
    if is_platform(actor) or is_superuser(actor) or cylinder.owner_id in organisations_for(actor, "filling_station_operator"):
        return cylinder.owner
    raise PermissionDenied(_("Only the owning filling unit may record this step."))


def inspection_station_of(actor: Any, station: Organisation | None = None) -> Organisation:
    """The inspection station an operator works for (only an inspection station inspects)."""
    if is_platform(actor) or is_superuser(actor):
        if station is None or station.kind != OrganisationKind.INSPECTION_STATION:
            raise PermissionDenied(_("Name the inspection station you act for."))
        return station
    stations = list(
        Organisation.objects.filter(
            pk__in=organisations_for(actor, "inspection_station_operator"), kind=OrganisationKind.INSPECTION_STATION
        ).order_by("pk")
    )
    if station is not None:
        stations = [s for s in stations if s.pk == station.pk]
    if not stations:
        raise PermissionDenied(_("Only an inspection station may record inspections and repairs."))
    return stations[0]


def scrapping_organisation(actor: Any, cylinder: Cylinder, organisation: Organisation | None = None) -> Organisation:
    """The regulator (city officials with reach over the owner) or an inspection station scraps."""
    if is_platform(actor) or is_superuser(actor):
        if organisation is None:
            raise PermissionDenied(_("Name the organisation you act for."))
        return organisation
    path = cylinder.owner.region.path
    for grant in principal_for(actor).grants:
        regulator = grant.role in REGULATOR_ROLES and path.startswith(grant.region_path)
        if regulator and (organisation is None or organisation.pk == grant.organisation_id):
            return Organisation.objects.get(pk=grant.organisation_id)
    if organisations_for(actor, "inspection_station_operator"):
        return inspection_station_of(actor, organisation)
    raise PermissionDenied(_("Only the regulator or an inspection station may scrap a cylinder."))


# --- the filling gate -----------------------------------------------------------------------


def _gate(cylinder: Cylinder | None, station: Organisation, on: date, check: PrefillCheck | None) -> Decision:
    """The gate's decision on the day ``on``: today, except on the platform's historic path."""
    return rules.fill_gate_decision(
        cylinder.facts() if cylinder is not None else None,
        station_id=station.pk,
        today=on,
        check=check,
    )


def _record_attempt(
    *,
    actor: Any,
    station: Organisation,
    cylinder: Cylinder | None,
    code: str,
    decision: Decision,
    at: datetime,
    idempotency_key: str,
) -> FillAttempt:
    index = None
    if not decision.allowed:
        # A unit that holds its own key (no key held by the platform) still gets the gate's
        # answer and the recorded attempt; the refusal reaches the ledger when it can be signed.
        signer = refusal_signer(station)
        if signer is not None:
            statement = signer(
                kind=REFUSAL_KIND,
                subject=code,
                body=refusal_body(station=station, cylinder=cylinder, decision=decision),
                idempotency_key=idempotency_key,
                signed_at=at,
            )
            (index,) = append(actor, [statement])
    return FillAttempt.objects.create(
        station=station,
        cylinder=cylinder,
        code=code,
        person=person_of(actor),
        attempted_at=at,
        allowed=decision.allowed,
        reasons=decision.as_data(),
        ledger_index=index,
        idempotency_key=idempotency_key,
    )


def refusal_body(*, station: Organisation, cylinder: Cylinder | None, decision: Decision) -> dict[str, Any]:
    """The signed record of a refusal: the station, whether the code is registered, the reason codes."""
    return {"station_id": station.pk, "registered": cylinder is not None, "reasons": decision.codes}


def refusal_signer(station: Organisation) -> Any:
    """The platform-held key's signer for ``station``, or None when the unit holds its own key."""
    try:
        return statement_signer(organisation=station)
    except LedgerError as exc:
        if exc.code == "unknown_key":
            return None
        raise ledger_error(exc) from None


def cylinder_fill_check(
    *,
    actor: Any,
    code: str,
    station: Organisation | None = None,
    pre_check: PrefillCheck | None = None,
    idempotency_key: str | None = None,
    occurred_at: datetime | None = None,
) -> FillAttempt:
    """The filling gate: a station scans a cylinder before filling; allow or refuse with reasons.

    TSG 23-2021: refuse a cylinder that is not registered to this unit, overdue for its periodic
    inspection, scrapped or past its scrap age, failed at its last inspection, or found with
    illegible marks or defective accessories. Every scan is recorded as a :class:`FillAttempt`;
    refusals are also appended to the ledger (``cylinders.fill_refused``).
    """
    code = (code or "").strip()[:64]
    if not code:
        raise ValidationError({"code": _("Scan or type the cylinder's code.")}, code="invalid")
    with transaction.atomic():
        key = idempotency_key or f"gate-{uuid.uuid4().hex}"
        check_not_duplicate(key)
        unit = filling_unit_of(actor, station)
        cylinder = Cylinder.objects.select_for_update().filter(code=code).first()
        at = occurred(occurred_at, None, actor=actor)
        return _record_attempt(
            actor=actor,
            station=unit,
            cylinder=cylinder,
            code=code,
            decision=_gate(cylinder, unit, judged_on(at, actor), pre_check),
            at=at,
            idempotency_key=key,
        )


def filling_body(*, station: Organisation, pre_check: PrefillCheck, net_kg: str, leak_free: bool) -> dict[str, Any]:
    return {
        "station_id": station.pk,
        "pre_check": {
            "marks_legible": pre_check.marks_legible,
            "accessories_ok": pre_check.accessories_ok,
            "appearance_ok": pre_check.appearance_ok,
        },
        "net_kg": net_kg,
        "post_check": {"leak_free": leak_free, "mass_ok": True},
    }


def cylinder_fill(
    *,
    actor: Any,
    code: str,
    net_kg: Decimal | str,
    pre_check: PrefillCheck,
    leak_free: bool,
    idempotency_key: str,
    station: Organisation | None = None,
    occurred_at: datetime | None = None,
    presigned: Statement | None = None,
) -> CylinderEvent:
    """Record a filling: pre-fill check, scale reading (net kg), post-fill check (TSG 23-2021).

    The gate runs again on the submitted pre-fill check: a refusal is recorded (and appended) and
    the fill is refused with every reason. An overfill (GB 14193: 0.42 kg/L) or a leak at the
    post-fill check is refused with nothing recorded: the cylinder must be decanted first.
    """
    refusal: FillAttempt | None = None
    with transaction.atomic():
        check_not_duplicate(idempotency_key)
        cylinder = lock_by_code(code)
        unit = filling_unit_of(actor, station)
        at = occurred(occurred_at, cylinder, actor=actor)
        target = require_transition(cylinder, EventKind.FILLING)
        decision = _gate(cylinder, unit, judged_on(at, actor), pre_check)
        if not decision.allowed:
            refusal = _record_attempt(
                actor=actor,
                station=unit,
                cylinder=cylinder,
                code=cylinder.code,
                decision=decision,
                at=at,
                idempotency_key=idempotency_key,
            )
        else:
            net = decimal_text(net_kg, field="net_kg")
            problem = rules.fill_mass_problem(net_kg=Decimal(net), volume_l=cylinder.volume_l)
            if problem:
                raise ValidationError({"net_kg": problem}, code="invalid")
            if not leak_free:
                raise ValidationError(
                    {"leak_free": _("The post-fill check found a leak: the cylinder must not leave the station.")},
                    code="invalid",
                )
            return record_event(
                actor=actor,
                cylinder=cylinder,
                kind=EventKind.FILLING,
                target=target,
                organisation=unit,
                body=filling_body(station=unit, pre_check=pre_check, net_kg=net, leak_free=leak_free),
                private=None,
                at=at,
                idempotency_key=idempotency_key,
                presigned=presigned,
            )
    assert refusal is not None
    raise CylinderError(
        _("Filling refused: %(reasons)s") % {"reasons": "; ".join(r["message"] for r in refusal.reason_list)},
        code="refused",
        reasons=refusal.reason_list,
        attempt=refusal,
    )


def _step(
    *,
    actor: Any,
    code: str,
    kind: str,
    signer: Callable[[Cylinder], Organisation],
    body: dict[str, Any] | Callable[[Cylinder, datetime], dict[str, Any]],
    private: dict[str, Any] | None,
    idempotency_key: str,
    occurred_at: datetime | None,
    presigned: Statement | None,
    result: str | None = None,
) -> CylinderEvent:
    """One event on one cylinder: lock it, find the signing organisation, check the order, record.

    ``body`` may depend on the locked cylinder and the event time (an inspection's next due date).
    """
    with transaction.atomic():
        check_not_duplicate(idempotency_key)
        cylinder = lock_by_code(code)
        unit = signer(cylinder)
        at = occurred(occurred_at, cylinder, actor=actor)
        target = require_transition(cylinder, kind, result)
        return record_event(
            actor=actor,
            cylinder=cylinder,
            kind=kind,
            target=target,
            organisation=unit,
            body=body(cylinder, at) if callable(body) else body,
            private=private,
            at=at,
            idempotency_key=idempotency_key,
            presigned=presigned,
        )


def _owner_step(*, actor: Any, **step: Any) -> CylinderEvent:
    """An event only the owning filling unit writes (dispatch, delivery, return)."""
    return _step(actor=actor, signer=lambda cylinder: owner_operator(actor, cylinder), **step)


def cylinder_dispatch(
    *,
    actor: Any,
    code: str,
    idempotency_key: str,
    waybill: str = "",
    occurred_at: datetime | None = None,
    presigned: Statement | None = None,
) -> CylinderEvent:
    """A filled cylinder leaves the owning unit for delivery (only the owning unit)."""
    return _owner_step(
        actor=actor,
        code=code,
        kind=EventKind.DISPATCH,
        body={"waybill": waybill.strip()},
        private=None,
        idempotency_key=idempotency_key,
        occurred_at=occurred_at,
        presigned=presigned,
    )


def delivery_body(
    *,
    recipient_kind: str,
    recipient_organisation: Organisation | None,
    household_name: str,
    household_address: str,
    recipient_ref: str = "",
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The public body and the private part of a delivery. A household is published only as a
    commitment (SHA-256 of a secret nonce, name and address), never by name."""
    if recipient_kind == RecipientKind.RESTAURANT:
        if recipient_organisation is None:
            raise ValidationError({"recipient_organisation": _("Choose the restaurant.")}, code="invalid")
        body = {
            "recipient_kind": recipient_kind,
            "recipient_organisation_id": recipient_organisation.pk,
            "recipient_name": recipient_organisation.name,
        }
        return body, {}
    if recipient_kind != RecipientKind.HOUSEHOLD:
        raise ValidationError({"recipient_kind": _("Choose a restaurant or a household.")}, code="invalid")
    name, address = household_name.strip(), household_address.strip()
    if not recipient_ref and not name:
        raise ValidationError({"household_name": _("Name the household.")}, code="invalid")
    nonce = new_nonce()
    ref = recipient_ref or household_ref(name=name, address=address, nonce=nonce)
    private = {"household_name": name, "household_address": address, "nonce": "" if recipient_ref else nonce}
    return {"recipient_kind": recipient_kind, "recipient_ref": ref}, private


def cylinder_deliver(
    *,
    actor: Any,
    code: str,
    idempotency_key: str,
    recipient_kind: str,
    recipient_organisation: Organisation | None = None,
    household_name: str = "",
    household_address: str = "",
    recipient_ref: str = "",
    occurred_at: datetime | None = None,
    presigned: Statement | None = None,
) -> CylinderEvent:
    """Delivery of a dispatched cylinder to its user: a restaurant (named) or a household."""
    body, private = delivery_body(
        recipient_kind=recipient_kind,
        recipient_organisation=recipient_organisation,
        household_name=household_name,
        household_address=household_address,
        recipient_ref=recipient_ref,
    )
    return _owner_step(
        actor=actor,
        code=code,
        kind=EventKind.DELIVERY,
        body=body,
        private=private,
        idempotency_key=idempotency_key,
        occurred_at=occurred_at,
        presigned=presigned,
    )


def cylinder_return(
    *,
    actor: Any,
    code: str,
    idempotency_key: str,
    residual_kg: Decimal | str | None = None,
    occurred_at: datetime | None = None,
    presigned: Statement | None = None,
) -> CylinderEvent:
    """The user's empty cylinder comes back to the owning unit (or an undelivered one, still full)."""
    residual = decimal_text(residual_kg, field="residual_kg") if residual_kg not in (None, "") else None
    return _owner_step(
        actor=actor,
        code=code,
        kind=EventKind.RETURN,
        body={"residual_kg": residual},
        private=None,
        idempotency_key=idempotency_key,
        occurred_at=occurred_at,
        presigned=presigned,
    )


def cylinder_inspect(
    *,
    actor: Any,
    code: str,
    idempotency_key: str,
    result: str,
    report_number: str,
    defects: list[str] | None = None,
    station: Organisation | None = None,
    occurred_at: datetime | None = None,
    presigned: Statement | None = None,
) -> CylinderEvent:
    """A periodic inspection by an inspection station (TSG 23-2021).

    Pass: back to empty with the next inspection date (LPG: 4 years; a pass at the end of the
    8-year design life extends it by 4 years, never beyond 12: GB 5842). Fail: the cylinder must
    be repaired and re-inspected, or scrapped; the gate refuses it until then.
    """
    if result not in InspectionResult.values:
        raise ValidationError({"result": _("Choose pass or fail.")}, code="invalid")
    if not (report_number or "").strip():
        raise ValidationError({"report_number": _("Give the inspection report number.")}, code="invalid")
    cleaned = [d.strip() for d in defects or [] if d.strip()]
    return _step(
        actor=actor,
        code=code,
        kind=EventKind.INSPECTION,
        result=result,
        signer=lambda _cylinder: inspection_station_of(actor, station),
        body=lambda cylinder, at: inspection_body(
            cylinder,
            result=result,
            report_number=report_number.strip(),
            defects=cleaned,
            on=timezone.localtime(at).date(),
        ),
        private=None,
        idempotency_key=idempotency_key,
        occurred_at=occurred_at,
        presigned=presigned,
    )


def cylinder_repair(
    *,
    actor: Any,
    code: str,
    idempotency_key: str,
    work: str,
    station: Organisation | None = None,
    occurred_at: datetime | None = None,
    presigned: Statement | None = None,
) -> CylinderEvent:
    """Repair of a cylinder that failed its inspection (by an inspection station); re-inspection follows."""
    if not (work or "").strip():
        raise ValidationError({"work": _("Describe the repair.")}, code="invalid")
    return _step(
        actor=actor,
        code=code,
        kind=EventKind.REPAIR,
        signer=lambda _cylinder: inspection_station_of(actor, station),
        body={"work": work.strip()},
        private=None,
        idempotency_key=idempotency_key,
        occurred_at=occurred_at,
        presigned=presigned,
    )


def cylinder_scrap(
    *,
    actor: Any,
    code: str,
    idempotency_key: str,
    reason: str,
    organisation: Organisation | None = None,
    occurred_at: datetime | None = None,
    presigned: Statement | None = None,
) -> CylinderEvent:
    """Scrap a cylinder and void its code for ever (TSG 23-2021). Terminal.

    Who: the regulator (city administrator / city officials with reach over the owner, e.g. the
    market supervision bureau) or an inspection station. Only an empty, failed or repaired cylinder.
    """
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Give the reason for scrapping.")}, code="invalid")
    return _step(
        actor=actor,
        code=code,
        kind=EventKind.SCRAPPING,
        signer=lambda cylinder: scrapping_organisation(actor, cylinder, organisation),
        body={"reason": reason.strip()},
        private=None,
        idempotency_key=idempotency_key,
        occurred_at=occurred_at,
        presigned=presigned,
    )

"""Drivers (N1 叉车司机, TSG Z6001-2019) and the start-up check the truck's safety monitoring device
asks for (市监特设发〔2022〕87号: forklifts made from 2023-12-01 report the driver at start-up and
block an unauthorised one)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from safecity.core import labels
from safecity.core.models import Organisation
from safecity.forklifts import compliance
from safecity.forklifts.choices import ForkliftStatus, InspectionResult, InspectionStatus, RegistrationStatus, StartProblem
from safecity.forklifts.models import Forklift, Operator
from safecity.forklifts.services.common import ForkliftError, not_in_future, require_change, require_target


def _check_binding(*, card_id: str, face_id: str, exclude: int | None = None) -> None:
    if not card_id and not face_id:
        raise ForkliftError({"card_id": _("A driver is bound to an authorisation card id or a face id (or both).")})
    for field_name, value in (("card_id", card_id), ("face_id", face_id)):
        if not value:
            continue
        taken = Operator.objects.filter(**{field_name: value})
        if exclude is not None:
            taken = taken.exclude(pk=exclude)
        if taken.exists():
            raise ForkliftError({field_name: _("This id is already bound to another driver.")}, code="duplicate")


@transaction.atomic
def operator_add(
    *,
    actor: Any,
    organisation: Organisation,
    name: str,
    certificate_number: str,
    certificate_issued_on: date,
    certificate_valid_until: date | None = None,
    card_id: str = "",
    face_id: str = "",
    phone: str = "",
) -> Operator:
    """Authorise a driver for ``organisation``: the N1 certificate (valid 4 years from issue unless
    the certificate says otherwise) and the card or face id the trucks' readers know him by."""
    card_id, face_id = (card_id or "").strip(), (face_id or "").strip()
    not_in_future(certificate_issued_on, "certificate_issued_on", _("This date lies in the future."))
    operator = Operator(
        organisation=organisation,
        name=(name or "").strip(),
        certificate_number=(certificate_number or "").strip(),
        certificate_issued_on=certificate_issued_on,
        certificate_valid_until=certificate_valid_until or compliance.certificate_valid_until(certificate_issued_on),
        card_id=card_id,
        face_id=face_id,
        phone=phone,
    )
    require_target(actor, operator)
    _check_binding(card_id=card_id, face_id=face_id)
    if Operator.objects.filter(certificate_number=operator.certificate_number).exists():
        raise ForkliftError(
            {"certificate_number": _("A driver with this certificate number is already on record.")}, code="duplicate"
        )
    operator.full_clean()
    operator.save()
    return operator


@transaction.atomic
def operator_renew(*, actor: Any, operator: Operator, issued_on: date, valid_until: date | None = None) -> Operator:
    """Record a renewed N1 certificate (renewal applied for at least 1 month before expiry)."""
    operator = Operator.objects.select_for_update().get(pk=operator.pk)
    require_change(actor, operator)
    not_in_future(issued_on, "certificate_issued_on", _("This date lies in the future."))
    if issued_on < operator.certificate_issued_on:
        raise ForkliftError({"certificate_issued_on": _("A renewal cannot be issued before the certificate it renews.")})
    operator.certificate_issued_on = issued_on
    operator.certificate_valid_until = valid_until or compliance.certificate_valid_until(issued_on)
    operator.full_clean()
    operator.save(update_fields=["certificate_issued_on", "certificate_valid_until", "updated_at"])
    return operator


@transaction.atomic
def operator_set_authorised(*, actor: Any, operator: Operator, authorised: bool) -> Operator:
    """Withdraw (or restore) a driver's authorisation: a withdrawn driver's card no longer starts a truck."""
    operator = Operator.objects.select_for_update().get(pk=operator.pk)
    require_change(actor, operator)
    operator.is_active = authorised
    operator.save(update_fields=["is_active", "updated_at"])
    return operator


@dataclass(frozen=True)
class Problem:
    """One reason a start-up is not allowed: a :class:`StartProblem` code and its facts."""

    code: str
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def message(self) -> str:
        return labels.label("forklifts.start_problem", self.code)

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, "params": dict(self.params)}


def driver_start_check(*, forklift: Forklift, card_or_face_id: str, at: datetime) -> list[Problem]:
    """What is wrong with starting ``forklift`` at ``at`` with the driver the reader identified.

    Empty: the start is allowed. Otherwise every problem, the truck's first:
    - ``not_in_use``: the truck is stopped or scrapped;
    - ``not_registered``: no use registration 30 days after first use (law art. 33);
    - ``inspection_overdue``: past its periodic inspection, failed it, or none on record (art. 40);
    - ``driver_not_reported``: a truck made from 2023-12-01 reported no driver;
    - ``unknown_driver``: no driver is bound to the card or face id;
    - ``not_authorised``: the driver is authorised by another enterprise, or withdrawn;
    - ``certificate_expired``: the driver's N1 certificate had expired on the day of ``at``.
    The telemetry ingest calls this on a start event; an answer with problems is an alarm.
    """
    if timezone.is_naive(at):
        at = timezone.make_aware(at)
    day = timezone.localtime(at).date()
    problems: list[Problem] = []
    if forklift.status != ForkliftStatus.IN_USE:
        problems.append(Problem(StartProblem.NOT_IN_USE, {"status": forklift.status}))
    if forklift.registration_status(day) == RegistrationStatus.OVERDUE:
        problems.append(Problem(StartProblem.NOT_REGISTERED, {"first_used_on": str(forklift.first_used_on)}))
    inspection = forklift.inspection_status(day)
    if (
        inspection in (InspectionStatus.OVERDUE, InspectionStatus.UNKNOWN)
        or forklift.last_inspection_result == InspectionResult.FAIL
    ):
        due = forklift.next_inspection_on
        problems.append(Problem(StartProblem.INSPECTION_OVERDUE, {"next_inspection_on": due.isoformat() if due else None}))
    ident = (card_or_face_id or "").strip()
    if not ident:
        if forklift.needs_monitoring_device:
            problems.append(Problem(StartProblem.DRIVER_NOT_REPORTED))
        return problems
    operator = Operator.objects.filter(Q(card_id=ident) | Q(face_id=ident)).first()
    if operator is None:
        problems.append(Problem(StartProblem.UNKNOWN_DRIVER, {"id": ident}))
        return problems
    if not operator.is_active or operator.organisation_id != forklift.organisation_id:
        problems.append(Problem(StartProblem.NOT_AUTHORISED, {"operator_id": operator.pk}))
    if day > operator.certificate_valid_until:
        problems.append(
            Problem(
                StartProblem.CERTIFICATE_EXPIRED,
                {"operator_id": operator.pk, "valid_until": operator.certificate_valid_until.isoformat()},
            )
        )
    return problems

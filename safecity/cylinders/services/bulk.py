"""Bulk import of cylinders with their history (the demo, and migrating a unit's paper records).

The same rules as the one-by-one services, applied in memory per cylinder: the event order
(``transitions.py``), who may write each step, time order, and the filling gate for every
historic fill (a fill the gate would have refused is not imported). Statements are signed with
each organisation's custodial key and appended to the ledger many per ``ledger_append`` call, in
time order; events and cylinders are written in bulk. All or nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from safecity.core.choices import OrganisationKind
from safecity.core.models import Organisation
from safecity.cylinders import rules
from safecity.cylinders.choices import EventKind
from safecity.cylinders.models import Cylinder, CylinderEvent, FillAttempt
from safecity.cylinders.services.common import (
    KIND_PREFIX,
    REFUSAL_KIND,
    CylinderError,
    append,
    apply_event,
    inspection_body,
    is_platform,
    require_transition,
)
from safecity.cylinders.services.registry import check_registrable, registration_body
from safecity.cylinders.transitions import FILLING_UNIT_STEPS
from safecity.ledger.services import LedgerError, Statement
from safecity.ledger.services import statement_sign as _statement_sign

CHUNK = 5000


@dataclass
class ImportEvent:
    """One historic step. ``body`` is the signed body, except for inspections, whose body (next
    date, scrap date) is computed here from ``result``, ``report_number`` and ``defects``."""

    kind: str
    organisation: Organisation
    at: datetime
    body: dict[str, Any] = field(default_factory=dict)
    private: dict[str, Any] = field(default_factory=dict)
    idempotency_key: str = ""


@dataclass
class ImportCylinder:
    cylinder: Cylinder  # unsaved, from registry.new_cylinder
    registered_by: Organisation
    registered_at: datetime
    events: list[ImportEvent] = field(default_factory=list)


@dataclass
class ImportRefusal:
    station: Organisation
    code: str
    at: datetime
    check: rules.PrefillCheck | None = None
    idempotency_key: str = ""


Signer = Callable[..., Statement]


def _signer_for(organisation: Organisation) -> Signer:
    """The ledger's reusable signer when it offers one, else its per-statement custodial signing."""
    from safecity.ledger import services as ledger

    factory = getattr(ledger, "statement_signer", None)
    if factory is not None:
        try:
            return factory(organisation=organisation)  # type: ignore[no-any-return]
        except LedgerError as exc:
            raise CylinderError(str(exc.message), code="ledger") from None

    def sign(**kwargs: Any) -> Statement:
        return _statement_sign(organisation=organisation, **kwargs)

    return sign


def _may_write(kind: str, organisation: Organisation, cylinder: Cylinder) -> bool:
    if kind in FILLING_UNIT_STEPS:
        return organisation.pk == cylinder.owner_id
    if kind in (EventKind.INSPECTION, EventKind.REPAIR):
        return organisation.kind == OrganisationKind.INSPECTION_STATION
    if kind == EventKind.SCRAPPING:
        return organisation.kind in (OrganisationKind.INSPECTION_STATION, OrganisationKind.GOVERNMENT_DEPARTMENT)
    return kind == EventKind.REGISTRATION


def cylinder_history_import(
    *,
    actor: Any,
    cylinders: list[ImportCylinder],
    refusals: list[ImportRefusal] | None = None,
    signers: dict[int, Signer] | None = None,
) -> dict[str, int]:
    """Import cylinders, their events and gate refusals (the platform only: ``actor`` None, as the
    ledger's historic path requires; each key must have been active at the signing times). Returns counts.

    ``signers`` maps an organisation id to a function signing a statement (same keyword arguments
    as ``statement_sign`` without ``organisation``) with a key the importer holds, whose public key
    is registered in the ledger; organisations without one are signed with their custodial key.
    """
    if not is_platform(actor):
        # Past signing times go to the ledger on its historic path, which is the platform's only.
        raise PermissionDenied(_("Only the platform itself imports cylinder histories (a management command or the demo)."))
    signer_cache: dict[int, Signer] = dict(signers or {})

    def sign(org: Organisation, **kwargs: Any) -> Statement:
        if org.pk not in signer_cache:
            signer_cache[org.pk] = _signer_for(org)
        return signer_cache[org.pk](**kwargs)

    pending: list[tuple[Statement, Any]] = []  # (statement, unsaved row)
    events: list[CylinderEvent] = []
    attempts: list[FillAttempt] = []
    codes = [item.cylinder.code for item in cylinders]
    by_code = {item.cylinder.code: item.cylinder for item in cylinders}
    with transaction.atomic():
        if len(set(codes)) != len(codes) or Cylinder.objects.filter(code__in=codes).exists():
            raise CylinderError(_("A code is used twice or already registered."), code="code_in_use")
        # Every history is checked and signed in memory first; the rows are written once, with
        # their final facts (no second pass of updates).
        for item in cylinders:
            cylinder = item.cylinder
            cylinder.state = ""
            steps = [
                ImportEvent(
                    kind=EventKind.REGISTRATION,
                    organisation=item.registered_by,
                    at=item.registered_at,
                    idempotency_key=f"reg-{cylinder.code}",
                ),
                *item.events,
            ]
            for number, step in enumerate(steps):
                at = step.at.replace(microsecond=0)
                if cylinder.last_event_at is not None and at < cylinder.last_event_at:
                    raise CylinderError(
                        _("Events of %(code)s are not in time order.") % {"code": cylinder.code}, code="out_of_order"
                    )
                if not _may_write(step.kind, step.organisation, cylinder):
                    raise PermissionDenied(
                        _("%(org)s may not record this step of %(code)s.") % {"org": step.organisation, "code": cylinder.code}
                    )
                body = dict(step.body)
                if step.kind == EventKind.REGISTRATION:
                    check_registrable(cylinder, on=timezone.localtime(at).date())
                    body = registration_body(cylinder)
                    target = require_transition(cylinder, step.kind)
                elif step.kind == EventKind.INSPECTION:
                    body = inspection_body(
                        cylinder,
                        result=body["result"],
                        report_number=body["report_number"],
                        defects=body.get("defects", []),
                        on=timezone.localtime(at).date(),
                    )
                    target = require_transition(cylinder, step.kind, body["result"])
                else:
                    target = require_transition(cylinder, step.kind)
                if step.kind == EventKind.FILLING:
                    decision = rules.fill_gate_decision(
                        cylinder.facts(), station_id=step.organisation.pk, today=timezone.localtime(at).date()
                    )
                    if not decision.allowed:
                        raise CylinderError(
                            _("%(code)s could not have been filled on %(day)s: %(reasons)s")
                            % {"code": cylinder.code, "day": at.date(), "reasons": ", ".join(decision.codes)},
                            code="refused",
                        )
                key = step.idempotency_key or f"imp-{cylinder.code}-{number}"
                statement = sign(
                    step.organisation,
                    kind=KIND_PREFIX + step.kind,
                    subject=cylinder.code,
                    body=body,
                    idempotency_key=key,
                    signed_at=at,
                )
                source = cylinder.state
                apply_event(cylinder, step.kind, body, target, at)
                event = CylinderEvent(
                    cylinder=cylinder,
                    kind=step.kind,
                    organisation=step.organisation,
                    occurred_at=at,
                    from_state=source,
                    to_state=target,
                    data=body,
                    private=step.private,
                    idempotency_key=key,
                    key_id=statement.key_id,
                    ledger_index=-1,
                )
                events.append(event)
                pending.append((statement, event))
        for number, refusal in enumerate(refusals or []):
            at = refusal.at.replace(microsecond=0)
            found = by_code.get(refusal.code) or Cylinder.objects.filter(code=refusal.code).first()
            decision = rules.fill_gate_decision(
                found.facts() if found else None,
                station_id=refusal.station.pk,
                today=timezone.localtime(at).date(),
                check=refusal.check,
            )
            if decision.allowed:
                raise CylinderError(_("The gate would have allowed %(code)s.") % {"code": refusal.code}, code="invalid")
            key = refusal.idempotency_key or f"imp-refusal-{refusal.code}-{number}"
            statement = sign(
                refusal.station,
                kind=REFUSAL_KIND,
                subject=refusal.code,
                body={"station_id": refusal.station.pk, "registered": found is not None, "reasons": decision.codes},
                idempotency_key=key,
                signed_at=at,
            )
            attempt = FillAttempt(
                station=refusal.station,
                cylinder=found,
                code=refusal.code,
                attempted_at=at,
                allowed=False,
                reasons=decision.as_data(),
                idempotency_key=key,
            )
            attempts.append(attempt)
            pending.append((statement, attempt))
        # The log in time order (statements of many cylinders interleave as they happened).
        pending.sort(key=lambda pair: pair[0].signed_at)
        for start in range(0, len(pending), CHUNK):
            chunk = pending[start : start + CHUNK]
            indexes = append(actor, [statement for statement, _row in chunk])
            for (_statement, row), index in zip(chunk, indexes, strict=True):
                row.ledger_index = index
        # Audited bulk writes: AuditedQuerySet records every row in the audit trail.
        saved: list[Cylinder] = Cylinder.objects.bulk_create([item.cylinder for item in cylinders], batch_size=1000)
        CylinderEvent.objects.bulk_create(events, batch_size=2000)
        FillAttempt.objects.bulk_create(attempts, batch_size=1000)
    return {"cylinders": len(saved), "events": len(events), "refusals": len(attempts)}

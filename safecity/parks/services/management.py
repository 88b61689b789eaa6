"""The landlord's unified management of its tenants (issue 17 part 1 §3-4): the safety-management
agreements (Safety Production Law art. 49), the regular inspections with the checklist
(``rules.checklist``; each failed item a hidden hazard of the tenant), the trainings and drills
with each tenant's attendance.

Who: the landlord's people and the officials over the park (``require_park``). An inspection's
findings are reported with ``hazards.services.hazard_report_by_platform`` at the tenant's
enterprise (the landlord reaches no other enterprise's hazards by its own role), with the inspector
named on the hazard's timeline, like a service engineer's findings (``smallbiz``).
"""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from safecity.parks.models import InspectionFinding, Park, SafetyAgreement, Tenant, TenantInspection, Training, TrainingAttendance
from safecity.parks.rules import checklist
from safecity.parks.services.common import ParksError, actor_label, require_park, today

AGREEMENT_DOCUMENT_MAX_BYTES = 10 * 1024 * 1024
# No agreement runs forever: an open-ended lease is written with its next review day.
LATEST_AGREEMENT_DAY = date(2199, 12, 31)


def _tenant_locked(tenant: Tenant) -> Tenant:
    return Tenant.objects.select_for_update().select_related("park__landlord", "organisation").get(pk=tenant.pk)


def _document_check(document: Any) -> None:
    if not document:
        return
    head = document.read(8)
    document.seek(0)
    if document.size > AGREEMENT_DOCUMENT_MAX_BYTES:
        raise ParksError({"document": _("A document is at most 10 MB.")})
    if not (head.startswith(b"%PDF-") or head.startswith(b"\x89PNG") or head.startswith(b"\xff\xd8\xff")):
        raise ParksError({"document": _("The agreement's document is a PDF or a photo (PNG, JPEG).")})


@transaction.atomic
def agreement_record(
    *,
    actor: Any,
    tenant: Tenant,
    signed_on: date,
    valid_from: date,
    valid_until: date,
    landlord_duties: str,
    tenant_duties: str,
    in_lease: bool = False,
    document: Any = None,
) -> SafetyAgreement:
    """Record a signed safety-management agreement (or the lease clauses setting out each side's
    duties) with a tenant still in the park. The findings it ends stop standing at once."""
    tenant = _tenant_locked(tenant)
    require_park(actor, tenant.park)
    if tenant.left_on is not None:
        raise ParksError(_("This tenant has left the park."), code="left")
    if valid_until > LATEST_AGREEMENT_DAY or signed_on > today():
        raise ParksError(
            {
                "valid_until": _("An agreement is signed by today and valid until %(day)s at the latest.")
                % {"day": LATEST_AGREEMENT_DAY}
            }
        )
    if not landlord_duties.strip() or not tenant_duties.strip():
        raise ParksError(_("An agreement sets out the duties of both sides."))
    _document_check(document)
    agreement = SafetyAgreement(
        tenant=tenant,
        signed_on=signed_on,
        valid_from=valid_from,
        valid_until=valid_until,
        landlord_duties=landlord_duties.strip(),
        tenant_duties=tenant_duties.strip(),
        in_lease=in_lease,
        recorded_by=actor,
    )
    if document:
        agreement.document = document
    agreement.full_clean()
    agreement.save()
    from safecity.parks.services.findings import findings_sweep

    findings_sweep(parks=[tenant.park_id], today=today(), raise_new=False)
    return agreement


def _results(raw: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The checklist as answered: every item passed or failed; a failed item says what was found."""
    results = {}
    for item in checklist():
        answer = raw.get(item.code)
        if answer is None:
            raise ParksError({"results": _("Answer every item of the checklist (missing: %(item)s).") % {"item": item.text}})
        ok = bool(answer.get("ok")) if isinstance(answer, dict) else bool(answer)
        note = (answer.get("note", "") if isinstance(answer, dict) else "").strip()[:300]
        if not ok and not note:
            raise ParksError({"results": _("Say what was found for the failed item “%(item)s”.") % {"item": item.text}})
        results[item.code] = {"ok": ok, "note": note}
    unknown = set(raw) - set(results)
    if unknown:
        raise ParksError({"results": _("Unknown checklist items: %(items)s.") % {"items": ", ".join(sorted(unknown))}})
    return results


@transaction.atomic
def inspection_record(
    *, actor: Any, tenant: Tenant, inspected_on: date, results: dict[str, Any], inspector_name: str = "", note: str = ""
) -> TenantInspection:
    """Record the landlord's inspection of a tenant; each failed item is reported as a hidden hazard
    of the tenant (to be confirmed by it), linked from the inspection. Not in the future, not
    before the tenant moved in, not after it left."""
    from safecity.hazards.choices import HazardSource
    from safecity.hazards.services import hazard_report_by_platform

    tenant = _tenant_locked(tenant)
    require_park(actor, tenant.park)
    if inspected_on > today():
        raise ParksError({"inspected_on": _("An inspection is recorded once it has taken place.")})
    if inspected_on < tenant.entered_on or (tenant.left_on is not None and inspected_on > tenant.left_on):
        raise ParksError({"inspected_on": _("The tenant was not in the park on that day.")})
    answers = _results(results)
    name = (inspector_name or actor_label(actor)).strip()[:100]
    if not name:
        raise ParksError({"inspector_name": _("Who inspected?")})
    inspection = TenantInspection.objects.create(
        tenant=tenant, inspected_on=inspected_on, inspector=actor, inspector_name=name, results=answers, note=note.strip()
    )
    # The day's inspection, timed in the morning (never later than now, for today's).
    at = min(timezone.make_aware(datetime.combine(inspected_on, time(10))), timezone.now())
    items = {item.code: item for item in checklist()}
    with translation.override(settings.LANGUAGE_CODE):
        for code, answer in answers.items():
            if answer["ok"]:
                continue
            item = items[code]
            hazard = hazard_report_by_platform(
                organisation=tenant.organisation,
                description=f"{item.text}：{answer['note']}"[:500],
                hazard_type=item.hazard_type,
                # A landlord's regular check of its tenants: a routine check in the national list.
                source=HazardSource.ROUTINE,
                discovered_at=at,
                comment=_("Found at the landlord's inspection of %(day)s by %(name)s (%(park)s, tenant %(number)s).")
                % {"day": inspected_on.isoformat(), "name": name, "park": tenant.park.name, "number": tenant.full_number},
            )
            InspectionFinding.objects.create(inspection=inspection, item=code, note=answer["note"], hazard=hazard)
    from safecity.parks.services.findings import findings_sweep

    findings_sweep(parks=[tenant.park_id], today=today(), raise_new=False)
    return inspection


@transaction.atomic
def training_record(
    *, actor: Any, park: Park, kind: str, held_on: date, topic: str, hours: Decimal, attendance: dict[int, int], note: str = ""
) -> Training:
    """Record a training or drill the landlord held, with how many people of each tenant attended
    (tenant id -> people; only tenants in the park that day)."""
    require_park(actor, park)
    if held_on > today():
        raise ParksError({"held_on": _("A training is recorded once it has taken place.")})
    training = Training(park=park, kind=kind, held_on=held_on, topic=topic.strip(), hours=hours, note=note.strip())
    training.full_clean()
    training.save()
    tenants = {t.pk: t for t in Tenant.objects.filter(park=park, pk__in=list(attendance))}
    rows = []
    for tenant_id, people in attendance.items():
        tenant = tenants.get(tenant_id)
        if tenant is None or tenant.entered_on > held_on or (tenant.left_on is not None and tenant.left_on < held_on):
            raise ParksError({"attendance": _("Attendance is recorded for the park's tenants of that day only.")})
        if people < 0:
            raise ParksError({"attendance": _("A number of people is 0 or more.")})
        if people:
            rows.append(TrainingAttendance(training=training, tenant=tenant, attendees=people))
    if not rows:
        raise ParksError({"attendance": _("Record who attended: at least one tenant's people.")})
    TrainingAttendance.objects.bulk_create(rows)
    return training


def notice_update(*, actor: Any, tenant: Tenant, safety_notice: str) -> Tenant:
    from safecity.parks.services.register import tenant_update

    return tenant_update(actor=actor, tenant=tenant, safety_notice=safety_notice)


__all__ = ["agreement_record", "inspection_record", "notice_update", "training_record"]

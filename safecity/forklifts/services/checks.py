"""The user unit's checks under SAMR order No. 74: 日管控 the daily check (art. 142, a "zero-risk"
report when nothing is found), 周排查 the weekly investigation (art. 143) and 月调度 the monthly
scheduling meeting with its minutes (art. 144). Every finding becomes a hidden hazard through the
hazards app's own service, so it follows the one lifecycle to closure."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from safecity.core.models import Organisation, Person
from safecity.forklifts import compliance
from safecity.forklifts.choices import CheckKind
from safecity.forklifts.models import CheckFinding, Forklift, SafetyCheck
from safecity.forklifts.services.common import ForkliftError, is_platform, require_target, today
from safecity.hazards.choices import HazardLevel, HazardSource, HazardType, ManagementType
from safecity.hazards.services import hazard_report


@dataclass(frozen=True)
class Finding:
    description: str
    forklift: Forklift | None = None


@transaction.atomic
def safety_check_record(
    *,
    actor: Any,
    organisation: Organisation,
    kind: str,
    performed_on: date | None = None,
    findings: list[Finding] | None = None,
    summary: str = "",
    minutes: str = "",
    attendees: str = "",
    performed_by: Person | None = None,
    historic: bool = False,
) -> SafetyCheck:
    """Record this period's check of ``kind`` for ``organisation``, with what it found.

    One record per enterprise, kind and period (a day, an ISO week, a month). People record the
    current period only (a missed day stays missed: no back-filling); the platform's import of paper
    records (``historic``, by the platform or a superuser) may record past ones. No findings: the
    record is the zero-risk report. A monthly meeting needs its
    minutes. Each finding is reported as a general hidden hazard of the enterprise (routine check,
    equipment) and linked to the finding."""
    if kind not in CheckKind.values:
        raise ForkliftError({"kind": _("Unknown kind of check.")})
    findings = [f for f in (findings or []) if (f.description or "").strip()]
    performed_on = performed_on or today()
    if performed_on > today():
        raise ForkliftError({"performed_on": _("This date lies in the future.")})
    start = compliance.period_start(kind, performed_on)
    importing = historic and (is_platform(actor) or bool(getattr(actor, "is_superuser", False)))
    if not is_platform(actor) and not importing and start != compliance.period_start(kind, today()):
        raise ForkliftError(
            {
                "performed_on": _(
                    "A check is recorded in its own period: a past day, week or month cannot be filled in afterwards."
                )
            }
        )
    if kind == CheckKind.MONTHLY and not (minutes or "").strip():
        raise ForkliftError({"minutes": _("A monthly scheduling meeting needs its minutes.")})
    if performed_by is not None and performed_by.organisation_id != organisation.pk:
        raise ForkliftError({"performed_by": _("The person must belong to the enterprise.")})
    for finding in findings:
        if finding.forklift is not None and finding.forklift.organisation_id != organisation.pk:
            raise ForkliftError({"findings": _("A finding names a truck of another enterprise.")})
    check = SafetyCheck(
        organisation=organisation,
        kind=kind,
        period_start=start,
        performed_on=performed_on,
        performed_by=performed_by,
        zero_risk=not findings,
        summary=summary,
        minutes=minutes,
        attendees=attendees,
    )
    require_target(actor, check)
    if SafetyCheck.objects.filter(organisation=organisation, kind=kind, period_start=start).exists():
        raise ForkliftError(_("This period's record is already made."), code="duplicate")
    check.full_clean(validate_constraints=False)
    check.save()
    discovered = timezone.make_aware(datetime.combine(performed_on, time(10))) if performed_on != today() else timezone.now()
    for finding in findings:
        truck = finding.forklift
        description = finding.description.strip()
        hazard = hazard_report(
            actor=actor,
            organisation=organisation,
            level=HazardLevel.GENERAL,
            source=HazardSource.ROUTINE,
            management_type=ManagementType.BY_DEADLINE,
            hazard_type=HazardType.EQUIPMENT,
            description=f"{_('Forklift')} {truck.number}: {description}" if truck is not None else description,
            location=truck.plant.name if truck is not None else "",
            discovered_at=discovered,
        )
        CheckFinding.objects.create(check_record=check, forklift=truck, description=description, hazard=hazard)
    return check

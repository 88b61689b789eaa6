"""Fire rescue detachment writes: inspections with their fire hidden hazards, determinations of units
with a major fire hazard (GB 35181-2017), and leads passed to the procuratorate."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from safecity.core.models import Organisation
from safecity.core.scoping import allows_target
from safecity.firecases.choices import (
    ComprehensiveElement,
    DeterminationMethod,
    DirectItem,
    InspectionResult,
    LeadStatus,
    ThreeInOne,
)
from safecity.firecases.models import FireInspection, Lead, MajorFireHazardUnit
from safecity.firecases.services.common import brigade_id_of
from safecity.hazards.choices import HazardLevel, HazardSource, HazardType, ManagementType
from safecity.hazards.models import HiddenHazard
from safecity.hazards.services import hazard_report


def _brigade(actor: Any, fire_brigade: Organisation | None) -> Organisation:
    own = brigade_id_of(actor)
    if fire_brigade is None:
        if own is None:
            raise PermissionDenied
        return Organisation.objects.get(pk=own)
    if own is not None and fire_brigade.pk != own:
        raise PermissionDenied  # a fire officer writes for their own detachment only
    return fire_brigade


def _fire_hazard_report(*, actor: Any, inspection: FireInspection, finding: dict[str, Any]) -> HiddenHazard:
    """Report one fire hidden hazard found by the inspection into the dual-prevention lifecycle
    (state "to be confirmed", type fire), through the hazards app's own service."""
    description = str(finding.get("description") or "").strip()
    if not description:
        raise ValidationError({"findings": _("Each finding needs a description.")})
    discovered = finding.get("discovered_at") or timezone.make_aware(
        datetime.combine(inspection.inspected_on, datetime.min.time().replace(hour=10))
    )
    return hazard_report(
        actor=actor,
        organisation=inspection.organisation,
        level=finding.get("level", HazardLevel.GENERAL),
        source=HazardSource.SPECIALIST,
        management_type=ManagementType.BY_DEADLINE,
        hazard_type=HazardType.FIRE,
        description=description,
        location=finding.get("location", ""),
        deadline=finding.get("deadline"),
        discovered_at=discovered,
    )


@transaction.atomic
def fire_inspection_record(
    *,
    actor: Any,
    organisation: Organisation,
    inspected_on: date,
    inspectors: str,
    findings: list[dict[str, Any]] | None = None,
    notes: str = "",
    fire_brigade: Organisation | None = None,
    three_in_one: str = ThreeInOne.NOT_ASSESSED,
) -> FireInspection:
    """Record a fire-safety inspection and report its findings as fire hidden hazards.

    Who: a fire officer whose jurisdiction covers the unit, for their own detachment. The result
    follows the findings (none / hazards / a major hidden hazard). ``three_in_one``: the
    inspection's determination on three-in-one use (GB 35181-2017 6.2 / 7.9), read by the health
    portrait's forced-red rule.
    """
    if three_in_one not in ThreeInOne.values:
        raise ValidationError({"three_in_one": _("Choose whether three-in-one premises were found.")})
    findings = findings or []
    levels = {f.get("level", HazardLevel.GENERAL) for f in findings}
    if not findings:
        result = InspectionResult.NO_FINDING
    elif HazardLevel.MAJOR in levels:
        result = InspectionResult.MAJOR_HAZARD
    else:
        result = InspectionResult.HAZARDS_FOUND
    inspection = FireInspection(
        organisation=organisation,
        fire_brigade=_brigade(actor, fire_brigade),
        inspected_on=inspected_on,
        inspectors=inspectors,
        result=result,
        three_in_one=three_in_one,
        notes=notes,
        recorded_by=actor,
    )
    if inspected_on > timezone.localdate():
        raise ValidationError({"inspected_on": _("An inspection cannot be recorded in the future.")})
    inspection.full_clean()
    if not allows_target(actor, inspection):
        raise PermissionDenied
    inspection.save()
    hazards = [_fire_hazard_report(actor=actor, inspection=inspection, finding=f) for f in findings]
    inspection.hazards.set(hazards)
    return inspection


@transaction.atomic
def major_unit_determine(
    *,
    actor: Any,
    organisation: Organisation,
    method: str,
    evidence: str,
    determined_on: date,
    direct_items: list[str] | None = None,
    comprehensive_elements: list[str] | None = None,
    discussion: str = "",
    inspection: FireInspection | None = None,
    fire_brigade: Organisation | None = None,
) -> MajorFireHazardUnit:
    """Determine a unit with a major fire hazard under GB 35181-2017.

    Direct determination: at least one item of chapter 6. Comprehensive determination: elements
    of chapter 7, and the record of the collective discussion that weighed them. One determination
    per unit and year.
    """
    direct_items = list(direct_items or [])
    comprehensive_elements = list(comprehensive_elements or [])
    errors: dict[str, str] = {}
    if set(direct_items) - set(DirectItem.values):
        errors["direct_items"] = _("Unknown GB 35181-2017 chapter 6 item.")
    if set(comprehensive_elements) - set(ComprehensiveElement.values):
        errors["comprehensive_elements"] = _("Unknown GB 35181-2017 chapter 7 element.")
    if method == DeterminationMethod.DIRECT and not direct_items:
        errors["direct_items"] = _("A direct determination names at least one item of GB 35181-2017 chapter 6.")
    if method == DeterminationMethod.COMPREHENSIVE:
        if not comprehensive_elements:
            errors["comprehensive_elements"] = _("A comprehensive determination names the chapter 7 elements it weighed.")
        if not discussion.strip():
            errors["discussion"] = _("A comprehensive determination records the collective discussion that decided it.")
    if determined_on > timezone.localdate():
        errors["determined_on"] = _("A determination cannot be dated in the future.")
    if errors:
        raise ValidationError(errors)
    if MajorFireHazardUnit.objects.filter(organisation=organisation, determined_on__year=determined_on.year).exists():
        raise ValidationError(_("This unit is already on the list of units with a major fire hazard for that year."))
    unit = MajorFireHazardUnit(
        organisation=organisation,
        fire_brigade=_brigade(actor, fire_brigade),
        inspection=inspection,
        method=method,
        direct_items=direct_items,
        comprehensive_elements=comprehensive_elements,
        discussion=discussion,
        evidence=evidence,
        determined_on=determined_on,
        determined_by=actor,
    )
    unit.full_clean()
    if not allows_target(actor, unit):
        raise PermissionDenied
    unit.save()
    return unit


@transaction.atomic
def lead_refer(
    *,
    actor: Any,
    organisation: Organisation,
    description: str,
    inspection: FireInspection | None = None,
    major_unit: MajorFireHazardUnit | None = None,
    referred_at: datetime | None = None,
    fire_brigade: Organisation | None = None,
) -> Lead:
    """Pass a unit to the procuratorate as a lead (fire officers of the unit's area, own detachment)."""
    for linked in (inspection, major_unit):
        if linked is not None and linked.organisation_id != organisation.pk:
            raise ValidationError(_("The inspection and the determination must be about the same unit."))
    lead = Lead(
        organisation=organisation,
        fire_brigade=_brigade(actor, fire_brigade),
        inspection=inspection,
        major_unit=major_unit,
        description=description,
        referred_at=referred_at or timezone.now(),
        referred_by=actor,
    )
    lead.full_clean()
    if "fire_officer" not in _roles(actor) and not getattr(actor, "is_superuser", False):
        raise PermissionDenied
    if not allows_target(actor, lead):
        raise PermissionDenied
    lead.save()
    return lead


@transaction.atomic
def lead_decline(*, actor: Any, lead: Lead, note: str) -> Lead:
    """The procuratorate declines a lead (with its reason); a declined lead stays on record."""
    lead = Lead.objects.select_for_update().get(pk=lead.pk)
    if lead.status != LeadStatus.REFERRED:
        raise ValidationError(_("Only a referred lead can be declined."), code="transition_not_allowed")
    if not note.strip():
        raise ValidationError({"note": _("Say why the lead is declined.")})
    if "procurator" not in _roles(actor) and not getattr(actor, "is_superuser", False):
        raise PermissionDenied
    if not allows_target(actor, lead):
        raise PermissionDenied
    lead.status = LeadStatus.DECLINED
    lead.decided_at = timezone.now()
    lead.decision_note = note
    lead.save()
    return lead


def _roles(actor: Any) -> frozenset[str]:
    from safecity.core.scoping import principal_for

    return principal_for(actor).roles

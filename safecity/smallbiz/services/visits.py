"""Service visits (服务走访, issue 16 §4): the provider's engineer signs the visit on the phone with
its place and photos, records the checklist and the findings (each a hidden hazard of the hazards
lifecycle: the enterprise rectifies, acceptance per the hazards rules); the enterprise and the
street score the visit (1-5).

Refused: a visit signed outside its contract's period, or when the provider holds no qualification
in force that day (domain-rules §7c), a score out of range, a second score by the same side.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from safecity.core.scoping import allows_target
from safecity.hazards.choices import HazardLevel, HazardSource, HazardType
from safecity.hazards.models import HiddenHazard
from safecity.hazards.services.evidence import evidence_content_type
from safecity.smallbiz.choices import ScoreBy, VisitAction, VisitState
from safecity.smallbiz.models import ENGINEER_ROLES, ENTERPRISE_ROLES, STREET_ROLES, Visit, VisitFinding, VisitPhoto, VisitScore
from safecity.smallbiz.services.common import SmallbizError, actor_label, is_platform, require_roles, require_target
from safecity.smallbiz.services.registry import provider_qualification_valid
from safecity.smallbiz.transitions import visit_transition

PHOTO_TYPES = {"image/jpeg", "image/png"}


def _lock(visit: Visit) -> Visit:
    return (
        Visit.objects.select_for_update()
        .select_related("contract__provider__organisation", "enterprise__organisation")
        .get(pk=visit.pk)
    )


def _transition(visit: Visit, action: str) -> Any:
    transition = visit_transition(action, visit.state)
    if transition is None:
        raise SmallbizError(
            _("This visit is %(state)s: it cannot be changed this way.") % {"state": visit.get_state_display()},
            code="transition_not_allowed",
        )
    return transition


def _coordinate(value: Any, field: str, limit: int) -> Decimal:
    try:
        number = Decimal(str(value)).quantize(Decimal("0.000001"))
    except (InvalidOperation, ValueError, TypeError):
        raise SmallbizError(
            {field: _("The phone's location is needed to sign the visit: allow location access and try again.")}
        ) from None
    if not -limit <= number <= limit:
        raise SmallbizError({field: _("This is not a valid coordinate.")})
    return number


def _checklist(items: Any) -> list[dict[str, Any]]:
    if not isinstance(items, list):
        raise SmallbizError({"checklist": _("The checklist is a list of items, each checked or not.")})
    clean = []
    for item in items:
        if not isinstance(item, dict) or not str(item.get("content", "")).strip() or not isinstance(item.get("ok"), bool):
            raise SmallbizError({"checklist": _("Each checklist item has its content and whether it is in order.")})
        item_id = item.get("item")
        clean.append(
            {"item": item_id if isinstance(item_id, int) else None, "content": str(item["content"])[:1000], "ok": item["ok"]}
        )
    return clean


@transaction.atomic
def visit_sign(
    *,
    actor: Any,
    visit: Visit,
    latitude: Any,
    longitude: Any,
    checklist: Any = (),
    note: str = "",
    done_at: datetime | None = None,
    photos: Sequence[UploadedFile] = (),
    findings: Sequence[dict[str, Any]] = (),
) -> Visit:
    """Sign a scheduled visit as done (by an engineer of the contract's provider, on the phone):
    the time, the place, the checklist, the photos and the findings, all or nothing."""
    visit = _lock(visit)
    transition = _transition(visit, VisitAction.SIGN)
    require_roles(actor, visit, transition.roles)
    done_at = done_at or timezone.now()
    day = timezone.localtime(done_at).date()
    contract = visit.contract
    if not contract.covers(day):
        raise SmallbizError(
            _("A visit on %(day)s is outside the contract's period (%(start)s to %(end)s).")
            % {"day": day.isoformat(), "start": contract.starts_on.isoformat(), "end": contract.ends_on.isoformat()},
            code="guard",
        )
    if provider_qualification_valid(contract.provider, day) is None:
        raise SmallbizError(
            _("%(provider)s holds no qualification in force on %(day)s: the visit cannot be signed.")
            % {"provider": contract.provider, "day": day.isoformat()},
            code="guard",
        )
    visit.latitude = _coordinate(latitude, "latitude", 90)
    visit.longitude = _coordinate(longitude, "longitude", 180)
    visit.checklist = _checklist(list(checklist))
    visit.note = note
    visit.done_at = done_at
    visit.state = transition.target
    visit.signed_by = None if is_platform(actor) else actor
    visit.full_clean()
    visit.save()
    for photo in photos:
        visit_photo_add(actor=actor, visit=visit, file=photo)
    for finding in findings:
        visit_finding_add(actor=actor, visit=visit, **finding)
    return visit


@transaction.atomic
def visit_cancel(*, actor: Any, visit: Visit, reason: str) -> Visit:
    """Cancel a scheduled visit (the street or the district), with the reason in its note."""
    visit = _lock(visit)
    transition = _transition(visit, VisitAction.CANCEL)
    require_roles(actor, visit, transition.roles)
    if not reason.strip():
        raise SmallbizError({"reason": _("Say why the visit is cancelled.")})
    visit.state = transition.target
    visit.note = reason.strip()
    visit.save(update_fields=["state", "note", "updated_at"])
    return visit


@transaction.atomic
def visit_photo_add(*, actor: Any, visit: Visit, file: UploadedFile) -> VisitPhoto:
    """A photo of a done visit: JPEG or PNG by content, at most SAFECITY_EVIDENCE_MAX_BYTES."""
    head = file.read(16)
    file.seek(0)
    content_type = evidence_content_type(head)
    if content_type not in PHOTO_TYPES:
        raise SmallbizError({"photos": _("A visit photo is a JPEG or PNG image.")})
    if file.size is None or file.size > settings.SAFECITY_EVIDENCE_MAX_BYTES:
        raise SmallbizError({"photos": _("The photo is too large.")})
    photo = VisitPhoto(visit=visit, file=file, content_type=content_type, size=file.size)
    require_target(actor, photo)
    photo.save()
    return photo


@transaction.atomic
def visit_finding_add(
    *, actor: Any, visit: Visit, description: str, level: int = HazardLevel.GENERAL, hazard_type: int = HazardType.SAFETY
) -> VisitFinding:
    """Record a finding of a done visit and report it as a hidden hazard (source: external expert
    diagnosis, order No. 16 and the dual-prevention guideline's source code 8).

    Reported through ``hazards.services.hazard_report`` when the hazards rules let the actor report
    at this enterprise (a safety service engineer may, at the enterprises their provider's contracts
    cover); a visit signed by the platform (the demo, a command) reports through
    ``hazard_report_by_platform``, with the visit and the engineer named on its timeline.
    """
    from safecity.hazards import services as hazards

    if visit.state != VisitState.DONE:
        raise SmallbizError(_("Findings are recorded on a signed visit."), code="transition_not_allowed")
    description = (description or "").strip()
    if not description:
        raise SmallbizError({"description": _("Describe the finding.")})
    if level not in HazardLevel.values or hazard_type not in HazardType.values:
        raise SmallbizError({"level": _("Choose the finding's level and type from the list.")})
    probe = VisitFinding(visit=visit, description=description, level=level, hazard_type=hazard_type, hazard=HiddenHazard())
    require_target(actor, probe)
    organisation = visit.enterprise.organisation
    reporter_may = not is_platform(actor) and allows_target(actor, HiddenHazard(organisation=organisation))
    if reporter_may:
        hazard = hazards.hazard_report(
            actor=actor,
            organisation=organisation,
            description=description,
            level=level,
            hazard_type=hazard_type,
            source=HazardSource.EXPERT_DIAGNOSIS,
            discovered_at=visit.done_at,
        )
    else:
        if level == HazardLevel.MAJOR:
            # The platform reports general hazards only; a major one is for the authority to report
            # (order No. 16: the authority governs major hidden hazards).
            raise SmallbizError(
                {"level": _("A major hidden hazard is reported by the authority: tell the street or the district.")}
            )
        hazard = hazards.hazard_report_by_platform(
            organisation=organisation,
            description=description,
            hazard_type=hazard_type,
            source=HazardSource.EXPERT_DIAGNOSIS,
            discovered_at=visit.done_at,
            comment=_("Found on service visit %(visit)s by %(engineer)s (%(provider)s).")
            % {"visit": visit, "engineer": actor_label(actor) or "—", "provider": visit.contract.provider},
        )
    finding = VisitFinding(
        visit=visit,
        description=description,
        level=level,
        hazard_type=hazard_type,
        hazard=hazard,
        found_by=None if is_platform(actor) else actor,
    )
    finding.save()
    return finding


def _score_value(score: Any) -> int:
    if isinstance(score, bool):
        score = None
    try:
        value = int(str(score))
    except (TypeError, ValueError):
        value = 0
    if str(score).strip() != str(value) or not 1 <= value <= 5:
        raise SmallbizError({"score": _("A score is a whole number from 1 to 5.")})
    return value


SCORERS = {ScoreBy.ENTERPRISE: ENTERPRISE_ROLES, ScoreBy.STREET: STREET_ROLES}


@transaction.atomic
def visit_score(*, actor: Any, visit: Visit, by: str, score: Any, comment: str = "") -> VisitScore:
    """Score a done visit from 1 to 5: once by the enterprise served (its manager or staff) and once
    by the street that bought the service (a street official over it)."""
    value = _score_value(score)
    if by not in SCORERS:
        raise SmallbizError({"by": _("A visit is scored by the enterprise or by the street.")})
    visit = _lock(visit)
    require_roles(actor, visit, SCORERS[ScoreBy(by)])
    if visit.state != VisitState.DONE:
        raise SmallbizError(_("Only a done visit is scored."), code="transition_not_allowed")
    if VisitScore.objects.filter(visit=visit, by=by).exists():
        raise SmallbizError(_("This visit already has this score."), code="duplicate")
    row = VisitScore(visit=visit, by=by, score=value, comment=comment[:500], scored_by=None if is_platform(actor) else actor)
    row.full_clean()
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError:
        raise SmallbizError(_("This visit already has this score."), code="duplicate") from None
    return row


__all__ = ["ENGINEER_ROLES", "visit_cancel", "visit_finding_add", "visit_photo_add", "visit_score", "visit_sign"]

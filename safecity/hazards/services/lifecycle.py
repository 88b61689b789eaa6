"""Every write of hidden hazards: report, lifecycle transitions, governance plan, evidence, escalation.

Each service locks the hazard (``select_for_update``), checks the transition table and the
actor's roles on this hazard, writes the change and its timeline row in one transaction; the
audit trail records the write. Rules: order No. 16 (2007) and the national dual-prevention
guideline (domain-rules §1).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from safecity.core.models import Organisation, Person
from safecity.core.scoping import CHANGE, allows_target, roles_for
from safecity.hazards.choices import HazardLevel, HazardState, ManagementType
from safecity.hazards.models import GovernancePlan, HazardTransition, HiddenHazard
from safecity.hazards.services.evidence import evidence_add
from safecity.hazards.services.numbering import hazard_number_next, number_year
from safecity.hazards.transitions import Transition, check_actor, check_record, transition_for

REPORT_FIELDS = (
    "level", "source", "management_type", "hazard_type", "description", "cause", "measures", "cost",
    "liable_person", "location", "deadline", "discovered_at", "risk_event", "check_record",
)  # fmt: skip
EDITABLE_FIELDS = (
    "level",
    "management_type",
    "hazard_type",
    "description",
    "cause",
    "measures",
    "cost",
    "liable_person",
    "location",
    "deadline",
)


class HazardConflict(ValidationError):
    """The hazard changed under the caller (e.g. someone else accepted it first)."""


def _label(actor: Any) -> str:
    person = getattr(actor, "person", None) if actor is not None else None
    try:
        return person.name if person is not None else actor.get_username()
    except Exception:  # noqa: BLE001 - a user without a person row
        return actor.get_username() if actor is not None else ""


def _timeline(hazard: HiddenHazard, *, action: str, source: int | None, actor: Any, comment: str = "") -> None:
    HazardTransition.objects.create(
        hazard=hazard,
        action=action,
        from_state=source,
        to_state=hazard.state,
        actor=actor,
        actor_label=_label(actor)[:150],
        comment=comment,
    )


@transaction.atomic
def hazard_report(*, actor: Any, organisation: Organisation, **fields: Any) -> HiddenHazard:
    """Record a hidden hazard found at ``organisation`` (state: to be confirmed), numbered
    ``YH-<year of discovery>-<sequence within the year>`` (:mod:`.numbering`).

    Who: the enterprise's own people, or the authority reaching it (inspectors on their phones).
    """
    unknown = set(fields) - set(REPORT_FIELDS)
    if unknown:
        raise TypeError(f"unknown hazard fields: {sorted(unknown)}")
    hazard = HiddenHazard(organisation=organisation, discovered_by=actor, state=HazardState.TO_CONFIRM, **fields)
    if hazard.liable_person is not None:
        _check_liable(hazard.liable_person, organisation.pk)
    discovered = timezone.localtime(hazard.discovered_at).date()
    if hazard.deadline is not None and hazard.deadline < discovered:
        raise ValidationError({"deadline": _("The deadline cannot be before the hazard was discovered.")})
    hazard.full_clean(exclude=["code"])
    if not allows_target(actor, hazard):
        raise PermissionDenied
    hazard.code = hazard_number_next(year=number_year(hazard.discovered_at))
    hazard.save()
    _timeline(hazard, action="report", source=None, actor=actor)
    return hazard


@transaction.atomic
def hazard_report_by_platform(
    *,
    organisation: Organisation,
    description: str,
    hazard_type: int,
    source: int,
    discovered_at: Any,
    comment: str,
    level: int = HazardLevel.GENERAL,
    cause: str = "",
) -> HiddenHazard:
    """Record a hidden hazard that the platform itself found (a monitoring rule: a forklift with
    three overspeed alarms in a week, a device offline for a day), to be confirmed by the
    enterprise like any report. No person reports it, so no person's permission is checked: the
    caller is a platform service acting on its own records, never a request. ``comment`` goes on
    the timeline (what raised it)."""
    hazard = HiddenHazard(
        organisation=organisation,
        discovered_by=None,
        state=HazardState.TO_CONFIRM,
        level=level,
        management_type=ManagementType.BY_DEADLINE,
        hazard_type=hazard_type,
        source=source,
        description=description[:500],
        cause=cause,
        discovered_at=discovered_at,
    )
    hazard.full_clean(exclude=["code"])
    hazard.code = hazard_number_next(year=number_year(hazard.discovered_at))
    hazard.save()
    _timeline(hazard, action="report", source=None, actor=None, comment=comment[:500])
    return hazard


def _check_liable(person: Person, organisation_id: int) -> None:
    if person.organisation_id != organisation_id:
        raise ValidationError({"liable_person": _("The liable person must belong to the enterprise.")})


def _lock(hazard: HiddenHazard) -> HiddenHazard:
    return HiddenHazard.objects.select_for_update().select_related("organisation__region").get(pk=hazard.pk)


def _check(
    actor: Any, hazard: HiddenHazard, action: str, *, expected: int | None = None, evidence: Sequence[UploadedFile] = ()
) -> Transition:
    """Check the transition table, the actor's roles and the actor guard on this hazard, file the
    evidence submitted with the action at the transition's stage, then check the record guard
    (in the caller's transaction: a refusal leaves no evidence behind). Return the transition."""
    if expected is not None and hazard.state != expected:
        raise HazardConflict(
            _("This hidden hazard is already %(state)s (changed by %(who)s at %(when)s); reload to see it.")
            % {"state": hazard.get_state_display(), "who": _last_actor(hazard), "when": _last_time(hazard)},
            code="conflict",
        )
    transition = transition_for(action, hazard.state)
    if transition is None:
        raise ValidationError(
            _("“%(action)s” is not allowed while the hidden hazard is %(state)s.")
            % {"action": action, "state": hazard.get_state_display()},
            code="transition_not_allowed",
        )
    if not (roles_for(actor, hazard) & transition.roles_for(hazard)):
        raise PermissionDenied
    refused = check_actor(transition, hazard, actor)
    if refused:
        raise ValidationError(str(refused), code="actor_guard")
    files = [f for f in evidence if f]
    if files:
        if transition.evidence_stage is None:
            raise ValidationError({"evidence": _("This step takes no evidence.")})
        for file in files:
            evidence_add(actor=actor, hazard=hazard, stage=transition.evidence_stage, file=file)
    missing = check_record(transition, hazard)
    if missing:
        raise ValidationError(str(missing), code="guard")
    return transition


def _last_actor(hazard: HiddenHazard) -> str:
    last = hazard.timeline.order_by("-at", "-id").first()
    return last.actor_label if last else "—"


def _last_time(hazard: HiddenHazard) -> str:
    last = hazard.timeline.order_by("-at", "-id").first()
    return f"{timezone.localtime(last.at):%Y-%m-%d %H:%M}" if last else "—"


def _move(hazard: HiddenHazard, transition: Any, actor: Any, comment: str, **changes: Any) -> HiddenHazard:
    source = hazard.state
    for name, value in changes.items():
        setattr(hazard, name, value)
    hazard.state = transition.target
    hazard.full_clean(exclude=["code"])
    hazard.save()
    _timeline(hazard, action=transition.action, source=source, actor=actor, comment=comment)
    return hazard


@transaction.atomic
def hazard_confirm(
    *, actor: Any, hazard: HiddenHazard, deadline: date | None = None, liable_person: Person | None = None, comment: str = ""
) -> HiddenHazard:
    """To be confirmed -> rectifying. A major hazard needs its complete governance plan first."""
    hazard = _lock(hazard)
    if deadline is not None:
        hazard.deadline = deadline
    if liable_person is not None:
        _check_liable(liable_person, hazard.organisation_id)
        hazard.liable_person = liable_person
    transition = _check(actor, hazard, "confirm", expected=HazardState.TO_CONFIRM)
    return _move(hazard, transition, actor, comment)


@transaction.atomic
def hazard_withdraw(*, actor: Any, hazard: HiddenHazard, comment: str) -> HiddenHazard:
    """To be confirmed -> withdrawn: the report is not a hidden hazard (the reason is required)."""
    if not comment.strip():
        raise ValidationError({"comment": _("Say why this is not a hidden hazard.")})
    hazard = _lock(hazard)
    transition = _check(actor, hazard, "withdraw", expected=HazardState.TO_CONFIRM)
    return _move(hazard, transition, actor, comment)


@transaction.atomic
def hazard_fix_on_the_spot(
    *, actor: Any, hazard: HiddenHazard, rectification: str, evidence: Sequence[UploadedFile] = ()
) -> HiddenHazard:
    """To be confirmed -> awaiting acceptance, for a general hazard fixed at once (即查即改).

    Like any request for acceptance it needs the evidence of the fix: ``evidence`` (filed at the
    rectification stage) or a rectification photo or document recorded before."""
    if not rectification.strip():
        raise ValidationError({"rectification": _("Describe what was done.")})
    hazard = _lock(hazard)
    transition = _check(actor, hazard, "fix_on_the_spot", expected=HazardState.TO_CONFIRM, evidence=evidence)
    now = timezone.now()
    return _move(
        hazard, transition, actor, rectification,
        management_type=ManagementType.ON_THE_SPOT, rectification=rectification, rectified_by=actor, acceptance_requested_at=now,
    )  # fmt: skip


@transaction.atomic
def hazard_request_acceptance(
    *,
    actor: Any,
    hazard: HiddenHazard,
    rectification: str,
    cost: Decimal | None = None,
    evidence: Sequence[UploadedFile] = (),
) -> HiddenHazard:
    """Rectifying -> awaiting acceptance: the enterprise reports what it did, with its evidence.

    Order No. 16 and the dual-prevention guideline: at least one photo or document of the fix
    (stage "rectification", recorded since the last rejection) — ``evidence`` submitted with the
    request, or uploaded before. Refused without it (the transition table's guard)."""
    if not rectification.strip():
        raise ValidationError({"rectification": _("Describe the rectification.")})
    hazard = _lock(hazard)
    transition = _check(actor, hazard, "request_acceptance", expected=HazardState.RECTIFYING, evidence=evidence)
    changes: dict[str, Any] = {"rectification": rectification, "rectified_by": actor, "acceptance_requested_at": timezone.now()}
    if cost is not None:
        changes["cost"] = cost
    return _move(hazard, transition, actor, rectification, **changes)


@transaction.atomic
def hazard_accept(*, actor: Any, hazard: HiddenHazard, comment: str, evidence: Sequence[UploadedFile] = ()) -> HiddenHazard:
    """Awaiting acceptance -> accepted (closed), with the acceptance record: who (the actor), when
    (now), the opinion (``comment``, interface rule for state 9) and, for a major hidden hazard, the
    acceptance document or photos (``evidence`` filed at the acceptance stage, or uploaded since
    acceptance was requested; order No. 16 art. 18: the authority accepts and only then closes it).

    Someone other than the rectifier accepts (the transition's actor guard); a major hidden hazard
    is accepted by the authority."""
    if not comment.strip():
        raise ValidationError({"comment": _("Acceptance needs a comment (interface rule for state 9).")})
    hazard = _lock(hazard)
    transition = _check(actor, hazard, "accept", expected=HazardState.AWAITING_ACCEPTANCE, evidence=evidence)
    return _move(hazard, transition, actor, comment, accepted_by=actor, accepted_at=timezone.now(), acceptance_comment=comment)


@transaction.atomic
def hazard_reject(*, actor: Any, hazard: HiddenHazard, comment: str) -> HiddenHazard:
    """Awaiting acceptance -> rectifying: the fix does not hold (the reason is required)."""
    if not comment.strip():
        raise ValidationError({"comment": _("Say why the rectification is not accepted.")})
    hazard = _lock(hazard)
    transition = _check(actor, hazard, "reject", expected=HazardState.AWAITING_ACCEPTANCE)
    return _move(hazard, transition, actor, comment, acceptance_requested_at=None)


@transaction.atomic
def hazard_update(*, actor: Any, hazard: HiddenHazard, **changes: Any) -> HiddenHazard:
    """Correct the description fields of an open hazard (not its state)."""
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"not editable: {sorted(unknown)}")
    hazard = _lock(hazard)
    if not roles_for(actor, hazard) or not allows_target(actor, hazard):
        raise PermissionDenied
    if not hazard.is_open:
        raise ValidationError(_("A closed hidden hazard cannot be changed."), code="closed")
    if hazard.state != HazardState.TO_CONFIRM and "level" in changes and changes["level"] != hazard.level:
        raise ValidationError({"level": _("The level is fixed once the hazard is confirmed.")})
    if changes.get("liable_person") is not None:
        _check_liable(changes["liable_person"], hazard.organisation_id)
    for name, value in changes.items():
        setattr(hazard, name, value)
    hazard.full_clean(exclude=["code"])
    hazard.save()
    return hazard


@transaction.atomic
def governance_plan_save(*, actor: Any, hazard: HiddenHazard, **items: Any) -> GovernancePlan:
    """Write the five in-place items of a major hidden hazard's governance plan (before rectification)."""
    hazard = _lock(hazard)
    if hazard.level != HazardLevel.MAJOR:
        raise ValidationError(_("Only a major hidden hazard has a governance plan."))
    if hazard.state not in (HazardState.TO_CONFIRM, HazardState.RECTIFYING):
        raise ValidationError(_("The governance plan can no longer be changed."))
    if not (roles_for(actor, hazard) & {"enterprise_manager", "city_admin", "city_official", "district_official", "inspector"}):
        raise PermissionDenied
    plan = GovernancePlan.objects.filter(hazard=hazard).first() or GovernancePlan(hazard=hazard, organisation=hazard.organisation)
    allowed = {"responsibility", "measures", "funds", "deadline", "emergency_plan"}
    unknown = set(items) - allowed
    if unknown:
        raise TypeError(f"unknown plan items: {sorted(unknown)}")
    for name, value in items.items():
        setattr(plan, name, value)
    if plan.deadline is not None and plan.deadline < hazard.discovered_at.date():
        raise ValidationError({"deadline": _("The deadline cannot be before the hazard was discovered.")})
    plan.full_clean()
    plan.save()
    return plan


__all__ = [
    "CHANGE",
    "HazardConflict",
    "governance_plan_save",
    "hazard_accept",
    "hazard_confirm",
    "hazard_fix_on_the_spot",
    "hazard_reject",
    "hazard_report",
    "hazard_request_acceptance",
    "hazard_update",
    "hazard_withdraw",
]

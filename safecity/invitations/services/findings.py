"""The rule that makes invitations work (domain-rules §7b): hidden hazards found in an invited
inspection stay out of enforcement and carry no penalty when rectified within their deadline; one
still not rectified after its deadline goes into normal enforcement (Wuxi 2025; Fujian 应约帮扶:
no evidence collected, procedurally separate from penalties).

- :func:`rectified_on`: when the enterprise reported the fix (the hazard awaiting acceptance or
  accepted); a withdrawn report is no hazard and never referred;
- :func:`findings_refer_overdue`: the periodic job's service, marks each finding whose hazard is
  still unrectified after its deadline as referred to enforcement (once), with a timeline row;
- :func:`no_penalty_conditions`: Jiangsu's no-penalty list (2025, 20 items, 3 years) applies only
  when all four conditions hold: first violation, minor harm corrected promptly, no fatal accident
  in 3 years, not on the serious-dishonesty list; each is met, failed or not yet known.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from safecity.hazards.choices import HazardState
from safecity.hazards.models import HiddenHazard
from safecity.invitations.choices import ConditionStatus, InvitationAction, NoPenaltyCondition
from safecity.invitations.models import Finding, InvitationEvent
from safecity.invitations.services.common import today

FIXED_STATES = (HazardState.AWAITING_ACCEPTANCE, HazardState.ACCEPTED)


def rectified_on(hazard: HiddenHazard) -> date | None:
    """The day the fix was reported (acceptance requested; else accepted), None while unfixed."""
    if hazard.state not in FIXED_STATES:
        return None
    at = hazard.acceptance_requested_at or hazard.accepted_at
    return timezone.localdate(at) if at is not None else None


def rectified_in_time(hazard: HiddenHazard) -> bool:
    day = rectified_on(hazard)
    return day is not None and (hazard.deadline is None or day <= hazard.deadline)


def _overdue_q(day: date) -> Q:
    """Findings whose hazard's deadline has passed and whose fix was not reported by it (local days)."""
    unfixed = ~Q(hazard__state__in=FIXED_STATES) | Q(hazard__acceptance_requested_at__date__gt=F("hazard__deadline"))
    return Q(referred_at__isnull=True, hazard__deadline__lt=day) & ~Q(hazard__state=HazardState.WITHDRAWN) & unfixed


@transaction.atomic
def findings_refer_overdue(*, on: date | None = None) -> int:
    """Refer every finding still unrectified after its deadline to normal enforcement (once each).
    The platform's job (``tasks.py``, daily): no person decides it, the deadline does."""
    day = on or today()
    candidates = list(
        Finding.objects.select_for_update(of=("self",))
        .filter(_overdue_q(day))
        .select_related("hazard", "invitation")
        .order_by("pk")
    )
    now = timezone.now()
    referred = []
    for finding in candidates:
        # Re-checked in Python on the locked row (the hazard may be fixed by a timezone edge).
        if rectified_in_time(finding.hazard):
            continue
        finding.referred_at = now
        referred.append(finding)
    Finding.objects.bulk_update(referred, ["referred_at"])
    InvitationEvent.objects.bulk_create(
        [
            InvitationEvent(
                invitation=f.invitation,
                action=InvitationAction.REFER,
                from_state=f.invitation.state,
                to_state=f.invitation.state,
                at=now,
                comment=f"{f.hazard.code}: {f.hazard.deadline.isoformat() if f.hazard.deadline else ''}",
            )
            for f in referred
        ]
    )
    return len(referred)


@dataclass(frozen=True)
class ConditionCheck:
    condition: str
    status: str

    @property
    def label(self) -> str:
        return str(NoPenaltyCondition(self.condition).label)

    @property
    def status_label(self) -> str:
        return str(ConditionStatus(self.status).label)


def _flag(value: bool | None, *, bad: bool) -> str:
    if value is None:
        return ConditionStatus.PENDING
    return ConditionStatus.FAILED if value is bad else ConditionStatus.MET


def no_penalty_conditions(finding: Finding, *, on: date | None = None) -> list[ConditionCheck]:
    """The four conditions of the no-penalty list for this finding, each met, failed or pending."""
    day = on or today()
    hazard = finding.hazard
    if not finding.minor_harm:
        corrected = ConditionStatus.FAILED
    elif rectified_in_time(hazard):
        corrected = ConditionStatus.MET
    elif (hazard.deadline is not None and day > hazard.deadline) or rectified_on(hazard) is not None:
        corrected = ConditionStatus.FAILED
    else:
        corrected = ConditionStatus.PENDING
    invitation = finding.invitation
    return [
        ConditionCheck(NoPenaltyCondition.FIRST_VIOLATION, _flag(finding.first_violation, bad=False)),
        ConditionCheck(NoPenaltyCondition.MINOR_CORRECTED, corrected),
        ConditionCheck(NoPenaltyCondition.NO_FATAL_ACCIDENT, _flag(invitation.fatal_accident_3y, bad=True)),
        ConditionCheck(NoPenaltyCondition.NOT_DISHONEST, _flag(invitation.dishonest, bad=True)),
    ]


def no_penalty_applies(finding: Finding, *, on: date | None = None) -> bool | None:
    """True when all four hold, False when one failed, None while one is not yet known."""
    statuses = {c.status for c in no_penalty_conditions(finding, on=on)}
    if ConditionStatus.FAILED in statuses:
        return False
    return None if ConditionStatus.PENDING in statuses else True

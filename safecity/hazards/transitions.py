"""The allowed state changes of a hidden hazard, as one table: (action, from) -> to, roles, guards.

Source: 《危险化学品企业双重预防机制数字化建设工作指南(试行)》 states -1/0/1/9; order No. 16
(2007) for major hidden hazards (governance plan first; acceptance by the authority).

Two kinds of guard:

- ``guard`` (on the hazard's record): what the record must hold before the change, e.g. the
  governance plan, or the evidence of the fix. The user can satisfy it (upload, fill in), so the
  UI offers the action and says what is missing.
- ``actor_guard`` (on who acts): e.g. nobody accepts their own rectification. The UI never offers
  an action this guard refuses (:func:`offered`), so the buttons and the rules cannot differ.

Every service, the UI, the API and any import go through :func:`check_guards`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from safecity.hazards.choices import EvidenceStage, HazardLevel, HazardState, ManagementType
from safecity.hazards.models import HazardEvidence, HiddenHazard

S = HazardState
ENTERPRISE = frozenset({"enterprise_manager", "enterprise_staff"})
AUTHORITY = frozenset({"city_admin", "city_official", "district_official", "inspector"})
# The grid below the district (issue 16): the street / town office and the village committee
# supervise small and micro enterprises and accept their general hazards' rectification (the
# hazards of their own area only: the scope rule's jurisdiction reach). Major ones stay with the
# authority (order No. 16).
LOCAL_SUPERVISION = frozenset({"street_official", "village_supervisor"})

Message = str | Promise | None
Guard = Callable[[HiddenHazard], Message]
ActorGuard = Callable[[HiddenHazard, Any], Message]


def _general_only(hazard: HiddenHazard) -> Message:
    if hazard.level == HazardLevel.MAJOR:
        return _("A major hidden hazard cannot be fixed on the spot: it needs a governance plan and acceptance by the authority.")
    return None


def _plan_complete(hazard: HiddenHazard) -> Message:
    if hazard.level != HazardLevel.MAJOR:
        return None
    plan = getattr(hazard, "governance_plan", None)
    if plan is None:
        return _(
            "A major hidden hazard needs its governance plan (responsibility, measures, funds, deadline, emergency plan) before rectification starts."
        )
    missing = plan.missing_items()
    if missing:
        return _("The governance plan still lacks: %(items)s.") % {"items": ", ".join(missing)}
    return None


def _needs_deadline(hazard: HiddenHazard) -> Message:
    if hazard.management_type == ManagementType.BY_DEADLINE and hazard.deadline is None:
        return _("A hazard rectified by a deadline needs its deadline before rectification starts.")
    return None


def rectification_evidence(hazard: HiddenHazard) -> Any:
    """The photos and documents of the current fix: stage "rectification", recorded since the last
    rejection (a rejected fix does not hold, so its photos do not prove the next one)."""
    evidence = HazardEvidence.objects.filter(hazard_id=hazard.pk, stage=EvidenceStage.RECTIFICATION)
    rejected = hazard.timeline.filter(action="reject").order_by("-at", "-id").values_list("at", flat=True).first()
    return evidence.filter(created_at__gte=rejected) if rejected is not None else evidence


def acceptance_evidence(hazard: HiddenHazard) -> Any:
    """The acceptance document or photos of the pending acceptance (stage "acceptance", recorded
    since acceptance was requested)."""
    evidence = HazardEvidence.objects.filter(hazard_id=hazard.pk, stage=EvidenceStage.ACCEPTANCE)
    if hazard.acceptance_requested_at is not None:
        evidence = evidence.filter(created_at__gte=hazard.acceptance_requested_at)
    return evidence


def _rectification_evidenced(hazard: HiddenHazard) -> Message:
    """Order No. 16 art. 15-17 and the dual-prevention guideline: the enterprise reports the fix
    with its evidence; a hazard is never put up for acceptance on words alone."""
    if not rectification_evidence(hazard).exists():
        return _(
            "Acceptance can be requested only with evidence of the rectification: add at least one photo or "
            "document of the fix (stage “Rectification”)."
        )
    return None


def _major_acceptance_record(hazard: HiddenHazard) -> Message:
    """Order No. 16 art. 18: a major hidden hazard is closed (核销) only on the authority's
    acceptance record: who, when, the opinion (the comment) and the acceptance document or photos."""
    if hazard.level == HazardLevel.MAJOR and not acceptance_evidence(hazard).exists():
        return _(
            "A major hidden hazard is closed only with its acceptance record: attach the acceptance document "
            "or photos (stage “Acceptance”)."
        )
    return None


def _not_the_rectifier(hazard: HiddenHazard, actor: Any) -> Message:
    """Acceptance verifies someone else's fix: the rectifier never accepts it."""
    if hazard.rectified_by_id is not None and hazard.rectified_by_id == getattr(actor, "pk", None):
        return _("Acceptance must be by someone other than the person who rectified the hazard.")
    return None


def _all(*guards: Guard) -> Guard:
    def guard(hazard: HiddenHazard) -> Message:
        for g in guards:
            message = g(hazard)
            if message:
                return message
        return None

    return guard


@dataclass(frozen=True)
class Transition:
    action: str
    source: int
    target: int
    roles: frozenset[str]
    major_roles: frozenset[str] | None = None  # who may do it for a major hidden hazard, if different
    guard: Guard | None = None
    actor_guard: ActorGuard | None = None
    # Where the evidence submitted with this action is filed (None: the action takes no evidence).
    evidence_stage: str | None = None

    def roles_for(self, hazard: HiddenHazard) -> frozenset[str]:
        if hazard.level == HazardLevel.MAJOR and self.major_roles is not None:
            return self.major_roles
        return self.roles


TRANSITIONS: dict[tuple[str, int], Transition] = {
    (t.action, t.source): t
    for t in [
        Transition(
            "confirm",
            S.TO_CONFIRM,
            S.RECTIFYING,
            ENTERPRISE | AUTHORITY,
            frozenset({"enterprise_manager"}) | AUTHORITY,
            _all(_needs_deadline, _plan_complete),
        ),
        Transition("withdraw", S.TO_CONFIRM, S.WITHDRAWN, frozenset({"enterprise_manager"}) | AUTHORITY),
        Transition(
            "fix_on_the_spot",
            S.TO_CONFIRM,
            S.AWAITING_ACCEPTANCE,
            ENTERPRISE | AUTHORITY,
            guard=_all(_general_only, _rectification_evidenced),
            evidence_stage=EvidenceStage.RECTIFICATION,
        ),
        Transition(
            "request_acceptance",
            S.RECTIFYING,
            S.AWAITING_ACCEPTANCE,
            ENTERPRISE | AUTHORITY,
            guard=_rectification_evidenced,
            evidence_stage=EvidenceStage.RECTIFICATION,
        ),
        # Acceptance: general hazards by the enterprise manager, the authority or the street and
        # village; major ones by the authority.
        Transition(
            "accept",
            S.AWAITING_ACCEPTANCE,
            S.ACCEPTED,
            frozenset({"enterprise_manager"}) | AUTHORITY | LOCAL_SUPERVISION,
            AUTHORITY,
            guard=_major_acceptance_record,
            actor_guard=_not_the_rectifier,
            evidence_stage=EvidenceStage.ACCEPTANCE,
        ),
        Transition(
            "reject",
            S.AWAITING_ACCEPTANCE,
            S.RECTIFYING,
            frozenset({"enterprise_manager"}) | AUTHORITY | LOCAL_SUPERVISION,
            AUTHORITY,
        ),
    ]
}


ACTION_LABELS = {
    "report": _("Reported"),
    "confirm": _("Confirmed, rectification started"),
    "withdraw": _("Withdrawn: not a hidden hazard"),
    "fix_on_the_spot": _("Fixed on the spot"),
    "request_acceptance": _("Rectified, acceptance requested"),
    "accept": _("Accepted and closed"),
    "reject": _("Rectification rejected"),
}

# What the button of each action says.
ACTION_BUTTONS = {
    "confirm": _("Confirm and start rectification"),
    "withdraw": _("Not a hidden hazard"),
    "fix_on_the_spot": _("Fixed on the spot"),
    "request_acceptance": _("Request acceptance"),
    "accept": _("Accept and close"),
    "reject": _("Reject the rectification"),
}


def transition_for(action: str, state: int) -> Transition | None:
    return TRANSITIONS.get((action, state))


def actions_from(state: int) -> list[Transition]:
    return [t for (action, source), t in TRANSITIONS.items() if source == state]


def check_actor(transition: Transition, hazard: HiddenHazard, actor: Any) -> Message:
    return transition.actor_guard(hazard, actor) if transition.actor_guard is not None else None


def check_record(transition: Transition, hazard: HiddenHazard) -> Message:
    return transition.guard(hazard) if transition.guard is not None else None


@dataclass(frozen=True)
class Offer:
    """An action the user may take now; ``missing`` says what the record still lacks (the user can
    supply it with the action, e.g. the evidence), ``None`` when it can be done as is."""

    transition: Transition
    missing: str | None

    @property
    def action(self) -> str:
        return self.transition.action

    @property
    def label(self) -> str:
        return str(ACTION_BUTTONS.get(self.action, self.action))

    @property
    def evidence_stage(self) -> str | None:
        return self.transition.evidence_stage


def offered(hazard: HiddenHazard, actor: Any, roles: frozenset[str] | set[str]) -> list[Offer]:
    """The actions to offer ``actor`` (holding ``roles`` on this hazard): the table's transitions
    from the hazard's state that the roles allow and the actor guards do not refuse."""
    offers = []
    for transition in actions_from(hazard.state):
        if not (set(roles) & transition.roles_for(hazard)):
            continue
        if check_actor(transition, hazard, actor):
            continue
        missing = check_record(transition, hazard)
        offers.append(Offer(transition=transition, missing=str(missing) if missing else None))
    return offers

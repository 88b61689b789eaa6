"""The allowed state changes of a hidden hazard, as one table: (action, from) -> to, roles, guard.

Source: 《危险化学品企业双重预防机制数字化建设工作指南(试行)》 states -1/0/1/9; order No. 16
(2007) for major hidden hazards (governance plan first; acceptance by the authority).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from safecity.hazards.choices import HazardLevel, HazardState, ManagementType
from safecity.hazards.models import HiddenHazard

S = HazardState
ENTERPRISE = frozenset({"enterprise_manager", "enterprise_staff"})
AUTHORITY = frozenset({"city_admin", "city_official", "district_official", "inspector"})


def _general_only(hazard: HiddenHazard) -> str | Promise | None:
    if hazard.level == HazardLevel.MAJOR:
        return _("A major hidden hazard cannot be fixed on the spot: it needs a governance plan and acceptance by the authority.")
    return None


def _plan_complete(hazard: HiddenHazard) -> str | Promise | None:
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


def _needs_deadline(hazard: HiddenHazard) -> str | Promise | None:
    if hazard.management_type == ManagementType.BY_DEADLINE and hazard.deadline is None:
        return _("A hazard rectified by a deadline needs its deadline before rectification starts.")
    return None


def _all(*guards: Callable[[HiddenHazard], str | Promise | None]) -> Callable[[HiddenHazard], str | Promise | None]:
    def guard(hazard: HiddenHazard) -> str | Promise | None:
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
    guard: Callable[[HiddenHazard], str | Promise | None] | None = None

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
        Transition("fix_on_the_spot", S.TO_CONFIRM, S.AWAITING_ACCEPTANCE, ENTERPRISE | AUTHORITY, guard=_general_only),
        Transition("request_acceptance", S.RECTIFYING, S.AWAITING_ACCEPTANCE, ENTERPRISE | AUTHORITY),
        # Acceptance: general hazards by the enterprise manager or the authority; major ones by the authority.
        Transition("accept", S.AWAITING_ACCEPTANCE, S.ACCEPTED, frozenset({"enterprise_manager"}) | AUTHORITY, AUTHORITY),
        Transition("reject", S.AWAITING_ACCEPTANCE, S.RECTIFYING, frozenset({"enterprise_manager"}) | AUTHORITY, AUTHORITY),
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


def transition_for(action: str, state: int) -> Transition | None:
    return TRANSITIONS.get((action, state))


def actions_from(state: int) -> list[Transition]:
    return [t for (action, source), t in TRANSITIONS.items() if source == state]

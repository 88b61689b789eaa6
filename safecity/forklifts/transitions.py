"""The allowed status changes of a forklift, as one table: (action, from) -> to, roles, guard.

A registered truck is in use; it may be stopped (by its enterprise, or by the regulator when it
must not be used) and resumed by its enterprise, and scrapped from either state (terminal). An
uninspected truck may not be used (Special Equipment Safety Law art. 40; TSG 81-2022), nor one
without its use registration once 30 days have passed since first use (art. 33): resuming is
refused until the record holds both (a record guard the page shows).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from safecity.forklifts.choices import ForkliftAction as A
from safecity.forklifts.choices import ForkliftStatus as S
from safecity.forklifts.choices import InspectionResult, InspectionStatus, RegistrationStatus
from safecity.forklifts.models import ENTERPRISE_ROLES, REGULATOR_ROLES, Forklift

Message = str | Promise | None
Guard = Callable[[Forklift, date], Message]


def _fit_for_use(forklift: Forklift, today: date) -> Message:
    if forklift.last_inspection_result == InspectionResult.FAIL:
        return _("The truck failed its last periodic inspection: it may not be used until it passes one.")
    if forklift.inspection_status(today) in (InspectionStatus.OVERDUE, InspectionStatus.UNKNOWN):
        return _("The truck's periodic inspection is overdue (or not on record): it may not be used until it passes.")
    if forklift.registration_status(today) == RegistrationStatus.OVERDUE:
        return _("The truck has no use registration 30 days after its first use: it may not be used until registered.")
    return None


@dataclass(frozen=True)
class Transition:
    action: str
    source: str
    target: str
    roles: frozenset[str]
    guard: Guard | None = None


TRANSITIONS: dict[tuple[str, str], Transition] = {
    (t.action, t.source): t
    for t in [
        Transition(A.STOP, S.IN_USE, S.STOPPED, ENTERPRISE_ROLES | REGULATOR_ROLES),
        Transition(A.RESUME, S.STOPPED, S.IN_USE, ENTERPRISE_ROLES, _fit_for_use),
        Transition(A.SCRAP, S.IN_USE, S.SCRAPPED, frozenset({"enterprise_manager"}) | REGULATOR_ROLES),
        Transition(A.SCRAP, S.STOPPED, S.SCRAPPED, frozenset({"enterprise_manager"}) | REGULATOR_ROLES),
    ]
}


def transition_for(action: str, status: str) -> Transition | None:
    return TRANSITIONS.get((action, status))


def actions_from(status: str) -> list[Transition]:
    return [t for (_action, source), t in TRANSITIONS.items() if source == status]


def offered(forklift: Forklift, roles: frozenset[str] | set[str]) -> list[Transition]:
    """The actions a user holding ``roles`` on this truck is offered (the services allow the same)."""
    return [t for t in actions_from(forklift.status) if set(roles) & t.roles]

"""The steps of a restaurant's conversion, as one table: (action, from step) -> to step, roles.

Survey → plan → construction → acceptance → subsidy applied → approved → paid (domain-rules §7a:
programmes survey each shop, plan pipe or electric, build, accept, then subsidise). A plan that finds
neither feasible sends the restaurant to the safety-device track (it stays on cylinders with a
gas-leak alarm linked to an automatic shut-off valve), a terminal step. The districts run the
programme; inspectors survey and accept on the street; the restaurant applies for its own subsidy.
The services (``services/conversion.py``) allow exactly what this table says, and the pages offer
the same.
"""

from __future__ import annotations

from dataclasses import dataclass

from safecity.restaurants.choices import ConversionAction as A
from safecity.restaurants.choices import ConversionStep as S
from safecity.restaurants.models import FIELD_ROLES, REGULATOR_ROLES, Conversion

RESTAURANT_MANAGER = frozenset({"enterprise_manager"})


@dataclass(frozen=True)
class Transition:
    action: str
    source: str
    target: str
    roles: frozenset[str]


TRANSITIONS: dict[tuple[str, str], Transition] = {
    (t.action, t.source): t
    for t in [
        Transition(A.SURVEY, S.LISTED, S.SURVEYED, REGULATOR_ROLES | FIELD_ROLES),
        Transition(A.PLAN, S.SURVEYED, S.PLANNED, REGULATOR_ROLES),  # or SAFETY_DEVICES: see conversion_plan
        Transition(A.START, S.PLANNED, S.CONSTRUCTION, REGULATOR_ROLES),
        Transition(A.ACCEPT, S.CONSTRUCTION, S.ACCEPTED, REGULATOR_ROLES | FIELD_ROLES),
        Transition(A.APPLY, S.ACCEPTED, S.SUBSIDY_APPLIED, REGULATOR_ROLES | RESTAURANT_MANAGER),
        Transition(A.APPROVE, S.SUBSIDY_APPLIED, S.SUBSIDY_APPROVED, REGULATOR_ROLES),
        Transition(A.PAY, S.SUBSIDY_APPROVED, S.SUBSIDY_PAID, REGULATOR_ROLES),
    ]
}


def transition_for(action: str, step: str) -> Transition | None:
    return TRANSITIONS.get((action, step))


def offered(conversion: Conversion, roles: frozenset[str] | set[str]) -> list[Transition]:
    """The actions a user holding ``roles`` on this conversion is offered (the services allow the same)."""
    return [t for (_action, source), t in TRANSITIONS.items() if source == conversion.step and set(roles) & t.roles]

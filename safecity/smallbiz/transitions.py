"""The state changes of group-purchase contracts and service visits, as one table each:
(action, from) -> to, roles. The services allow exactly what these tables say.

Contracts: draft -> in force (the street or the district puts it in force; its provider must hold a
qualification in force: an expired one cannot be given new work, domain-rules §7c) -> closed.
Visits: scheduled -> done (signed on the phone by the provider's engineer), or cancelled by the
street or the district.
"""

from __future__ import annotations

from dataclasses import dataclass

from safecity.smallbiz.choices import ContractAction as CA
from safecity.smallbiz.choices import ContractState as CS
from safecity.smallbiz.choices import VisitAction as VA
from safecity.smallbiz.choices import VisitState as VS
from safecity.smallbiz.models import ENGINEER_ROLES, REGULATOR_ROLES, STREET_ROLES


@dataclass(frozen=True)
class Transition:
    action: str
    source: str
    target: str
    roles: frozenset[str]


CONTRACT_TRANSITIONS: dict[tuple[str, str], Transition] = {
    (t.action, t.source): t
    for t in [
        Transition(CA.ACTIVATE, CS.DRAFT, CS.ACTIVE, REGULATOR_ROLES | STREET_ROLES),
        Transition(CA.CLOSE, CS.ACTIVE, CS.CLOSED, REGULATOR_ROLES | STREET_ROLES),
    ]
}

VISIT_TRANSITIONS: dict[tuple[str, str], Transition] = {
    (t.action, t.source): t
    for t in [
        Transition(VA.SIGN, VS.SCHEDULED, VS.DONE, ENGINEER_ROLES),
        Transition(VA.CANCEL, VS.SCHEDULED, VS.CANCELLED, REGULATOR_ROLES | STREET_ROLES),
    ]
}


def contract_transition(action: str, state: str) -> Transition | None:
    return CONTRACT_TRANSITIONS.get((action, state))


def visit_transition(action: str, state: str) -> Transition | None:
    return VISIT_TRANSITIONS.get((action, state))

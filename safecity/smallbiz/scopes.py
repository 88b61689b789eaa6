"""What a safety service engineer (ASSIGNMENT role) reaches: the enterprises that their provider's
contracts in force cover (issue 16; core ``register_assignment``), like an expert reaches the
enterprises of their panels (``safecity/deepchecks/scopes.py``).

- view: those contracts, their enterprises (and the core organisations), the visits, findings,
  photos and scores at them, and the enterprises' hidden hazards;
- write: visits, findings and photos of their own provider's contracts in force only, and the
  hidden hazards their findings report at those enterprises.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from safecity.core.models import Organisation
from safecity.core.scoping import NOTHING, Principal, register_assignment, register_assignment_target
from safecity.hazards.models import HiddenHazard
from safecity.smallbiz.choices import ContractState
from safecity.smallbiz.models import (
    IN_SERVICE,
    Contract,
    ContractEnterprise,
    ProviderEngineer,
    SmallEnterprise,
    Visit,
    VisitFinding,
    VisitPhoto,
    VisitScore,
)


def engineer_providers(principal: Principal) -> Any:
    # An engineer who left the provider (``retired_on``) no longer reaches its enterprises, even
    # while their login keeps the service-engineer role.
    return ProviderEngineer.objects.filter(IN_SERVICE, person_id=principal.person_id).values("provider_id")


def _contracts(principal: Principal) -> Any:
    return Contract.objects.filter(provider_id__in=engineer_providers(principal), state=ContractState.ACTIVE).values("pk")


def _enterprises(principal: Principal) -> Any:
    return ContractEnterprise.objects.filter(contract_id__in=_contracts(principal)).values("enterprise_id")


def _rule(build: Any) -> Any:
    def rule(principal: Principal) -> Q:
        if principal.person_id is None:
            return NOTHING
        return build(principal)

    return rule


register_assignment(Contract, _rule(lambda p: Q(pk__in=_contracts(p))))
register_assignment(ContractEnterprise, _rule(lambda p: Q(contract_id__in=_contracts(p))))
register_assignment(SmallEnterprise, _rule(lambda p: Q(pk__in=_enterprises(p))))
register_assignment(
    Organisation,
    _rule(lambda p: Q(pk__in=SmallEnterprise.objects.filter(pk__in=_enterprises(p)).values("organisation_id"))),
)
register_assignment(
    HiddenHazard,
    _rule(lambda p: Q(organisation_id__in=SmallEnterprise.objects.filter(pk__in=_enterprises(p)).values("organisation_id"))),
)
register_assignment(Visit, _rule(lambda p: Q(contract_id__in=_contracts(p))))
register_assignment(VisitFinding, _rule(lambda p: Q(visit__contract_id__in=_contracts(p))))
register_assignment(VisitPhoto, _rule(lambda p: Q(visit__contract_id__in=_contracts(p))))
register_assignment(VisitScore, _rule(lambda p: Q(visit__contract_id__in=_contracts(p))))


def _visit_of(obj: Any) -> Visit | None:
    if isinstance(obj, Visit):
        return obj
    return getattr(obj, "visit", None)


def _may_write(principal: Principal, obj: Any) -> bool:
    """A visit (or its finding or photo) of a contract in force of the engineer's own provider."""
    visit = _visit_of(obj)
    if visit is None or principal.person_id is None:
        return False
    return Contract.objects.filter(pk=visit.contract_id, pk__in=_contracts(principal)).exists()


def _may_report_at(principal: Principal, obj: Any) -> bool:
    """A hidden hazard at an enterprise that a contract in force of the engineer's provider covers
    (the finding of a service visit, reported in the engineer's own name)."""
    if principal.person_id is None:
        return False
    return SmallEnterprise.objects.filter(pk__in=_enterprises(principal), organisation_id=obj.organisation_id).exists()


register_assignment_target(HiddenHazard, _may_report_at)
register_assignment_target(Visit, _may_write)
register_assignment_target(VisitFinding, _may_write)
register_assignment_target(VisitPhoto, _may_write)

"""Group purchase (团购服务, issue 16 §3; domain-rules §7c): a street or a trade association buys a
service package from a provider for N enterprises; the contract's visits are its schedule.

The schedule of one contract is made here (:func:`contract_schedule_generate`): each enterprise's
visits spread evenly over the period (the due dates), each village given to one engineer; then
``services/planning.py`` plans every visit on an engineer's working day with CP-SAT (capacity per
day, travel between villages), and keeps this even schedule when no plan exists.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from safecity.core.choices import OrganisationKind, RegionLevel
from safecity.core.models import Organisation, Region
from safecity.smallbiz.choices import BuyerKind, ContractAction, ContractState
from safecity.smallbiz.models import (
    IN_SERVICE,
    Contract,
    ContractEnterprise,
    ProviderEngineer,
    ServiceProvider,
    SmallEnterprise,
    Visit,
)
from safecity.smallbiz.services.common import SmallbizError, is_platform, require_change, require_roles, require_target
from safecity.smallbiz.services.planning import contract_visits_plan
from safecity.smallbiz.services.registry import provider_check_eligible
from safecity.smallbiz.transitions import contract_transition


@transaction.atomic
def contract_create(
    *,
    actor: Any,
    number: str,
    title: str,
    buyer_kind: str,
    buyer: Organisation,
    region: Region,
    provider: ServiceProvider,
    enterprises: Sequence[SmallEnterprise],
    price: Decimal | str,
    government_share: Decimal | str,
    starts_on: date,
    ends_on: date,
    visits_per_year: int = 4,
    training: bool = False,
    emergency_plan: bool = False,
) -> Contract:
    """Record a group-purchase contract (a draft) for ``enterprises`` of the street ``region``.

    Refused: a provider without a qualification in force or its minimum engineers (it cannot be given
    new work), a street buyer that is not a street office, an enterprise outside the street.
    """
    if region.level != RegionLevel.STREET:
        raise SmallbizError({"region": _("A group purchase is made for a street or town.")})
    if buyer_kind == BuyerKind.STREET and buyer.kind != OrganisationKind.STREET_OFFICE:
        raise SmallbizError({"buyer": _("A street's group purchase is bought by the street office.")})
    if Contract.objects.filter(number=number).exists():
        raise SmallbizError({"number": _("A contract with this number already exists.")}, code="duplicate")
    provider_check_eligible(provider)
    if not enterprises:
        raise SmallbizError({"enterprises": _("A group purchase serves at least one enterprise.")})
    outside = [e for e in enterprises if not e.organisation.region.path.startswith(region.path)]
    if outside:
        raise SmallbizError(
            {
                "enterprises": _("Not in %(street)s: %(names)s.")
                % {"street": region.name, "names": "、".join(str(e) for e in outside[:5])}
            }
        )
    contract = Contract(
        number=number,
        title=title,
        buyer_kind=buyer_kind,
        buyer=buyer,
        region=region,
        provider=provider,
        price=Decimal(str(price)),
        government_share=Decimal(str(government_share)),
        starts_on=starts_on,
        ends_on=ends_on,
        visits_per_year=visits_per_year,
        training=training,
        emergency_plan=emergency_plan,
    )
    contract.full_clean()
    require_target(actor, contract)
    contract.save()
    ContractEnterprise.objects.bulk_create(
        [ContractEnterprise(contract=contract, enterprise=e) for e in dict.fromkeys(enterprises)]
    )
    return contract


def _lock(contract: Contract) -> Contract:
    return Contract.objects.select_for_update().select_related("provider__organisation", "region").get(pk=contract.pk)


def _move(actor: Any, contract: Contract, action: str) -> Contract:
    contract = _lock(contract)
    transition = contract_transition(action, contract.state)
    if transition is None:
        raise SmallbizError(
            _("This contract is %(state)s: it cannot be changed this way.") % {"state": contract.get_state_display()},
            code="transition_not_allowed",
        )
    require_change(actor, contract)
    require_roles(actor, contract, transition.roles)
    contract.state = transition.target
    contract.save(update_fields=["state", "updated_at"])
    return contract


@transaction.atomic
def contract_activate(*, actor: Any, contract: Contract) -> Contract:
    """Put a draft contract in force and generate its visit schedule; its provider must still be
    eligible (qualification in force, engineers) today."""
    provider_check_eligible(contract.provider)
    contract = _move(actor, contract, ContractAction.ACTIVATE)
    contract_schedule_generate(actor=actor, contract=contract)
    return contract


@transaction.atomic
def contract_close(*, actor: Any, contract: Contract) -> Contract:
    """Close a contract in force (its scheduled visits stay, the engineers lose access)."""
    return _move(actor, contract, ContractAction.CLOSE)


def visits_in_period(contract: Contract) -> int:
    """How many visits each enterprise gets: ``visits_per_year`` pro rata over the period, at least one."""
    days = (contract.ends_on - contract.starts_on).days + 1
    return max(1, round(contract.visits_per_year * days / 365))


def due_dates(contract: Contract) -> list[date]:
    """The due dates of one enterprise's visits: the period cut into equal parts, each visit due at
    the end of its part (the last on the contract's last day)."""
    n = visits_in_period(contract)
    days = (contract.ends_on - contract.starts_on).days + 1
    return [contract.starts_on + timedelta(days=(k + 1) * days // n - 1) for k in range(n)]


@transaction.atomic
def contract_schedule_generate(*, actor: Any, contract: Contract) -> list[Visit]:
    """Generate a contract's visits: for each enterprise, the visits spread evenly over the period;
    the enterprises of one village go to one engineer (villages dealt round the provider's full-time
    registered engineers in code order). Then :func:`contract_visits_plan` gives each visit its
    engineer and working day (``planned_on``) by CP-SAT; without a plan this even schedule stays.

    Once per contract (a second call is refused); for a contract in force only.
    """
    contract = _lock(contract)
    if not is_platform(actor):
        require_change(actor, contract)
        require_roles(actor, contract, frozenset({"city_admin", "city_official", "district_official", "street_official"}))
    if contract.state != ContractState.ACTIVE:
        raise SmallbizError(_("Only a contract in force has a visit schedule."), code="transition_not_allowed")
    if contract.visits.exists():
        raise SmallbizError(_("This contract's visits are already scheduled."), code="duplicate")
    engineers = list(
        ProviderEngineer.objects.filter(IN_SERVICE, provider_id=contract.provider_id, registered=True, full_time=True).order_by(
            "pk"
        )
    )
    if not engineers:
        raise SmallbizError(_("The provider has no full-time registered safety engineer to do the visits."), code="guard")
    members = list(
        ContractEnterprise.objects.filter(contract=contract)
        .select_related("enterprise__organisation__region")
        .order_by("enterprise__organisation__region__code", "enterprise__organisation__name", "enterprise_id")
    )
    villages = sorted({m.enterprise.organisation.region.code for m in members})
    engineer_of = {code: engineers[i % len(engineers)] for i, code in enumerate(villages)}
    dates = due_dates(contract)
    visits = [
        Visit(
            contract=contract,
            enterprise=m.enterprise,
            engineer=engineer_of[m.enterprise.organisation.region.code],
            sequence=k + 1,
            due_on=due,
        )
        for m in members
        for k, due in enumerate(dates)
    ]
    Visit.objects.bulk_create(visits)
    # Then the CP-SAT plan over the whole period (a contract recorded late is planned from its
    # first day too: the plan of record); if none exists the even schedule above stays.
    contract_visits_plan(actor=actor, contract=contract, from_day=contract.starts_on)
    return list(Visit.objects.filter(contract=contract).order_by("due_on", "enterprise_id", "sequence"))

"""Group purchase (issue 16 §3): who may buy from whom, and the contract's visit schedule."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from safecity.smallbiz.choices import ContractState
from safecity.smallbiz.models import Contract, ProviderEngineer, Qualification, Visit
from safecity.smallbiz.services import contracts
from safecity.smallbiz.services.common import SmallbizError


def test_schedule_spreads_visits_evenly_and_groups_an_engineers_visits_by_village(biz: Any) -> None:
    ones = [biz.enterprise("甲村厂", biz.village_a1) for _ in range(3)]
    twos = [biz.enterprise("乙村厂", biz.village_a2) for _ in range(2)]
    contract = biz.contract(ones + twos, start=date(2024, 1, 1), end=date(2024, 12, 31))
    assert contract.state == ContractState.ACTIVE
    visits = list(Visit.objects.filter(contract=contract))
    assert len(visits) == 5 * 4
    dues = sorted({v.due_on for v in visits})
    assert dues == [date(2024, 3, 31), date(2024, 7, 1), date(2024, 9, 30), date(2024, 12, 31)]
    by_village: dict[str, set[int]] = defaultdict(set)
    for v in visits:
        by_village[v.enterprise.organisation.region.code].add(v.engineer_id)
    assert all(len(engineers) == 1 for engineers in by_village.values())
    assert by_village["320411002201"] != by_village["320411002202"]
    with pytest.raises(SmallbizError) as refused:
        contracts.contract_schedule_generate(actor=biz.city.superuser, contract=contract)
    assert refused.value.error_code == "duplicate"
    assert Visit.objects.filter(contract=contract).count() == 20


def test_a_provider_with_an_expired_qualification_gets_no_new_work(biz: Any) -> None:
    Qualification.objects.filter(provider=biz.provider).update(valid_until=timezone.localdate() - timedelta(days=1))
    with pytest.raises(SmallbizError) as refused:
        biz.contract([biz.enterprise("厂")], activate=False)
    assert "qualification" in str(refused.value.messages[0]) or "资质" in str(refused.value.messages[0])
    assert not Contract.objects.exists()


def test_a_provider_below_five_registered_engineers_gets_no_new_work(biz: Any) -> None:
    ProviderEngineer.objects.filter(
        pk=ProviderEngineer.objects.filter(provider=biz.provider).order_by("-pk").values("pk")[:1]
    ).update(registered=False)
    with pytest.raises(SmallbizError) as refused:
        biz.contract([biz.enterprise("厂")], activate=False)
    assert refused.value.error_code == "guard"
    assert not Contract.objects.exists()


def test_enterprises_outside_the_street_are_refused(biz: Any) -> None:
    with pytest.raises(SmallbizError):
        biz.contract([biz.enterprise("武进厂", biz.village_b)], activate=False)
    assert not Contract.objects.exists()


def test_transitions_and_who_may_make_them(biz: Any, personas: Any) -> None:
    contract = biz.contract([biz.enterprise("厂")], activate=False)
    for outsider in (personas.district_b, biz.supervisor, biz.engineer, personas.enterprise_user):
        with pytest.raises(PermissionDenied):
            contracts.contract_activate(actor=outsider, contract=contract)
    contract.refresh_from_db()
    assert contract.state == ContractState.DRAFT and not contract.visits.exists()
    contracts.contract_activate(actor=biz.street_official, contract=contract)
    contract.refresh_from_db()
    assert contract.state == ContractState.ACTIVE and contract.visits.count() == 4
    with pytest.raises(SmallbizError) as refused:
        contracts.contract_activate(actor=biz.street_official, contract=contract)
    assert refused.value.error_code == "transition_not_allowed"
    contracts.contract_close(actor=personas.district_a, contract=contract)
    contract.refresh_from_db()
    assert contract.state == ContractState.CLOSED
    with pytest.raises(SmallbizError):
        contracts.contract_close(actor=personas.district_a, contract=contract)


def test_shares_of_the_price(biz: Any) -> None:
    contract = biz.contract([biz.enterprise("厂")], activate=False)
    assert str(contract.government_amount) == "7000.00"
    assert str(contract.enterprise_amount) == "3000.00"

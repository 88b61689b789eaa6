"""Smallbiz fixtures: villages under district A's street (三井街道) and one under district B's street;
the starter risk dictionary; two providers (A eligible: qualification in force and 5 registered
engineers; B the other provider); the people of issue 16: village supervisors of two villages, the
street official, an engineer of each provider, an enterprise manager of a served enterprise."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from conftest import City, Personas, make_org, make_user
from safecity.core import services as core_services
from safecity.core.choices import OrganisationKind, RegionLevel, Role
from safecity.core.models import Region
from safecity.riskdict.services import dictionary_load_starter
from safecity.smallbiz.models import Contract, ServiceProvider, SmallEnterprise
from safecity.smallbiz.services import contracts, registry


@dataclass
class Biz:
    city: City
    village_a1: Region
    village_a2: Region
    village_b: Region
    street_office: Any
    provider: ServiceProvider
    other_provider: ServiceProvider
    engineer: Any  # user: SERVICE_ENGINEER of provider
    other_engineer: Any  # user: SERVICE_ENGINEER of other_provider
    supervisor: Any  # VILLAGE_SUPERVISOR of village_a1
    other_supervisor: Any  # VILLAGE_SUPERVISOR of village_a2
    street_official: Any  # STREET_OFFICIAL of street_a
    _n: list[int]

    def enterprise(self, name: str, village: Region | None = None, *, trade: str = "05") -> SmallEnterprise:
        self._n[0] += 1
        org = make_org(f"{name}{self._n[0]}", OrganisationKind.ENTERPRISE, village or self.village_a1, actor=self.city.superuser)
        return registry.enterprise_register(actor=self.city.superuser, organisation=org, trade=trade, size="micro", risk_level=3)

    def contract(
        self,
        enterprises: list[SmallEnterprise],
        *,
        start: date | None = None,
        end: date | None = None,
        activate: bool = True,
        provider: ServiceProvider | None = None,
    ) -> Contract:
        self._n[0] += 1
        start = start or date(timezone.localdate().year, 1, 1)
        contract = contracts.contract_create(
            actor=self.city.superuser,
            number=f"C-{self._n[0]}",
            title="团购",
            buyer_kind="street",
            buyer=self.street_office,
            region=self.city.street_a,
            provider=provider or self.provider,
            enterprises=enterprises,
            price=Decimal("10000"),
            government_share="0.70",
            starts_on=start,
            ends_on=end or date(start.year, 12, 31),
        )
        if activate:
            contracts.contract_activate(actor=self.city.superuser, contract=contract)
            contract.refresh_from_db()
        return contract


def _provider(city: City, name: str, engineers: int, until: date) -> tuple[ServiceProvider, list[Any]]:
    root = city.superuser
    org = make_org(name, OrganisationKind.SAFETY_SERVICE_PROVIDER, city.district_a, actor=root)
    provider = registry.provider_register(
        actor=root, organisation=org, registered_with=city.district_a, premises="新北区长江路1号"
    )
    registry.qualification_add(
        actor=root, provider=provider, name="安全生产技术服务", number="Q1", valid_from=date(2020, 1, 1), valid_until=until
    )
    people = []
    for i in range(engineers):
        person = core_services.person_create(actor=root, name=f"{name}工程师{i}", organisation=org)
        registry.engineer_add(actor=root, provider=provider, person=person, registration_number=f"R{i}")
        people.append(person)
    return provider, people


def _engineer_user(city: City, username: str, provider: ServiceProvider) -> Any:
    """A login for the provider's first engineer, with the SERVICE_ENGINEER role."""
    from django.contrib.auth import get_user_model

    from safecity.smallbiz.models import ProviderEngineer

    engineer = ProviderEngineer.objects.filter(provider=provider).order_by("pk").first()
    assert engineer is not None
    user = get_user_model().objects.create_user(username=username, password="x")
    person = engineer.person
    person.user = user
    person.save(update_fields=["user"])
    core_services.role_assign(actor=city.superuser, person=person, role=Role.SERVICE_ENGINEER, organisation=provider.organisation)
    return user


@pytest.fixture
def biz(city: City, personas: Personas) -> Biz:
    root = city.superuser
    dictionary_load_starter(actor=root)
    village = lambda code, name, street: core_services.region_create(  # noqa: E731
        actor=root, code=code, name=name, level=RegionLevel.VILLAGE, parent=street
    )
    a1 = village("320411002201", "甲村", city.street_a)
    a2 = village("320411002202", "乙村", city.street_a)
    b = village("320412100201", "丙村", city.street_b)
    office = make_org("三井街道办事处", OrganisationKind.STREET_OFFICE, city.street_a, actor=root)
    committee_1 = make_org("甲村村委会", OrganisationKind.VILLAGE_COMMITTEE, a1, actor=root)
    committee_2 = make_org("乙村村委会", OrganisationKind.VILLAGE_COMMITTEE, a2, actor=root)
    far = timezone.localdate() + timedelta(days=3650)
    provider, _people = _provider(city, "安泰安全", 5, far)
    other, _other_people = _provider(city, "恒安安全", 5, far)
    return Biz(
        city=city,
        village_a1=a1,
        village_a2=a2,
        village_b=b,
        street_office=office,
        provider=provider,
        other_provider=other,
        engineer=_engineer_user(city, "engineer", provider),
        other_engineer=_engineer_user(city, "other_engineer", other),
        supervisor=make_user(city, "supervisor", committee_1, Role.VILLAGE_SUPERVISOR, a1),
        other_supervisor=make_user(city, "other_supervisor", committee_2, Role.VILLAGE_SUPERVISOR, a2),
        street_official=make_user(city, "street_official", office, Role.STREET_OFFICIAL, city.street_a),
        _n=[0],
    )

"""Shared fixtures: a small city and the personas every permission test uses.

Personas (house style): city official, district A official, district B official, enterprise user,
expert, outsider; plus the city administrator and the platform operator (superuser).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth import get_user_model

from safecity.core import services
from safecity.core.audit import audit_context
from safecity.core.choices import AuditSource, OrganisationKind, Role
from safecity.core.demo.codes import credit_code
from safecity.core.models import Organisation, Person, Region

PASSWORD = "Test-password-2023"

# The permission matrix: what each persona must see of the fixture city, and nothing else.
ALL_ORGS = {
    "常州市应急管理局",
    "新北区应急管理局",
    "武进区应急管理局",
    "常州甲化工有限公司",
    "常州乙化工有限公司",
    "安全生产科学研究院",
}
ORG_REACH = {
    "city_admin": ALL_ORGS,
    "city_official": ALL_ORGS,
    "district_a": {"新北区应急管理局", "常州甲化工有限公司", "安全生产科学研究院"},
    "district_b": {"武进区应急管理局", "常州乙化工有限公司"},
    "enterprise_user": {"常州甲化工有限公司"},
    "expert": set(),
    "outsider": set(),
}
ALL_PEOPLE = {"city_admin", "city_official", "district_a", "district_b", "enterprise_user", "expert"}
PEOPLE_REACH = {
    "city_admin": ALL_PEOPLE,
    "city_official": ALL_PEOPLE,
    "district_a": {"district_a", "enterprise_user", "expert"},
    "district_b": {"district_b"},
    "enterprise_user": {"enterprise_user"},
    "expert": {"expert"},
    "outsider": set(),
}


@dataclass
class City:
    province: Region
    city: Region
    district_a: Region  # 新北区
    district_b: Region  # 武进区
    street_a: Region
    street_b: Region
    city_department: Organisation
    bureau_a: Organisation
    bureau_b: Organisation
    enterprise_a: Organisation
    enterprise_b: Organisation
    expert_institution: Organisation
    superuser: Any


@dataclass
class Personas:
    city_admin: Any
    city_official: Any
    district_a: Any
    district_b: Any
    enterprise_user: Any
    expert: Any
    outsider: Any

    def all(self) -> dict[str, Any]:
        return dict(self.__dict__)


_counter = {"n": 0}


def make_org(name: str, kind: str, region: Region, *, actor: Any, **extra: Any) -> Organisation:
    import random

    _counter["n"] += 1
    rng = random.Random(f"{name}:{_counter['n']}")
    return services.organisation_create(
        actor=actor, name=name, kind=kind, region=region, credit_code=credit_code(rng, region_code=region.code[:6]), **extra
    )


@pytest.fixture
def city(db: Any) -> City:
    User = get_user_model()
    root = User.objects.create_superuser(username="root", password=PASSWORD, email="")
    with audit_context(source=AuditSource.SYSTEM, actor=root):
        province = services.region_create(actor=root, code="320000", name="江苏省", level="province")
        city_region = services.region_create(actor=root, code="320400", name="常州市", level="city", parent=province)
        a = services.region_create(actor=root, code="320411", name="新北区", level="district", parent=city_region)
        b = services.region_create(actor=root, code="320412", name="武进区", level="district", parent=city_region)
        street_a = services.region_create(actor=root, code="320411002", name="三井街道", level="street", parent=a)
        street_b = services.region_create(actor=root, code="320412100", name="湖塘镇", level="street", parent=b)
        return City(
            province=province,
            city=city_region,
            district_a=a,
            district_b=b,
            street_a=street_a,
            street_b=street_b,
            city_department=make_org("常州市应急管理局", OrganisationKind.GOVERNMENT_DEPARTMENT, city_region, actor=root),
            bureau_a=make_org("新北区应急管理局", OrganisationKind.DISTRICT_BUREAU, a, actor=root),
            bureau_b=make_org("武进区应急管理局", OrganisationKind.DISTRICT_BUREAU, b, actor=root),
            enterprise_a=make_org("常州甲化工有限公司", OrganisationKind.ENTERPRISE, street_a, actor=root, industry_code="C2614"),
            enterprise_b=make_org("常州乙化工有限公司", OrganisationKind.ENTERPRISE, street_b, actor=root, industry_code="C2614"),
            expert_institution=make_org("安全生产科学研究院", OrganisationKind.EXPERT_INSTITUTION, a, actor=root),
            superuser=root,
        )


def make_user(city: City, username: str, org: Organisation, role: str | None, jurisdiction: Region | None = None) -> Any:
    User = get_user_model()
    user = User.objects.create_user(username=username, password=PASSWORD)
    with audit_context(source=AuditSource.SYSTEM, actor=city.superuser):
        person = services.person_create(actor=city.superuser, name=username, organisation=org, user=user)
        if role:
            services.role_assign(actor=city.superuser, person=person, role=role, organisation=org, jurisdiction=jurisdiction)
    return user


@pytest.fixture
def personas(city: City) -> Personas:
    return Personas(
        city_admin=make_user(city, "city_admin", city.city_department, Role.CITY_ADMIN, city.city),
        city_official=make_user(city, "city_official", city.city_department, Role.CITY_OFFICIAL, city.city),
        district_a=make_user(city, "district_a", city.bureau_a, Role.DISTRICT_OFFICIAL, city.district_a),
        district_b=make_user(city, "district_b", city.bureau_b, Role.DISTRICT_OFFICIAL, city.district_b),
        enterprise_user=make_user(city, "enterprise_user", city.enterprise_a, Role.ENTERPRISE_MANAGER),
        expert=make_user(city, "expert", city.expert_institution, Role.EXPERT, city.city),
        outsider=get_user_model().objects.create_user(username="outsider", password=PASSWORD),
    )


@pytest.fixture
def person_model() -> type[Person]:
    return Person


def pytest_collection_modifyitems(config: Any, items: list[Any]) -> None:
    # The page walk's two files are the longest (a demo build each, then half the personas): with
    # --dist loadfile each worker starts on one of them, not on one of them last and alone.
    items.sort(key=lambda item: 0 if item.nodeid.startswith("tests/test_page_walk") else 1)


_skipped: list[str] = []


def pytest_runtest_logreport(report: Any) -> None:
    if report.skipped:
        _skipped.append(report.nodeid)


def pytest_sessionfinish(session: Any, exitstatus: int) -> None:
    """A skipped test hides a failure: the run fails when any test was skipped."""
    if _skipped and session.exitstatus == 0:
        session.exitstatus = 1
        print(f"\nFAILED: {len(_skipped)} test(s) were skipped: {', '.join(_skipped[:10])}")

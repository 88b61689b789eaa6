"""Core services: every allowed and every forbidden write to regions, organisations and roles."""

from __future__ import annotations

import random
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from safecity.core import services
from safecity.core.choices import RegionLevel, Role
from safecity.core.demo.codes import credit_code
from safecity.core.models import AuditEntry, Organisation, Person, Region, RoleAssignment
from safecity.core.scoping import scoped


def new_code(region_code: str = "320411", seed: str = "s") -> str:
    return credit_code(random.Random(seed), region_code=region_code)


def snapshot_counts() -> tuple[int, int, int, int]:
    return Region.objects.count(), Organisation.objects.count(), RoleAssignment.objects.count(), AuditEntry.objects.count()


# --- regions --------------------------------------------------------------------------------


def test_city_admin_creates_a_street_in_the_city(city: Any, personas: Any) -> None:
    street = services.region_create(
        actor=personas.city_admin, code="320411003", name="河海街道", level="street", parent=city.district_a
    )
    assert street.path == "320000/320400/320411/320411003/" and street.depth == 3
    assert Region.objects.get(code="320411003").parent == city.district_a


def test_code_must_extend_the_parents_code(city: Any, personas: Any) -> None:
    before = snapshot_counts()
    with pytest.raises(ValidationError) as info:
        services.region_create(
            actor=personas.city_admin, code="320412001", name="错误街道", level="street", parent=city.district_a
        )
    assert "code" in info.value.message_dict
    with pytest.raises(ValidationError) as info:
        services.region_create(actor=personas.city_admin, code="320511", name="错误区", level="district", parent=city.city)
    assert "code" in info.value.message_dict
    with pytest.raises(ValidationError) as info:  # a village must extend a street, not a district
        services.region_create(
            actor=personas.city_admin, code="320411002001", name="错误", level="village", parent=city.district_a
        )
    assert "code" in info.value.message_dict
    assert snapshot_counts() == before


def test_duplicate_or_malformed_region_code_is_refused(city: Any, personas: Any) -> None:
    before = snapshot_counts()
    with pytest.raises(ValidationError) as info:
        services.region_create(actor=personas.city_admin, code="320411002", name="重复", level="street", parent=city.district_a)
    assert "code" in info.value.message_dict
    with pytest.raises(ValidationError) as info:
        services.region_create(actor=personas.city_admin, code="3204110021", name="十位", level="street", parent=city.district_a)
    assert "code" in info.value.message_dict
    assert snapshot_counts() == before


def test_moving_a_region_rewrites_the_subtree(city: Any, personas: Any) -> None:
    village = services.region_create(
        actor=city.superuser, code="320411002001", name="三井社区", level="village", parent=city.street_a
    )
    services.region_update(actor=city.superuser, region=city.district_a, parent=city.province)
    expected = {
        "320411": ("320000/320411/", 1),
        "320411002": ("320000/320411/320411002/", 2),
        "320411002001": ("320000/320411/320411002/320411002001/", 3),
        "320412": ("320000/320400/320412/", 2),  # the sibling stays where it was
    }
    for code, (path, depth) in expected.items():
        region = Region.objects.get(code=code)
        assert (region.path, region.depth) == (path, depth), code
    # The descendants' moves are in the trail, with their old and new paths.
    entry = AuditEntry.objects.filter(object_id=str(village.pk), object_repr__contains="320411002001", action="update").latest(
        "id"
    )
    assert entry.before["path"] == "320000/320400/320411/320411002/320411002001/"
    assert entry.after["path"] == "320000/320411/320411002/320411002001/"
    # Scoping follows the new paths: the city official no longer reaches district A's enterprise.
    assert not scoped(Organisation, personas.city_official).filter(pk=city.enterprise_a.pk).exists()
    assert scoped(Organisation, personas.district_a).filter(pk=city.enterprise_a.pk).exists()


@pytest.mark.parametrize(
    ("moved", "new_parent"),
    [("city", "district_a"), ("city", "street_a"), ("district_a", "district_a"), ("district_a", "street_a")],
)
def test_region_cycle_is_refused(city: Any, moved: str, new_parent: str) -> None:
    region = getattr(city, moved)
    before = snapshot_counts()
    with pytest.raises(ValidationError) as info:
        services.region_update(actor=city.superuser, region=region, parent=getattr(city, new_parent))
    assert "parent" in info.value.message_dict
    assert Region.objects.get(pk=region.pk).path == region.path
    assert Region.objects.get(pk=region.pk).parent_id == region.parent_id
    assert snapshot_counts() == before


@pytest.mark.parametrize("persona", ["city_official", "district_a", "district_b", "enterprise_user", "expert", "outsider"])
def test_only_city_admins_change_regions(city: Any, personas: Any, persona: str) -> None:
    user = getattr(personas, persona)
    before = snapshot_counts()
    with pytest.raises(PermissionDenied):
        services.region_create(actor=user, code="320411003", name="河海街道", level="street", parent=city.district_a)
    with pytest.raises(PermissionDenied):
        services.region_update(actor=user, region=city.street_a, name="改名")
    assert Region.objects.get(pk=city.street_a.pk).name == "三井街道"
    assert snapshot_counts() == before


def test_city_admin_cannot_write_outside_the_city(city: Any, personas: Any) -> None:
    with pytest.raises(PermissionDenied):
        services.region_create(
            actor=personas.city_admin, code="320500", name="苏州市", level=RegionLevel.CITY, parent=city.province
        )
    with pytest.raises(PermissionDenied):
        services.region_update(actor=personas.city_admin, region=city.province, name="改名")
    with pytest.raises(PermissionDenied):  # nor move a district out of the city
        services.region_update(actor=personas.city_admin, region=city.district_a, parent=city.province)
    assert Region.objects.get(pk=city.district_a.pk).path == "320000/320400/320411/"
    updated = services.region_update(actor=personas.city_admin, region=city.street_a, note="撤并中")
    assert updated.note == "撤并中"


# --- organisations --------------------------------------------------------------------------


def test_district_official_registers_in_own_district(city: Any, personas: Any) -> None:
    code = new_code()
    org = services.organisation_create(
        actor=personas.district_a, name="新公司", kind="enterprise", region=city.street_a, credit_code=code
    )
    assert Organisation.objects.get(credit_code=code) == org
    before = snapshot_counts()
    with pytest.raises(PermissionDenied):
        services.organisation_create(actor=personas.district_a, name="越界", kind="enterprise", region=city.street_b)
    for persona in ("enterprise_user", "expert", "outsider"):
        with pytest.raises(PermissionDenied):
            services.organisation_create(actor=getattr(personas, persona), name="越界", kind="enterprise", region=city.street_a)
    assert snapshot_counts() == before
    assert not Organisation.objects.filter(name="越界").exists()


def test_invalid_credit_code_is_refused_on_the_field(city: Any, personas: Any) -> None:
    good = new_code()
    bad = good[:17] + ("1" if good[17] != "1" else "2")
    before = snapshot_counts()
    with pytest.raises(ValidationError) as info:
        services.organisation_create(
            actor=personas.district_a, name="坏码", kind="enterprise", region=city.street_a, credit_code=bad
        )
    assert "credit_code" in info.value.message_dict
    with pytest.raises(ValidationError) as info:
        services.organisation_update(actor=personas.district_a, organisation=city.enterprise_a, credit_code=bad)
    assert "credit_code" in info.value.message_dict
    assert snapshot_counts() == before
    assert Organisation.objects.get(pk=city.enterprise_a.pk).credit_code == city.enterprise_a.credit_code


def test_duplicate_credit_code_is_refused(city: Any, personas: Any) -> None:
    before = snapshot_counts()
    with translation.override("en"), pytest.raises(ValidationError) as info:
        services.organisation_create(
            actor=personas.district_a,
            name="重复",
            kind="enterprise",
            region=city.street_a,
            credit_code=city.enterprise_b.credit_code,
        )
    assert "already exists" in " ".join(info.value.messages)
    assert "credit_code" in info.value.message_dict, info.value.message_dict
    assert snapshot_counts() == before


def test_blank_credit_codes_do_not_collide(city: Any, personas: Any) -> None:
    a = services.organisation_create(actor=personas.district_a, name="无码一", kind="other", region=city.street_a, credit_code="")
    b = services.organisation_create(actor=personas.district_a, name="无码二", kind="other", region=city.street_a, credit_code="")
    assert a.credit_code is None and b.credit_code is None


def test_organisation_parent_cycle_is_refused(city: Any, personas: Any) -> None:
    actor = personas.district_a
    services.organisation_update(actor=actor, organisation=city.enterprise_a, parent=city.bureau_a)
    services.organisation_update(actor=actor, organisation=city.expert_institution, parent=city.enterprise_a)
    before = snapshot_counts()
    for target, parent in ((city.bureau_a, city.expert_institution), (city.bureau_a, city.bureau_a)):
        with pytest.raises(ValidationError) as info:
            services.organisation_update(actor=actor, organisation=target, parent=Organisation.objects.get(pk=parent.pk))
        assert "parent" in info.value.message_dict
    assert Organisation.objects.get(pk=city.bureau_a.pk).parent_id is None
    assert snapshot_counts() == before


def test_moving_an_organisation_out_of_your_district_is_denied(city: Any, personas: Any) -> None:
    before = snapshot_counts()
    with pytest.raises(PermissionDenied):
        services.organisation_update(actor=personas.district_a, organisation=city.enterprise_a, region=city.street_b, name="搬走")
    org = Organisation.objects.get(pk=city.enterprise_a.pk)
    assert (org.region_id, org.name) == (city.street_a.pk, "常州甲化工有限公司")
    with pytest.raises(PermissionDenied):  # nor change another district's organisation
        services.organisation_update(actor=personas.district_a, organisation=city.enterprise_b, name="改名")
    with pytest.raises(PermissionDenied):  # district B cannot pull district A's enterprise over either
        services.organisation_update(actor=personas.district_b, organisation=city.enterprise_a, region=city.street_b)
    assert Organisation.objects.get(pk=city.enterprise_b.pk).name == "常州乙化工有限公司"
    assert snapshot_counts() == before
    moved = services.organisation_update(actor=personas.city_official, organisation=city.enterprise_a, region=city.street_b)
    assert moved.region == city.street_b


def test_enterprise_manager_updates_own_enterprise_only(city: Any, personas: Any) -> None:
    org = services.organisation_update(
        actor=personas.enterprise_user, organisation=city.enterprise_a, contact_phone="0519-81234567"
    )
    assert Organisation.objects.get(pk=org.pk).contact_phone == "0519-81234567"
    with pytest.raises(PermissionDenied):
        services.organisation_update(actor=personas.enterprise_user, organisation=city.bureau_a, contact_phone="1")
    with pytest.raises(PermissionDenied):
        services.organisation_update(actor=personas.expert, organisation=city.expert_institution, contact_phone="1")


def test_unknown_fields_are_a_programming_error(city: Any, personas: Any) -> None:
    with pytest.raises(TypeError):
        services.organisation_update(actor=personas.district_a, organisation=city.enterprise_a, pk=1)


# --- roles ----------------------------------------------------------------------------------


def _person(city: Any, name: str, org: Organisation) -> Person:
    return services.person_create(actor=city.superuser, name=name, organisation=org)


def test_city_admin_assigns_roles_within_the_city(city: Any, personas: Any) -> None:
    person = _person(city, "新检查员", city.bureau_a)
    assignment = services.role_assign(actor=personas.city_admin, person=person, role=Role.INSPECTOR, organisation=city.bureau_a)
    assert assignment.jurisdiction == city.district_a  # default: the organisation's region
    assert RoleAssignment.objects.filter(person=person, role=Role.INSPECTOR).count() == 1
    with pytest.raises(ValidationError):  # the same role twice in the same organisation
        services.role_assign(actor=personas.city_admin, person=person, role=Role.INSPECTOR, organisation=city.bureau_a)
    with pytest.raises(PermissionDenied):  # a jurisdiction beyond the admin's own
        services.role_assign(
            actor=personas.city_admin,
            person=person,
            role=Role.CITY_OFFICIAL,
            organisation=city.bureau_a,
            jurisdiction=city.province,
        )
    assert RoleAssignment.objects.filter(person=person).count() == 1


@pytest.mark.parametrize("persona", ["city_official", "district_a", "district_b", "enterprise_user", "expert", "outsider"])
def test_only_city_admins_assign_roles(city: Any, personas: Any, persona: str) -> None:
    user = getattr(personas, persona)
    me = Person.objects.filter(user=user).first() or _person(city, "无名", city.enterprise_a)
    before = snapshot_counts()
    with pytest.raises(PermissionDenied):  # nobody widens their own reach ...
        services.role_assign(
            actor=user, person=me, role=Role.CITY_ADMIN, organisation=city.city_department, jurisdiction=city.city
        )
    other = Person.objects.get(user=personas.enterprise_user)
    with pytest.raises(PermissionDenied):  # ... nor grants roles to others
        services.role_assign(actor=user, person=other, role=Role.ENTERPRISE_STAFF, organisation=city.enterprise_a)
    assert snapshot_counts() == before


def test_kind_choices_are_enforced(city: Any, personas: Any) -> None:
    with pytest.raises(ValidationError) as info:
        services.organisation_create(actor=personas.district_a, name="x", kind="castle", region=city.street_a)
    assert "kind" in info.value.message_dict


def test_enterprise_manager_keeps_contact_data_but_cannot_move_their_enterprise(city: Any, personas: Any) -> None:
    from django.core.exceptions import ValidationError as DjangoValidationError

    from safecity.core import services as core_services

    updated = core_services.organisation_update(
        actor=personas.enterprise_user, organisation=city.enterprise_a, contact_phone="0519-85550000"
    )
    assert updated.contact_phone == "0519-85550000"
    with pytest.raises(DjangoValidationError) as info:
        core_services.organisation_update(actor=personas.enterprise_user, organisation=city.enterprise_a, region=city.street_b)
    assert "region" in info.value.message_dict
    city.enterprise_a.refresh_from_db()
    assert city.enterprise_a.region_id == city.street_a.pk
    # The district official, the supervising authority, may move it within the district.
    moved = core_services.organisation_update(actor=personas.district_a, organisation=city.enterprise_a, region=city.district_a)
    assert moved.region_id == city.district_a.pk

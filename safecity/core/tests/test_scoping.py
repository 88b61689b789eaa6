"""The scoping mechanism itself: what each persona reaches, for view and for change."""

from __future__ import annotations

from typing import Any

from safecity.core.models import Organisation
from safecity.core.scoping import CHANGE, can, scoped


def names(queryset: Any) -> set[str]:
    return set(queryset.values_list("name", flat=True))


def test_each_persona_sees_exactly_their_reach(city: Any, personas: Any) -> None:
    everything = names(Organisation.objects.all())
    assert names(scoped(Organisation, personas.city_official)) == everything
    assert names(scoped(Organisation, personas.district_a)) == {"新北区应急管理局", "常州甲化工有限公司", "安全生产科学研究院"}
    assert names(scoped(Organisation, personas.district_b)) == {"武进区应急管理局", "常州乙化工有限公司"}
    assert names(scoped(Organisation, personas.enterprise_user)) == {"常州甲化工有限公司"}
    assert names(scoped(Organisation, personas.expert)) == set()
    assert names(scoped(Organisation, personas.outsider)) == set()


def test_change_rights_follow_role_and_reach(city: Any, personas: Any) -> None:
    assert can(personas.district_a, city.enterprise_a, CHANGE)
    assert not can(personas.district_a, city.enterprise_b, CHANGE)
    assert can(personas.enterprise_user, city.enterprise_a, CHANGE)
    assert not can(personas.enterprise_user, city.bureau_a, CHANGE)
    assert not can(personas.expert, city.enterprise_a, CHANGE)
    assert not can(personas.outsider, city.enterprise_a)


def test_reference_data_without_a_region_is_changed_by_city_wide_grants_only(city: Any, personas: Any) -> None:
    from safecity.core.models import Notification
    from safecity.core.scoping import allows_target
    from safecity.riskdict.models import DictionaryVersion

    version = DictionaryVersion(version="2099.1", title="t")
    assert allows_target(personas.city_admin, version)
    assert allows_target(personas.city_official, version)
    assert not allows_target(personas.district_a, version)
    assert not allows_target(personas.enterprise_user, version)
    # Rows about one person (no region, not reference data) never open up to city-wide grants.
    Notification.objects.create(recipient=personas.district_b, kind="x", message="for district B only")
    assert not scoped(Notification, personas.city_official).exists()
    assert scoped(Notification, personas.district_b).count() == 1


def test_view_roles_limit_who_sees_a_model_at_all(city: Any, personas: Any) -> None:
    from safecity.core.models import Person, RoleAssignment
    from safecity.core.scoping import ScopeRule, principal_for, scope_q

    restricted = ScopeRule(
        region_path="region__path", view_roles=frozenset({"procurator"}), change_roles=frozenset({"procurator"})
    )
    original = Organisation.scope_rule
    try:
        Organisation.scope_rule = restricted  # type: ignore[misc]
        assert not scoped(Organisation, personas.city_official).exists()
        person = Person.objects.get(user=personas.city_official)
        RoleAssignment.objects.create(person=person, role="procurator", organisation=city.city_department, jurisdiction=city.city)
        personas.city_official._safecity_principal = None
        del personas.city_official._safecity_principal
        assert scope_q(Organisation, principal_for(personas.city_official)) is not None
        assert scoped(Organisation, personas.city_official).count() == Organisation.objects.count()
    finally:
        Organisation.scope_rule = original  # type: ignore[misc]


def test_region_ancestors_let_a_district_see_but_not_change_city_wide_rows(city: Any, personas: Any) -> None:
    from safecity.core.scoping import ScopeRule, ancestor_paths

    assert ancestor_paths("320000/320400/320411/") == ["320000/", "320000/320400/"]
    assert ancestor_paths("320000/") == []
    city_wide = city.city_department  # an organisation whose region is the city itself
    original = Organisation.scope_rule
    try:
        Organisation.scope_rule = ScopeRule(
            region_path="region__path", region_ancestors=True, change_roles=frozenset({"district_official"})
        )  # type: ignore[misc]
        seen = names(scoped(Organisation, personas.district_a))
        assert city_wide.name in seen and "常州甲化工有限公司" in seen
        assert "常州乙化工有限公司" not in seen  # a sibling district's row stays out of reach
        assert can(personas.district_a, city_wide)
        assert not can(personas.district_a, city_wide, CHANGE)
        assert can(personas.district_a, city.enterprise_a, CHANGE)
        assert not scoped(Organisation, personas.outsider).exists()
    finally:
        Organisation.scope_rule = original  # type: ignore[misc]

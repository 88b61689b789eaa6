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

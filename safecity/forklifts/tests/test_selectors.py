"""Scoping of every forklift list (the personas): what each sees AND what it must not."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from safecity.forklifts import selectors, services
from safecity.forklifts.choices import CheckKind

pytestmark = pytest.mark.django_db

# persona -> which enterprises' records it sees (A: 新北区 enterprise, B: 武进区 enterprise)
REACH = {
    "city_admin": {"A", "B"},
    "city_official": {"A", "B"},
    "district_a": {"A"},
    "district_b": {"B"},
    "enterprise_user": {"A"},
    "expert": set(),
    "outsider": set(),
}


@pytest.fixture
def records(fleet: Any) -> dict[str, dict[str, Any]]:
    city = fleet.city
    out: dict[str, dict[str, Any]] = {}
    for label, org in (("A", city.enterprise_a), ("B", city.enterprise_b)):
        out[label] = {
            "truck": fleet.truck(org=org),
            "driver": fleet.driver(org=org),
            "check": services.safety_check_record(actor=None, organisation=org, kind=CheckKind.DAILY),
        }
    return out


@pytest.mark.parametrize("persona", list(REACH))
def test_each_list_shows_exactly_the_reach(records: Any, personas: Any, persona: str) -> None:
    user = getattr(personas, persona)
    expected = REACH[persona]
    for kind, listing in (
        ("truck", selectors.forklift_list),
        ("driver", selectors.operator_list),
        ("check", selectors.check_list),
    ):
        visible = set(listing(user=user).values_list("pk", flat=True))
        assert visible == {records[label][kind].pk for label in expected}, (persona, kind)
    plants = set(selectors.plant_list(user=user).values_list("organisation__name", flat=True))
    assert len(plants) == len(expected)


@pytest.mark.parametrize("persona", ["district_b", "expert", "outsider"])
def test_details_outside_reach_are_404(records: Any, personas: Any, persona: str) -> None:
    from django.http import Http404

    user = getattr(personas, persona)
    with pytest.raises(Http404):
        selectors.forklift_get(user=user, pk=records["A"]["truck"].pk)
    with pytest.raises(Http404):
        selectors.operator_get(user=user, pk=records["A"]["driver"].pk)


def test_compliance_overview_counts_per_enterprise_within_reach(fleet: Any, personas: Any) -> None:
    today = timezone.localdate()
    fleet.truck(last_inspected_on=today - timedelta(days=800))
    fleet.truck(first_used_on=today - timedelta(days=45), registration_number="", registered_on=None)
    fleet.truck(first_used_on=today - timedelta(days=100), registered_on=today - timedelta(days=50))
    fleet.driver(issued=today - timedelta(days=5 * 365))
    fleet.truck(org=fleet.city.enterprise_b, last_inspected_on=today - timedelta(days=900))
    rows = {r.organisation.name: r for r in selectors.compliance_overview(user=personas.city_official)}
    a = rows["常州甲化工有限公司"]
    assert (a.forklifts, a.inspection_overdue, a.unregistered, a.registered_late, a.certificates_expired) == (3, 1, 1, 1, 1)
    assert a.missed.daily  # the officer appointed 60 days ago: every closed day of the window missed
    assert rows["常州乙化工有限公司"].inspection_overdue == 1
    assert {r.organisation.name for r in selectors.compliance_overview(user=personas.district_b)} == {"常州乙化工有限公司"}
    assert selectors.compliance_overview(user=personas.outsider) == []


def test_enterprises_for_writes(fleet: Any, personas: Any) -> None:
    assert list(selectors.enterprises_for(personas.enterprise_user)) == [fleet.city.enterprise_a]
    assert fleet.city.enterprise_b not in selectors.enterprises_for(personas.district_a)
    assert not selectors.enterprises_for(personas.expert).exists()

"""The contract's visit plan (issue 16 §3: CP-SAT with engineer capacity per day and travel between
villages): every visit on a working day of its window, capacity kept, a village's visits grouped,
infeasibility explained in words with the even schedule kept, the API action and who may call it,
re-planning after an engineer leaves."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from safecity.core import services as core_services
from safecity.core.choices import RegionLevel
from safecity.core.models import Organisation
from safecity.smallbiz.models import ProviderEngineer, SmallEnterprise, Visit
from safecity.smallbiz.services import planning

CENTRE = (31.9, 119.9)
# Three villages on a triangle of 20 km sides around the provider's office (11.5 km from each).
CORNERS = [(32.0036, 119.9), (31.8482, 119.7943), (31.8482, 120.0057)]


@pytest.fixture(autouse=True)
def _fast(settings: Any) -> None:
    settings.SAFECITY_SMALLBIZ_PLAN_SECONDS = 3


def _place(enterprises: list[SmallEnterprise], where: tuple[float, float]) -> None:
    Organisation.objects.filter(pk__in=[e.organisation_id for e in enterprises]).update(
        latitude=Decimal(f"{where[0]:.6f}"), longitude=Decimal(f"{where[1]:.6f}")
    )


def _next_year() -> tuple[date, date]:
    year = timezone.localdate().year + 1
    return date(year, 1, 1), date(year, 12, 31)


def _windows(contract: Any) -> dict[date, date]:
    """Each due date's window start: the day after the previous due date (the first: the start)."""
    dues = sorted(set(Visit.objects.filter(contract=contract).values_list("due_on", flat=True)))
    starts = [contract.starts_on] + [d + timedelta(days=1) for d in dues[:-1]]
    return dict(zip(dues, starts, strict=True))


def test_a_contract_put_in_force_gets_every_visit_planned_in_its_window(biz: Any) -> None:
    ones = [biz.enterprise("甲村厂", biz.village_a1) for _ in range(3)]
    twos = [biz.enterprise("乙村厂", biz.village_a2) for _ in range(2)]
    _place(ones, (31.90, 119.90))
    _place(twos, (31.95, 119.97))
    start, end = _next_year()
    contract = biz.contract(ones + twos, start=start, end=end)
    visits = list(Visit.objects.filter(contract=contract))
    assert len(visits) == 20
    window = _windows(contract)
    for visit in visits:
        assert visit.engineer is not None and visit.planned_on is not None
        assert window[visit.due_on] <= visit.planned_on <= visit.due_on
        assert visit.planned_on.weekday() < 5
    engineers = set(ProviderEngineer.objects.filter(provider=biz.provider, full_time=True).values_list("pk", flat=True))
    assert {v.engineer_id for v in visits} <= engineers


def test_the_engineers_capacity_per_day_is_kept(biz: Any, settings: Any) -> None:
    settings.SAFECITY_SMALLBIZ_VISITS_PER_DAY = 2
    many = [biz.enterprise("甲村厂", biz.village_a1) for _ in range(9)]
    _place(many, (31.90, 119.90))
    start, end = _next_year()
    contract = biz.contract(many, start=start, end=end)
    per_day = Counter((v.engineer_id, v.planned_on) for v in Visit.objects.filter(contract=contract))
    assert None not in {day for _engineer, day in per_day}
    assert max(per_day.values()) == 2  # used, never exceeded
    assert sum(per_day.values()) == 36


def test_a_villages_visits_are_grouped_on_one_day(biz: Any) -> None:
    village_a3 = core_services.region_create(
        actor=biz.city.superuser, code="320411002203", name="丙庄村", level=RegionLevel.VILLAGE, parent=biz.city.street_a
    )
    groups = [[biz.enterprise("厂", village) for _ in range(4)] for village in (biz.village_a1, biz.village_a2, village_a3)]
    for group, corner in zip(groups, CORNERS, strict=True):
        _place(group, corner)
    Organisation.objects.filter(pk=biz.provider.organisation_id).update(latitude=Decimal("31.9"), longitude=Decimal("119.9"))
    start, end = _next_year()
    contract = biz.contract([e for g in groups for e in g], start=start, end=end)
    # One engineer left: the naive dealing gives them all three villages and fills each day with six
    # visits in village order (4 + 2, 2 + 4): two villages a day, 62 minutes between them.
    keep = ProviderEngineer.objects.filter(provider=biz.provider).order_by("pk").first()
    ProviderEngineer.objects.filter(provider=biz.provider).exclude(pk=keep.pk).update(full_time=False)
    report = planning.contract_visits_plan(actor=biz.city.superuser, contract=contract, time_limit_s=3)
    assert report.status in ("optimal", "feasible") and report.visits == 48
    villages: dict[tuple[int, date], set[int]] = defaultdict(set)
    for visit in Visit.objects.filter(contract=contract).select_related("enterprise__organisation"):
        assert visit.engineer_id == keep.pk
        villages[(visit.engineer_id, visit.planned_on)].add(visit.enterprise.organisation.region_id)
    mean = sum(len(v) for v in villages.values()) / len(villages)
    assert mean < 2
    assert report.naive_engineer_days == 8 and report.travel_minutes < report.naive_travel_minutes


def test_an_infeasible_plan_keeps_the_even_schedule_and_says_why(biz: Any, settings: Any) -> None:
    settings.SAFECITY_SMALLBIZ_VISITS_PER_DAY = 1
    settings.SAFECITY_SMALLBIZ_MIN_ENGINEERS = 1
    keep = ProviderEngineer.objects.filter(provider=biz.provider).order_by("pk").first()
    ProviderEngineer.objects.filter(provider=biz.provider).exclude(pk=keep.pk).update(full_time=False)
    many = [biz.enterprise("甲村厂", biz.village_a1) for _ in range(12)]
    _place(many, (31.90, 119.90))
    start = _next_year()[0]
    contract = biz.contract(many, start=start, end=start + timedelta(days=13))
    visits = list(Visit.objects.filter(contract=contract))
    assert len(visits) == 12 and {v.due_on for v in visits} == {start + timedelta(days=13)}
    assert {(v.engineer_id, v.planned_on) for v in visits} == {(keep.pk, None)}  # the even schedule
    report = planning.contract_visits_plan(actor=biz.street_official, contract=contract, time_limit_s=2)
    assert report.status == "infeasible" and report.visits == 0
    working_days = sum(1 for d in range(14) if (start + timedelta(days=d)).weekday() < 5)
    assert any("lacks capacity" in e and f"short by {12 - working_days}" in e for e in report.explanations), report
    assert set(Visit.objects.filter(contract=contract).values_list("engineer_id", "planned_on")) == {(keep.pk, None)}


def test_the_api_action_for_an_official_and_not_for_the_enterprise(client: Any, biz: Any, personas: Any) -> None:
    served = [biz.enterprise("甲村厂", biz.village_a1), biz.enterprise("乙村厂", biz.village_a2)]
    _place(served, (31.90, 119.90))
    start, end = _next_year()
    contract = biz.contract(served, start=start, end=end)
    Visit.objects.filter(contract=contract).update(planned_on=None)
    url = f"/api/smallbiz/contracts/{contract.pk}/plan/"
    client.force_login(personas.enterprise_user)
    assert client.post(url).status_code == 403
    client.force_login(personas.district_b)
    assert client.post(url).status_code == 404  # out of reach
    assert not Visit.objects.filter(contract=contract, planned_on__isnull=False).exists()
    client.force_login(biz.street_official)
    answer = client.post(url)
    assert answer.status_code == 200, answer.json()
    body = answer.json()
    assert body["status"] in ("optimal", "feasible") and body["visits"] == 8 and body["explanations"] == []
    assert body["travel_minutes"] > 0 and body["engineer_days"] > 0
    assert not Visit.objects.filter(contract=contract, planned_on__isnull=True).exists()


def test_replanning_after_an_engineer_leaves_moves_their_visits_to_others(biz: Any) -> None:
    served = [biz.enterprise("甲村厂", biz.village_a1) for _ in range(8)] + [
        biz.enterprise("乙村厂", biz.village_a2) for _ in range(8)
    ]
    _place(served[:8], (31.90, 119.90))
    _place(served[8:], (31.95, 119.97))
    start, end = _next_year()
    contract = biz.contract(served, start=start, end=end)
    busiest = Counter(Visit.objects.filter(contract=contract).values_list("engineer_id", flat=True)).most_common(1)[0][0]
    ProviderEngineer.objects.filter(pk=busiest).update(full_time=False)
    report = planning.contract_visits_plan(actor=biz.street_official, contract=contract, time_limit_s=3)
    assert report.status in ("optimal", "feasible") and report.visits == 64
    future = Visit.objects.filter(contract=contract, state="scheduled", due_on__gte=timezone.localdate())
    assert future.count() == 64
    assert not future.filter(engineer_id=busiest).exists()
    assert not future.filter(planned_on__isnull=True).exists()


def test_an_engineer_recorded_as_left_gets_no_visit_on_replanning(biz: Any) -> None:
    from safecity.smallbiz.services.registry import engineer_retire

    served = [biz.enterprise("甲村厂", biz.village_a1) for _ in range(6)]
    _place(served, (31.90, 119.90))
    start, end = _next_year()
    contract = biz.contract(served, start=start, end=end)
    busiest = Counter(Visit.objects.filter(contract=contract).values_list("engineer_id", flat=True)).most_common(1)[0][0]
    left = engineer_retire(actor=biz.city.superuser, engineer=ProviderEngineer.objects.get(pk=busiest), reason="离职")
    assert left.open_visits > 0
    planning.contract_visits_plan(actor=biz.street_official, contract=contract, time_limit_s=3)
    future = Visit.objects.filter(contract=contract, state="scheduled")
    assert future.exists() and not future.filter(engineer_id=busiest).exists()

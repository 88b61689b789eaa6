"""The service-visit scheduler on plain data (no database): schedules valid and checked, capacity
and spacing honoured, infeasibility explained in words per provider and quarter, the validator
catching broken schedules, the same seed giving the same schedule."""

from __future__ import annotations

import ast
import dataclasses
import itertools
from collections import Counter, defaultdict
from datetime import date, timedelta
from pathlib import Path

from safecity.smallbiz.scheduling import (
    Engineer,
    Enterprise,
    Problem,
    Provider,
    Village,
    Visit,
    VisitRequirement,
    greedy_schedule,
    precheck,
    synthetic_district,
    validate_schedule,
    validate_solution,
    visit_schedule_solve,
)

TRAVEL = ((0, 10, 20, 35), (10, 0, 15, 30), (20, 15, 0, 20), (35, 30, 20, 0))


def tiny(
    *,
    per_village: int = 3,
    engineers: int = 1,
    capacity: int = 6,
    unavailable: frozenset[date] = frozenset(),
    **extra: object,
) -> Problem:
    """One provider with its office in village 1; ``per_village`` enterprises in each of four villages."""
    villages = tuple(Village(id=i, name=f"V{i}") for i in range(1, 5))
    enterprises = tuple(
        Enterprise(id=100 + 10 * v + k, name=f"E{v}-{k}", village_id=v, provider_id=1)
        for v in range(1, 5)
        for k in range(per_village)
    )
    return Problem(
        villages=villages,
        travel=TRAVEL,
        providers=(Provider(id=1, name="Anxin Safety Services", office_village_id=1),),
        engineers=tuple(
            Engineer(id=i + 1, name=f"G{i + 1}", provider_id=1, capacity_per_day=capacity, unavailable=unavailable)
            for i in range(engineers)
        ),
        enterprises=enterprises,
        requirements=tuple(VisitRequirement(enterprise_id=e.id) for e in enterprises),
        **extra,  # type: ignore[arg-type]
    )


def per_engineer_day(visits: tuple[Visit, ...]) -> Counter[tuple[int, date]]:
    return Counter((v.engineer_id, v.day) for v in visits)


def test_small_district_is_scheduled_and_valid() -> None:
    problem = synthetic_district(enterprises=60, providers=2, villages=8, seed=3)
    solution = visit_schedule_solve(problem, time_limit_s=4, seed=1)
    assert solution.feasible, solution.explanations
    assert validate_solution(problem, solution) == []
    assert len(solution.visits) == 4 * 60
    assert 0.0 <= solution.gap <= 1.0 and solution.bound <= solution.objective
    # The travel of the expanded schedule never exceeds the model's estimate (travel + day count).
    assert 0 < solution.travel_minutes <= solution.objective
    # One visit per quarter per enterprise.
    quarters = {(v.enterprise_id, (v.day.month - 1) // 3) for v in solution.visits}
    assert len(quarters) == len(solution.visits)


def test_tours_group_villages_and_beat_the_greedy_baseline() -> None:
    problem = tiny(per_village=4)
    solution = visit_schedule_solve(problem, time_limit_s=3)
    assert solution.status == "optimal" and solution.gap == 0.0
    baseline = greedy_schedule(problem)
    assert validate_solution(problem, baseline) == []
    assert solution.travel_minutes <= baseline.travel_minutes
    # 16 visits a quarter, 6 a day at most: three days a quarter are enough.
    assert solution.engineer_days == 12


def test_spacing_is_respected_across_quarters_and_from_last_year() -> None:
    problem = tiny(per_village=2, min_spacing_days=80)
    last = date(2026, 12, 1)
    problem = dataclasses.replace(
        problem, requirements=tuple(dataclasses.replace(r, last_visit=last) for r in problem.requirements)
    )
    solution = visit_schedule_solve(problem, time_limit_s=3)
    assert solution.feasible, solution.explanations
    assert validate_solution(problem, solution) == []
    by_enterprise: dict[int, list[date]] = defaultdict(list)
    for visit in solution.visits:
        by_enterprise[visit.enterprise_id].append(visit.day)
    for days in by_enterprise.values():
        days = [last, *sorted(days)]
        assert len(days) == 5
        assert all((b - a).days >= 80 for a, b in itertools.pairwise(days))


def test_capacity_and_minutes_per_day_are_respected() -> None:
    # Capacity 2 a day; with 100-minute visits and village 4 35 minutes away, minutes also bind.
    problem = tiny(per_village=5, capacity=2, visit_minutes=100, day_minutes=300)
    solution = visit_schedule_solve(problem, time_limit_s=3)
    assert solution.feasible, solution.explanations
    assert validate_solution(problem, solution) == []
    assert max(per_engineer_day(solution.visits).values()) <= 2
    for (engineer_id, day), _count in per_engineer_day(solution.visits).items():
        items = sorted((v for v in solution.visits if (v.engineer_id, v.day) == (engineer_id, day)), key=lambda v: v.start_minute)
        back = items[-1].start_minute + 100 + TRAVEL[items[-1].village_id - 1][0]
        assert back <= 300


def test_holidays_and_leave_are_not_working_days() -> None:
    holidays = frozenset(date(2027, 1, 4) + timedelta(days=i) for i in range(5))
    leave = frozenset(date(2027, 1, 11) + timedelta(days=i) for i in range(5))
    solution = visit_schedule_solve(tiny(holidays=holidays, unavailable=leave), time_limit_s=3)
    assert solution.feasible
    assert not {v.day for v in solution.visits} & (holidays | leave)
    assert all(v.day.weekday() < 5 for v in solution.visits)


def test_too_many_enterprises_for_one_engineer_in_a_quarter_is_explained() -> None:
    # Two visits a day, and the engineer is on leave for all of Q2 but five working days: 10 visits
    # fit in Q2, 12 are due.
    q2 = [date(2027, 4, 1) + timedelta(days=i) for i in range(91)]
    working = [d for d in q2 if d.weekday() < 5]
    leave = frozenset(d for d in q2 if d not in working[:5])
    problem = tiny(capacity=2, unavailable=leave)
    solution = visit_schedule_solve(problem, time_limit_s=3)
    assert solution.status == "infeasible" and solution.visits == ()
    assert len(solution.explanations) == 1
    explanation = solution.explanations[0]
    assert explanation.provider_id == 1 and explanation.period == 1
    message = str(explanation)
    assert "Anxin Safety Services lacks capacity in Q2 2027" in message
    assert "12 visits are due" in message and "10 visits at most" in message and "short by 2" in message


def test_impossible_spacing_and_missing_engineers_are_explained() -> None:
    reasons = precheck(tiny(min_spacing_days=200))
    assert reasons and "cannot be 200 days apart" in reasons[0].message
    no_staff = dataclasses.replace(tiny(), engineers=())
    messages = [r.message for r in precheck(no_staff)]
    assert any("Anxin Safety Services has no safety engineer" in m and "Q3 2027" in m for m in messages)


def test_validator_catches_a_broken_schedule() -> None:
    problem = tiny()
    solution = visit_schedule_solve(problem, time_limit_s=3)
    visits = list(solution.visits)
    assert validate_schedule(problem, visits) == []
    first = visits[0]
    # A missing visit.
    assert any("needs visits 1 to 4" in m for m in validate_schedule(problem, visits[1:]))
    # On a Saturday, and too close to the next visit of the same enterprise.
    saturday = first.day + timedelta(days=5 - first.day.weekday())
    broken = validate_schedule(problem, [dataclasses.replace(first, day=saturday), *visits[1:]])
    assert any("weekend" in m for m in broken)
    same = sorted((v for v in visits if v.enterprise_id == first.enterprise_id), key=lambda v: v.day)
    moved = dataclasses.replace(same[1], day=same[0].day + timedelta(days=1))
    assert any("less than 45 days apart" in m for m in validate_schedule(problem, [moved if v == same[1] else v for v in visits]))
    # Over capacity: seven visits on one engineer-day.
    crowded = [dataclasses.replace(v, day=first.day, start_minute=60 * i) for i, v in enumerate(visits[:7])]
    assert any("capacity is 6" in m for m in validate_schedule(problem, crowded + visits[7:]))
    # A visit starting before the engineer can arrive (village 4 is 35 minutes from the office).
    far = next(v for v in visits if v.village_id == 4)
    assert any(
        "earliest arrival" in m
        for m in validate_schedule(problem, [dataclasses.replace(far, start_minute=0) if v == far else v for v in visits])
    )
    # Another provider's engineer.
    other = dataclasses.replace(problem, engineers=(*problem.engineers, Engineer(id=9, name="G9", provider_id=2)))
    assert any(
        "does not work for its provider" in m
        for m in validate_schedule(other, [dataclasses.replace(first, engineer_id=9), *visits[1:]])
    )


def test_same_seed_same_schedule() -> None:
    problem = synthetic_district(enterprises=50, providers=2, villages=8, seed=5)
    first = visit_schedule_solve(problem, time_limit_s=3, seed=4)
    second = visit_schedule_solve(problem, time_limit_s=3, seed=4)
    assert first.feasible and first.stats["clock_cut_models"] == 0
    assert first.visits == second.visits
    assert (first.objective, first.bound) == (second.objective, second.bound)


def test_synthetic_district_is_reproducible_and_metric() -> None:
    a = synthetic_district(enterprises=200, providers=4, seed=9)
    b = synthetic_district(enterprises=200, providers=4, seed=9)
    assert a == b and len(a.villages) == 4 and len(a.enterprises) == 200
    n = len(a.villages)
    t = a.travel
    assert all(t[i][k] <= t[i][j] + t[j][k] for i in range(n) for j in range(n) for k in range(n))


def test_the_package_does_not_import_django() -> None:
    package = Path(__file__).resolve().parents[1] / "scheduling"
    for path in package.glob("*.py"):
        tree = ast.parse(path.read_text())
        names = [a.name for node in ast.walk(tree) if isinstance(node, ast.Import) for a in node.names]
        names += [node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)]
        assert not [n for n in names if n.startswith("django") or (n.startswith("safecity.smallbiz.") and ".scheduling" not in n)]


def test_a_period_whose_days_bind_gets_its_own_model() -> None:
    # Villages 2 and 3 are 10 minutes from the office but 100 minutes apart: alone, two short tours
    # are best; in Q3 the engineer has one working day, so one long tour must take all four visits.
    q3 = [date(2027, 7, 1) + timedelta(days=i) for i in range(92)]
    working = [d for d in q3 if d.weekday() < 5]
    problem = dataclasses.replace(
        tiny(unavailable=frozenset(d for d in q3 if d != working[10])),
        villages=tuple(Village(id=i, name=f"V{i}") for i in range(1, 4)),
        travel=((0, 10, 10), (10, 0, 100), (10, 100, 0)),
        enterprises=tuple(Enterprise(id=k, name=f"E{k}", village_id=2 + k % 2, provider_id=1) for k in range(4)),
        requirements=tuple(VisitRequirement(enterprise_id=k) for k in range(4)),
    )
    solution = visit_schedule_solve(problem, time_limit_s=3)
    assert solution.feasible, solution.explanations
    assert validate_solution(problem, solution) == []
    assert solution.stats["shared_models"] == 1 and solution.stats["own_models"] == 1
    q3_days = {v.day for v in solution.visits if v.day.month in (7, 8, 9)}
    assert q3_days == {working[10]}
    assert len({v.day for v in solution.visits if v.day.month <= 3}) == 2  # two short tours elsewhere
    assert solution.travel_minutes == 3 * 40 + 120


def test_no_time_to_search_still_gives_a_valid_schedule() -> None:
    # Too short a budget for the solver: each period falls back on its greedy packing.
    problem = synthetic_district(enterprises=400, providers=2, villages=20, seed=11)
    solution = visit_schedule_solve(problem, time_limit_s=0.01)
    assert solution.feasible and solution.gap <= 1.0
    assert validate_solution(problem, solution) == []


def test_spacing_that_leaves_no_engineer_day_is_explained() -> None:
    # Q1's only working day is 31 March, so with 85 days' spacing the Q2 visit cannot come before
    # 24 June, when the engineer is on leave until the end of the quarter.
    q1 = {date(2027, 1, 1) + timedelta(days=i) for i in range(89)}
    leave = frozenset(q1 | {date(2027, 6, 21) + timedelta(days=i) for i in range(10)})
    problem = tiny(unavailable=leave, min_spacing_days=85)
    problem = dataclasses.replace(problem, enterprises=problem.enterprises[:1], requirements=problem.requirements[:1])
    solution = visit_schedule_solve(problem, time_limit_s=3)
    assert solution.status == "infeasible" and solution.visits == ()
    explanation = solution.explanations[0]
    assert (explanation.provider_id, explanation.period) == (1, 1)
    assert "Anxin Safety Services cannot fit every visit into Q2 2027" in str(explanation)


def test_engineers_based_elsewhere_share_the_work() -> None:
    base = tiny(per_village=4)
    problem = dataclasses.replace(
        base, engineers=(base.engineers[0], Engineer(id=2, name="G2", provider_id=1, home_village_id=4))
    )
    solution = visit_schedule_solve(problem, time_limit_s=3)
    assert solution.feasible and validate_solution(problem, solution) == []
    loads = Counter(v.engineer_id for v in solution.visits)
    assert set(loads) == {1, 2} and abs(loads[1] - loads[2]) <= 16
    # The engineer living in village 4 makes its visits there.
    assert all(v.engineer_id == 2 for v in solution.visits if v.village_id == 4)

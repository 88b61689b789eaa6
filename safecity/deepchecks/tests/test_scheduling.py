"""The scheduler core on plain data: every rule honoured, infeasibility named with the rule and place."""

from __future__ import annotations

from datetime import date, timedelta

from safecity.deepchecks.scheduling import (
    ExpertInput,
    Problem,
    RuleCode,
    Rules,
    TargetInput,
    solve,
    validate_panel,
    validate_solution,
)

DAYS = tuple(date(2023, 3, 6) + timedelta(days=i) for i in range(5))  # Mon-Fri of week 10


def experts(seniors: int, others: int, **extra: object) -> tuple[ExpertInput, ...]:
    pool = [
        ExpertInput(id=i + 1, name=f"S{i + 1}", senior=True, level="provincial", specialties=frozenset({"process_safety"}))
        for i in range(seniors)
    ]
    pool += [
        ExpertInput(id=100 + i, name=f"C{i + 1}", senior=False, level="city", specialties=frozenset({"fire"}))
        for i in range(others)
    ]
    return tuple(pool)


def targets(n: int, **kwargs: object) -> tuple[TargetInput, ...]:
    return tuple(
        TargetInput(id=1000 + j, name=f"E{j + 1}", needed=frozenset({"process_safety", "fire"}), **kwargs) for j in range(n)
    )  # type: ignore[arg-type]


def test_schedule_honours_every_rule() -> None:
    problem = Problem(experts=experts(9, 9), targets=targets(6), rules=Rules(workload_cap=3), days=DAYS)
    solution = solve(problem, time_limit=10)
    assert solution.status == "optimal" and solution.gap == 0
    assert validate_solution(problem, solution) == []
    for panel in solution.panels:
        assert len(panel.members) == 5
        assert sum(1 for m in panel.members if m < 100) >= 3
        assert panel.leader is not None and panel.leader < 100
        assert panel.uncovered == ()
    loads: dict[int, int] = {}
    for panel in solution.panels:
        for m in panel.members:
            loads[m] = loads.get(m, 0) + 1
    assert max(loads.values()) <= 3


def test_conflicts_and_unavailability_are_respected() -> None:
    pool = list(experts(4, 3))
    pool[0] = ExpertInput(id=1, name="S1", senior=True, unavailable=frozenset(DAYS[:4]))
    problem = Problem(experts=tuple(pool), targets=targets(1, conflicts=frozenset({2})), rules=Rules(), days=DAYS)
    solution = solve(problem, time_limit=5)
    assert solution.feasible
    panel = solution.panels[0]
    assert 2 not in panel.members
    assert 1 not in panel.members or panel.days[0] == DAYS[4]


def test_one_panel_per_expert_per_day() -> None:
    # 5 experts, 2 enterprises, 1 day: both panels would need the same people on the same day.
    problem = Problem(experts=experts(3, 2), targets=targets(2), rules=Rules(workload_cap=5), days=DAYS[:1])
    solution = solve(problem, time_limit=5)
    assert solution.status == "infeasible"
    assert {r.rule for r in solution.reasons} & {RuleCode.UNAVAILABLE, RuleCode.ONE_PANEL_PER_DAY}
    # With two days the same five sit twice.
    solution = solve(Problem(experts=experts(3, 2), targets=targets(2), rules=Rules(workload_cap=5), days=DAYS[:2]), time_limit=5)
    assert solution.feasible and {p.days for p in solution.panels} == {(DAYS[0],), (DAYS[1],)}


def test_too_few_seniors_is_infeasible_with_reason() -> None:
    solution = solve(Problem(experts=experts(2, 10), targets=targets(3), rules=Rules(), days=DAYS), time_limit=5)
    assert solution.status == "infeasible"
    assert solution.reasons[0].rule == RuleCode.MIN_SENIOR
    assert "only 2 provincial-level or above experts" in solution.reasons[0].message


def test_conflicts_leave_too_few_named_per_enterprise() -> None:
    problem = Problem(experts=experts(3, 5), targets=targets(1, conflicts=frozenset({1})), rules=Rules(), days=DAYS)
    reasons = solve(problem, time_limit=5).reasons
    assert reasons[0].rule == RuleCode.CONFLICT and "E1" in reasons[0].message


def test_workload_cap_is_infeasible_with_reason() -> None:
    solution = solve(Problem(experts=experts(3, 2), targets=targets(3), rules=Rules(workload_cap=2), days=DAYS), time_limit=5)
    assert solution.status == "infeasible"
    assert RuleCode.WORKLOAD_CAP in {r.rule for r in solution.reasons}


def test_week_without_free_seniors_is_named() -> None:
    pool = [
        ExpertInput(id=e.id, name=e.name, senior=e.senior, unavailable=frozenset(DAYS) if e.id in (1, 2) else frozenset())
        for e in experts(4, 3)
    ]
    solution = solve(Problem(experts=tuple(pool), targets=targets(1), rules=Rules(), days=DAYS), time_limit=5)
    assert solution.status == "infeasible"
    assert any(r.rule == RuleCode.UNAVAILABLE and "2023-W10" in r.message for r in solution.reasons)


def test_validate_panel_names_each_broken_rule() -> None:
    pool = experts(2, 3)
    target = TargetInput(id=1, name="E1", conflicts=frozenset({100}))
    busy = [((DAYS[0],), [101])]
    reasons = validate_panel(rules=Rules(workload_cap=1), target=target, days=(DAYS[0],), members=pool[:4], other_panels=busy)
    rules = {r.rule for r in reasons}
    assert rules == {
        RuleCode.PANEL_SIZE,
        RuleCode.MIN_SENIOR,
        RuleCode.CONFLICT,
        RuleCode.ONE_PANEL_PER_DAY,
        RuleCode.WORKLOAD_CAP,
    }


def test_large_campaign_is_decomposed_and_valid() -> None:
    import random

    rng = random.Random(1)
    days = tuple(date(2023, 1, 2) + timedelta(days=i) for i in range(60) if (date(2023, 1, 2) + timedelta(days=i)).weekday() < 5)
    pool = tuple(
        ExpertInput(id=i, name=f"X{i}", senior=i % 2 == 0, specialties=frozenset({rng.choice("abc")})) for i in range(1, 301)
    )
    tgts = tuple(
        TargetInput(id=10_000 + j, name=f"T{j}", needed=frozenset({"a", "b"}), conflicts=frozenset({rng.randint(1, 300)}))
        for j in range(120)
    )
    problem = Problem(experts=pool, targets=tgts, rules=Rules(workload_cap=4), days=days)
    solution = solve(problem, time_limit=20)
    assert solution.feasible and solution.blocks > 1
    assert validate_solution(problem, solution) == []

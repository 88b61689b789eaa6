"""Benchmark: the deep-safety-check panel scheduler (OR-Tools CP-SAT) on synthetic campaigns.

    python -m bench.panel_schedule [--seed 2023] [--large-enterprises 2000] [--large-experts 1500]

Generates experts and enterprises in memory (no database: the scheduler core takes plain
dataclasses) and solves:

- small: Xinbei's case, 67 enterprises and 120 experts over March-November, one model, to optimality;
- large: 2,000 enterprises and 1,500 experts over a year, decomposed by week, to a feasible schedule
  within 60 s.

Both schedules are verified against every rule (panel size, provincial-or-above minimum, conflicts,
unavailability, one panel per expert per day, workload cap). Prints times, status, objective, bound
and gap, ending with ``RESULT panel_schedule small_s=<t> large_s=<t> gap=<g>`` (gap of the large run;
the small run's gap must be 0).
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from datetime import date, timedelta

from safecity.deepchecks.scheduling import ExpertInput, Problem, Rules, TargetInput, solve, validate_solution

SPECIALTIES = [
    "process_safety", "electrical", "instrumentation", "equipment", "fire",
    "storage", "dust", "hazardous_chemicals", "special_operations", "emergency",
]  # fmt: skip
LEVELS = ["national", "provincial", "city", "other"]


def working_days(start: date, end: date) -> tuple[date, ...]:
    days = []
    day = start
    while day <= end:
        if day.weekday() < 5:
            days.append(day)
        day += timedelta(days=1)
    return tuple(days)


def generate(rng: random.Random, *, enterprises: int, experts: int, start: date, end: date, rules: Rules) -> Problem:
    days = working_days(start, end)
    pool = []
    for i in range(experts):
        level = rng.choices(LEVELS, weights=[8, 40, 40, 12])[0]
        off_start = rng.randrange(len(days))
        unavailable = frozenset(days[off_start : off_start + rng.randint(0, 10)])
        pool.append(
            ExpertInput(
                id=i + 1,
                name=f"expert-{i + 1}",
                senior=level in ("national", "provincial"),
                level=level,
                specialties=frozenset(rng.sample(SPECIALTIES, k=rng.randint(1, 3))),
                unavailable=unavailable,
            )
        )
    targets = tuple(
        TargetInput(
            id=10_000 + j,
            name=f"enterprise-{j + 1}",
            needed=frozenset(rng.sample(SPECIALTIES, k=rng.randint(2, 4))),
            conflicts=frozenset(rng.sample(range(1, experts + 1), k=rng.randint(0, 3))),
        )
        for j in range(enterprises)
    )
    return Problem(experts=tuple(pool), targets=targets, rules=rules, days=days)


def run(name: str, problem: Problem, time_limit: float) -> tuple[float, float, str]:
    started = time.monotonic()
    solution = solve(problem, time_limit=time_limit)
    elapsed = time.monotonic() - started
    violations = validate_solution(problem, solution) if solution.feasible else []
    print(
        f"{name}: {len(problem.targets)} enterprises, {len(problem.experts)} experts, {len(problem.days)} days -> "
        f"{solution.status} in {elapsed:.2f} s ({solution.blocks} block(s)); objective={solution.objective:.0f} "
        f"bound={solution.bound:.0f} gap={solution.gap:.4f}; uncovered specialties={solution.uncovered}; "
        f"max load={solution.max_load}; rule violations={len(violations)}"
    )
    for reason in solution.reasons[:5]:
        print(f"  reason: {reason}")
    if violations or not solution.feasible:
        for v in violations[:5]:
            print(f"  violation: {v}")
        return elapsed, solution.gap, "failed"
    return elapsed, solution.gap, solution.status


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seed", type=int, default=2023)
    parser.add_argument("--large-enterprises", type=int, default=2000)
    parser.add_argument("--large-experts", type=int, default=1500)
    parser.add_argument("--large-limit", type=float, default=40.0, help="solver time budget of the large run (s)")
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)
    small = generate(
        rng, enterprises=67, experts=120, start=date(2023, 3, 1), end=date(2023, 11, 30),
        rules=Rules(panel_size=5, min_senior=3, workload_cap=6, days_per_check=1),
    )  # fmt: skip
    small_s, small_gap, small_status = run("small", small, time_limit=60.0)
    large = generate(
        rng, enterprises=args.large_enterprises, experts=args.large_experts, start=date(2023, 1, 2), end=date(2023, 12, 29),
        rules=Rules(panel_size=5, min_senior=3, workload_cap=10, days_per_check=1),
    )  # fmt: skip
    large_s, large_gap, large_status = run("large", large, time_limit=args.large_limit)
    ok = small_status == "optimal" and large_status in ("optimal", "feasible") and large_s < 60.0
    print(f"small gap={small_gap:.4f} ({small_status}); large gap={large_gap:.4f} ({large_status}); {'OK' if ok else 'FAILED'}")
    print(f"RESULT panel_schedule small_s={small_s:.2f} large_s={large_s:.2f} gap={large_gap:.4f}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

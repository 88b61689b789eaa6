"""Benchmark: the district-wide service-visit scheduler for small and micro enterprises (issue 16).

    python -m bench.visit_schedule [--seed 2027] [--enterprises 10000] [--providers 50] [--time-limit 55]

Generates a synthetic district in memory (no database: the scheduler takes plain dataclasses):
10,000 enterprises in 200 villages under 50 providers, four visits a year each (40,000 visits),
engineers with six visits a day, 480-minute days, 60-minute visits, travel between villages, the
sample holidays and some leave per engineer. Solves it with CP-SAT (200 sub-models, one per provider
and quarter; the quarters of a provider with the same visits due share one model; two models at a
time, one per core), then checks the schedule with the independent validator
(every visit made, in its quarter, on a working day, capacity, minutes with travel, spacing) and
fails loudly if anything is broken.

The baseline, measured in the same run (machines are noisy): the greedy schedule a planner would
make by hand (due visits sorted by village, each engineer's day filled from the start of the
quarter), validated the same way; ``ratio`` is its travel over the solver's (above 1: the solver
saves travel). Ends with one line::

    RESULT visit_schedule s=<solve seconds> gap=<aggregate gap> status=.. visits=.. providers=..
        travel=<min> greedy_travel=<min> ratio=<greedy/solver> engineer_days=.. greedy_days=.. load=<1-min load>

Goal: a valid schedule within 60 s of solve time, the gap reported.
"""

from __future__ import annotations

import argparse
import os
import sys
import time

from safecity.smallbiz.scheduling import greedy_schedule, synthetic_district, validate_solution, visit_schedule_solve


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seed", type=int, default=2027)
    parser.add_argument("--enterprises", type=int, default=10_000)
    parser.add_argument("--providers", type=int, default=50)
    parser.add_argument("--time-limit", type=float, default=55.0, help="solver budget in seconds (all sub-models)")
    parser.add_argument("--workers", type=int, default=2, help="sub-models solved at a time (one thread each)")
    args = parser.parse_args(argv)
    load_before = os.getloadavg()[0]

    began = time.monotonic()
    problem = synthetic_district(enterprises=args.enterprises, providers=args.providers, seed=args.seed)
    visits_due = sum(r.visits for r in problem.requirements)
    print(
        f"district: {len(problem.enterprises)} enterprises, {len(problem.providers)} providers, "
        f"{len(problem.engineers)} engineers, {len(problem.villages)} villages, {visits_due} visits due; "
        f"generated in {time.monotonic() - began:.2f} s; load {load_before:.2f} on {os.cpu_count()} cores",
        flush=True,
    )

    baseline = greedy_schedule(problem)
    baseline_violations = validate_solution(problem, baseline) if baseline.feasible else ["greedy left visits unplaced"]
    print(
        f"baseline (greedy by village): {baseline.status} in {baseline.solve_seconds:.2f} s; "
        f"travel={baseline.travel_minutes} min over {baseline.engineer_days} engineer-days; "
        f"violations={len(baseline_violations)}",
        flush=True,
    )

    solution = visit_schedule_solve(
        problem,
        time_limit_s=args.time_limit,
        workers=args.workers,
        seed=args.seed,
        progress=lambda line: print(f"  {line}", flush=True),
    )
    print(
        f"solver: {solution.status} in {solution.solve_seconds:.2f} s ({solution.submodels} sub-models: "
        f"{solution.stats.get('shared_models', 0):.0f} CP-SAT models shared by periods with the same visits due, "
        f"{solution.stats.get('own_models', 0):.0f} of their own, {solution.stats.get('clock_cut_models', 0):.0f} cut by the "
        f"clock before their deterministic limit (those may vary run to run); "
        f"models {solution.stats.get('model_seconds', 0.0):.2f} s, expansion {solution.stats.get('expand_seconds', 0.0):.2f} s); "
        f"objective={solution.objective:.0f} bound={solution.bound:.0f} gap={solution.gap:.4f}; "
        f"travel={solution.travel_minutes} min over {solution.engineer_days} engineer-days",
        flush=True,
    )
    for explanation in solution.explanations[:10]:
        print(f"  explanation: {explanation}")
    started = time.monotonic()
    violations = validate_solution(problem, solution) if solution.feasible else ["no schedule"]
    print(f"validated {len(solution.visits)} visits in {time.monotonic() - started:.2f} s: {len(violations)} violation(s)")
    for violation in violations[:10]:
        print(f"  violation: {violation}")

    ratio = baseline.travel_minutes / max(1, solution.travel_minutes)
    ok = solution.feasible and not violations and len(solution.visits) == visits_due and solution.solve_seconds < 60.0
    load = os.getloadavg()[0]
    print(f"travel ratio greedy/solver={ratio:.3f}; {'OK' if ok else 'FAILED'}")
    print(
        f"RESULT visit_schedule s={solution.solve_seconds:.2f} gap={solution.gap:.4f} status={solution.status} "
        f"visits={len(solution.visits)} providers={len(problem.providers)} travel={solution.travel_minutes} "
        f"greedy_travel={baseline.travel_minutes} ratio={ratio:.3f} engineer_days={solution.engineer_days} "
        f"greedy_days={baseline.engineer_days} clock_cut={solution.stats.get('clock_cut_models', 0):.0f} load={load:.2f}"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

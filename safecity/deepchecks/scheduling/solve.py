"""The panel scheduler: dates first, then experts per block with OR-Tools CP-SAT.

Stage 1 (``assign_dates``) gives every enterprise its check days, spread evenly over the campaign's
working days, never more panels on a day than the free experts and free provincial-or-above experts
of that day can fill (and the campaign's per-day limit).

Stage 2 assigns experts with CP-SAT. Hard rules: panel size, provincial-or-above minimum, no conflict
of interest, no unavailable day, one panel per expert per day, the workload cap. Objective:
uncovered needed specialties first (weight 100), then the balance of the workload (the maximum load,
weight 10; the min-load term is optional). Small campaigns are one model over every enterprise and expert, solved to
optimality; large ones (more than ``SINGLE_MODEL_LIMIT`` expert-enterprise pairs) are solved week by
week, each week over the best-ranked candidates of each enterprise, carrying the experts' loads and
busy days forward (a decomposition: the reported gap is against the sum of the weeks' bounds).
"""

from __future__ import annotations

import os
import time
import zlib
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from ortools.sat.python import cp_model

from safecity.deepchecks.scheduling.data import (
    ExpertInput,
    PanelPlan,
    Problem,
    Reason,
    RuleCode,
    Solution,
    TargetInput,
    gettext_noop,
)
from safecity.deepchecks.scheduling.diagnose import precheck, week_label

SINGLE_MODEL_LIMIT = 20_000
W_UNCOVERED = 100
W_BALANCE = 10
LEVEL_RANK = {"national": 0, "provincial": 1, "city": 2, "other": 3}

Progress = Callable[[int, int], None]


@dataclass
class _State:
    loads: dict[int, int]
    busy: dict[int, set[date]]


def _workers() -> int:
    return max(1, min(8, os.cpu_count() or 1))


def assign_dates(problem: Problem) -> tuple[dict[int, tuple[date, ...]], list[Reason]]:
    """Stage 1: each enterprise's check days, spread over the period within each day's capacity."""
    rules = problem.rules
    days = problem.days
    k = rules.days_per_check
    n_starts = len(days) - k + 1
    if n_starts <= 0:
        return {}, [
            Reason(
                RuleCode.PERIOD,
                gettext_noop("The campaign period has %(days)d working days; one check takes %(need)d."),
                {"days": len(days), "need": k},
            )
        ]
    index = {d: i for i, d in enumerate(days)}
    off = [0] * len(days)
    off_senior = [0] * len(days)
    for expert in problem.experts:
        for d in expert.unavailable:
            i = index.get(d)
            if i is not None:
                off[i] += 1
                off_senior[i] += expert.senior
    n_all = len(problem.experts)
    n_senior = sum(1 for e in problem.experts if e.senior)
    free = [n_all - off[i] for i in range(len(days))]
    free_senior = [n_senior - off_senior[i] for i in range(len(days))]
    capacity = [
        min(free[i] // rules.panel_size, free_senior[i] // max(1, rules.min_senior), rules.max_panels_per_day or 10**9)
        for i in range(len(days))
    ]
    senior_ids = {e.id for e in problem.experts if e.senior}
    occupancy = [0] * len(days)
    result: dict[int, tuple[date, ...]] = {}
    reasons: list[Reason] = []
    n = len(problem.targets)
    for position, target in enumerate(problem.targets):
        conflicted = len(target.conflicts)
        conflicted_seniors = len(target.conflicts & senior_ids)
        ideal = position * n_starts // max(1, n)
        chosen = None
        for start in sorted(range(n_starts), key=lambda s: (abs(s - ideal), s)):
            span = range(start, start + k)
            if all(
                occupancy[i] < capacity[i]
                and free_senior[i] - conflicted_seniors >= rules.min_senior
                and free[i] - conflicted >= rules.panel_size
                for i in span
            ):
                chosen = start
                break
        if chosen is None:
            best = max(range(len(days)), key=lambda i: free_senior[i])
            reasons.append(
                Reason(
                    RuleCode.UNAVAILABLE,
                    gettext_noop(
                        "No day is left for %(target)s: at most %(have)d provincial-level or above experts are free in week %(week)s, and the days with free experts are full."
                    ),
                    {"target": target.name, "have": free_senior[best] - conflicted_seniors, "week": week_label(days[best])},
                )
            )
            continue
        for i in range(chosen, chosen + k):
            occupancy[i] += 1
        result[target.id] = tuple(days[chosen : chosen + k])
    return result, reasons


def _candidates(
    problem: Problem, target: TargetInput, span: tuple[date, ...], state: _State, prune: int | None
) -> list[ExpertInput]:
    rules = problem.rules
    span_set = set(span)
    pool = [
        e
        for e in problem.experts
        if e.id not in target.conflicts
        and not (span_set & e.unavailable)
        and not (span_set & state.busy.get(e.id, set()))
        and state.loads.get(e.id, 0) < rules.workload_cap
    ]
    if prune is None:
        return pool

    def rank(e: ExpertInput) -> tuple[int, int, int]:
        # Specialists first, then the least loaded; a hash spreads ties so that enterprises of the
        # same day do not all draw the same top candidates.
        return (-len(e.specialties & target.needed), state.loads.get(e.id, 0), zlib.crc32(f"{target.id}:{e.id}".encode()))

    seniors = sorted((e for e in pool if e.senior), key=rank)[:prune]
    others = sorted((e for e in pool if not e.senior), key=rank)[:prune]
    return seniors + others


def _solve_block(
    problem: Problem,
    block: list[tuple[TargetInput, tuple[date, ...]]],
    state: _State,
    *,
    time_limit: float,
    prune: int | None,
    balance_min: bool,
) -> tuple[list[PanelPlan] | None, float, float, bool]:
    """One CP-SAT model over ``block``; returns the panels (None if infeasible), objective, bound, optimal."""
    rules = problem.rules
    model = cp_model.CpModel()
    x: dict[tuple[int, int], cp_model.IntVar] = {}
    by_expert: dict[int, list[cp_model.IntVar]] = defaultdict(list)
    by_expert_day: dict[tuple[int, date], list[cp_model.IntVar]] = defaultdict(list)
    experts = {e.id: e for e in problem.experts}
    uncovered_terms: list[Any] = []
    fixed_uncovered = 0
    covers: dict[tuple[int, str], cp_model.IntVar] = {}
    for target, span in block:
        cands = _candidates(problem, target, span, state, prune)
        if len(cands) < rules.panel_size or sum(e.senior for e in cands) < rules.min_senior:
            return None, 0.0, 0.0, False
        row = []
        for e in cands:
            var = model.new_bool_var(f"x_{e.id}_{target.id}")
            x[(e.id, target.id)] = var
            row.append(var)
            by_expert[e.id].append(var)
            for d in span:
                by_expert_day[(e.id, d)].append(var)
        model.add(sum(row) == rules.panel_size)
        model.add(sum(x[(e.id, target.id)] for e in cands if e.senior) >= rules.min_senior)
        for specialty in sorted(target.needed):
            covering = [x[(e.id, target.id)] for e in cands if specialty in e.specialties]
            if not covering:
                fixed_uncovered += 1
                continue
            covered = model.new_bool_var(f"c_{target.id}_{specialty}")
            model.add(sum(covering) >= covered)
            covers[(target.id, specialty)] = covered
            uncovered_terms.append(1 - covered)
    for vars_ in by_expert_day.values():
        if len(vars_) > 1:
            model.add_at_most_one(vars_)
    max_load = model.new_int_var(0, rules.workload_cap, "max_load")
    min_load = model.new_int_var(0, rules.workload_cap, "min_load")
    load_terms: list[Any] = []
    for expert_id, vars_ in by_expert.items():
        prior = state.loads.get(expert_id, 0)
        total = prior + sum(vars_)
        model.add(total <= rules.workload_cap)
        model.add(max_load >= total)
        if balance_min:
            model.add(min_load <= total)
        if prior:
            load_terms.extend(prior * v for v in vars_)
    if not balance_min:
        model.add(min_load == 0)
    objective: Any = W_UNCOVERED * sum(uncovered_terms)
    model.minimize(objective + W_BALANCE * (max_load - min_load) + sum(load_terms))
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.1, time_limit)
    solver.parameters.num_workers = _workers()
    solver.parameters.random_seed = 7
    status = solver.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None, 0.0, 0.0, False
    plans = []
    for target, span in block:
        members = tuple(sorted(eid for (eid, tid), var in x.items() if tid == target.id and solver.value(var)))
        uncovered = tuple(s for s in sorted(target.needed) if not any(s in experts[m].specialties for m in members))
        leader = min(
            (experts[m] for m in members if experts[m].senior),
            key=lambda e: (LEVEL_RANK.get(e.level, 9), -len(e.specialties & target.needed), e.id),
        ).id
        plans.append(PanelPlan(target_id=target.id, days=span, members=members, leader=leader, uncovered=uncovered))
        for m in members:
            state.loads[m] = state.loads.get(m, 0) + 1
            state.busy.setdefault(m, set()).update(span)
    objective = solver.objective_value + W_UNCOVERED * fixed_uncovered
    bound = solver.best_objective_bound + W_UNCOVERED * fixed_uncovered
    return plans, objective, bound, status == cp_model.OPTIMAL


def _block_reasons(problem: Problem, block: list[tuple[TargetInput, tuple[date, ...]]], state: _State) -> list[Reason]:
    """Name the rule and the place for a block the solver could not fill."""
    rules = problem.rules
    reasons: list[Reason] = []
    for target, span in block:
        cands = _candidates(problem, target, span, state, None)
        seniors = sum(1 for e in cands if e.senior)
        if seniors < rules.min_senior:
            reasons.append(
                Reason(
                    RuleCode.MIN_SENIOR,
                    gettext_noop(
                        "Only %(have)d provincial-level or above experts are free for %(target)s in week %(week)s (free days, no conflict, under the workload cap); %(need)d are needed."
                    ),
                    {"have": seniors, "target": target.name, "week": week_label(span[0]), "need": rules.min_senior},
                )
            )
        elif len(cands) < rules.panel_size:
            reasons.append(
                Reason(
                    RuleCode.PANEL_SIZE,
                    gettext_noop("Only %(have)d experts are free for %(target)s in week %(week)s; %(need)d are needed."),
                    {"have": len(cands), "target": target.name, "week": week_label(span[0]), "need": rules.panel_size},
                )
            )
    if not reasons and block:
        reasons.append(
            Reason(
                RuleCode.ONE_PANEL_PER_DAY,
                gettext_noop(
                    "The %(panels)d panels of week %(week)s cannot all be filled: the same free provincial-level or above experts would have to sit on two panels a day."
                ),
                {"panels": len(block), "week": week_label(block[0][1][0])},
            )
        )
    return reasons


def solve(problem: Problem, *, time_limit: float = 50.0, progress: Progress | None = None) -> Solution:
    """Schedule every enterprise of ``problem``, or say which rule cannot be met and where."""
    started = time.monotonic()
    reasons = precheck(problem)
    if reasons:
        return Solution(status="infeasible", reasons=reasons, wall_time=time.monotonic() - started)
    dates, reasons = assign_dates(problem)
    if reasons:
        return Solution(status="infeasible", reasons=reasons, wall_time=time.monotonic() - started)
    single = len(problem.targets) * len(problem.experts) <= SINGLE_MODEL_LIMIT
    if single:
        blocks = [[(t, dates[t.id]) for t in problem.targets]]
    else:
        weeks: dict[str, list[tuple[TargetInput, tuple[date, ...]]]] = defaultdict(list)
        for t in problem.targets:
            weeks[week_label(dates[t.id][0])].append((t, dates[t.id]))
        blocks = [weeks[w] for w in sorted(weeks)]
    state = _State(loads={}, busy={})
    solution = Solution(status="optimal", blocks=len(blocks))
    for number, block in enumerate(blocks):
        remaining = time_limit - (time.monotonic() - started)
        budget = remaining if single else max(0.2, 0.9 * remaining / (len(blocks) - number))
        plans = None
        for prune in (None,) if single else (12, 30, None):
            plans, objective, bound, optimal = _solve_block(
                problem, block, state, time_limit=budget, prune=prune, balance_min=False
            )
            if plans is not None:
                break
        if plans is None:
            solution.status = "infeasible"
            solution.reasons = _block_reasons(problem, block, state)
            solution.panels = []
            break
        solution.panels.extend(plans)
        solution.objective += objective
        solution.bound += bound
        if not optimal:
            solution.status = "feasible"
        if progress is not None:
            progress(number + 1, len(blocks))
    solution.wall_time = time.monotonic() - started
    if solution.feasible:
        solution.uncovered = sum(len(p.uncovered) for p in solution.panels)
        solution.max_load = max(state.loads.values(), default=0)
    return solution

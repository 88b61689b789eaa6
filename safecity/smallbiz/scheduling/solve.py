"""The district-wide service-visit scheduler: CP-SAT per provider and period, then a deterministic
expansion into individual visits.

**Model.** A district year has about 40,000 visits over 250 working days: one model over single
visits, engineers and days is far too large. The problem separates instead:

1. *By provider.* Engineers only visit their own provider's enterprises, so providers share nothing.
2. *By period.* Each visit belongs to one period (the j-th of n visits in period ``j*P//n``). The
   only link between periods is the minimum spacing of an enterprise's consecutive visits, which the
   expansion (step 4) enforces exactly by carrying every enterprise's last visit date forward as a
   release date; the sub-models themselves are independent.
3. *Counts, not visits.* Within a provider and period, enterprises of one village are
   interchangeable for travel and capacity, so the CP-SAT sub-model chooses *day tours*: a column is
   a set S of at most three neighbouring villages (a village with up to three of its nearest
   neighbours among those with visits due) driven by a group of engineers (same base, same daily
   capacity); its travel is the exact shortest round trip base -> S -> base (all orders tried), its
   capacity per day ``min(capacity, (day_minutes - travel) // visit_minutes)``. Integer variables:
   ``u[c]`` tours of column c, ``x[c, v]`` visits to village v on those tours, with
   ``x[c, v] >= u[c]`` (every tour really goes to every village of its set, so its travel is exactly
   the column's), ``sum_v x[c, v] <= cap[c] * u[c]``, every village's due visits covered exactly,
   and a group's tours at most its members' working days in the period (holidays and leave
   excluded). Objective: travel minutes of the tours + one per tour (engineer-days used) +
   ``W_BALANCE`` times the spread of visits per engineer between groups. A cut the linear
   relaxation misses tightens the bound: at least ceil(due / most per tour) tours reach a village.
   Periods of a provider with the same visits due (quarterly visits: all four) share one model
   *without* the working-day limits; its solution is used in each of them whose days it fits, and
   as a relaxation its bound is a bound of each. A period it does not fit gets its own model. Every
   model starts from a hint (the greedy packing of ``_hint``), which is also its answer if CP-SAT
   finds nothing better in its time, so a short budget still gives a schedule, with a wider gap.
4. *Expansion.* Tours go to engineer-days chronologically, paced evenly over the period and given
   to the least-loaded available member of the group (the balance within a group); a tour goes on a
   day only if each of its villages has enough enterprises whose release date (previous visit +
   spacing) has come, and takes the longest-waiting of them. If an even pace cannot place every tour,
   the period is placed again as late as possible (later days only release more enterprises); if
   that fails too, the provider and period are explained as infeasible.

Soundness: every tour's day fits its engineer's capacity and minutes (by the column's capacity),
every engineer-day holds one tour, every visit is on a working day of its engineer and of its
period, and the spacing holds by the release dates: the result is a valid schedule (``validate``
checks it independently). The sub-models' bounds are lower bounds of their objectives, so the
aggregate gap (sum of objectives - sum of bounds) / max(1, sum of objectives) bounds how far each
sub-model is from its own optimum (not from a joint optimum over tours of four or more villages).

Sub-models run ``workers`` at a time in threads (one per provider; CP-SAT releases the GIL), each
single-threaded with a deterministic-time limit (a share of ``time_limit_s``) and ``seed``, so a
fixed seed gives the same schedule unless the machine is so loaded that the wall-clock limit (the
same share of the time left) cuts a sub-model first; the wall-clock limits keep the whole solve
within ``time_limit_s`` in any case.
"""

from __future__ import annotations

import itertools
import math
import time
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from ortools.sat.python import cp_model

from safecity.smallbiz.scheduling.data import Engineer, Explanation, Problem, Solution, Visit
from safecity.smallbiz.scheduling.diagnose import (
    available_days,
    due_visits,
    model_failure,
    placement_failure,
    precheck,
)

NEIGHBOURS = 3  # nearest villages a tour may add to its first village
MAX_VILLAGES = 3  # villages per tour
W_BALANCE = 10  # minutes-equivalent per visit of spread between engineer groups
W_DAY = 1  # per engineer-day used (tie-break: fewer, fuller days)
# Deterministic-time units per wall second of budget: a little less than one CP-SAT thread does on
# a quiet 2-core machine, so the deterministic limit (not the clock) ends a model unless it is loaded.
DETERMINISTIC_PER_SECOND = 0.5
WARM_SHARE = 0.6  # time share of a period that needs its own model (relative to a shared one)

Progress = Callable[[str], None]


@dataclass(frozen=True)
class _Column:
    group: int
    villages: tuple[int, ...]  # in route order
    travel: int
    cap: int


@dataclass
class _Group:
    base: int
    capacity: int
    members: list[Engineer]
    days: dict[int, tuple[date, ...]] = field(default_factory=dict)  # engineer id -> available days


@dataclass
class _Sub:
    provider_id: int
    period: int
    demand: dict[int, int]  # village -> visits due
    groups: list[_Group]
    status: str = "unknown"
    clock_cut: bool = False  # ended by the wall-clock limit (then the result may vary run to run)
    objective: float = 0.0
    bound: float = 0.0
    tours: list[tuple[_Column, dict[int, int]]] = field(default_factory=list)  # one per engineer-day


def route_travel(problem: Problem, base: int, villages: tuple[int, ...]) -> int:
    """Travel minutes of base -> villages (in this order) -> base."""
    stops = (base, *villages, base)
    return sum(problem.minutes(a, b) for a, b in itertools.pairwise(stops))


def _best_route(problem: Problem, base: int, villages: tuple[int, ...]) -> tuple[tuple[int, ...], int]:
    best = min(itertools.permutations(sorted(villages)), key=lambda order: (route_travel(problem, base, order), order))
    return best, route_travel(problem, base, best)


def _groups(problem: Problem, engineers: list[Engineer], period: int) -> list[_Group]:
    by_key: dict[tuple[int, int], _Group] = {}
    for engineer in sorted(engineers, key=lambda e: e.id):
        key = (problem.base_of(engineer), engineer.capacity_per_day)
        group = by_key.setdefault(key, _Group(base=key[0], capacity=key[1], members=[]))
        group.members.append(engineer)
        group.days[engineer.id] = available_days(problem, engineer, period)
    return [by_key[k] for k in sorted(by_key)]


def _columns(problem: Problem, sub: _Sub) -> list[_Column]:
    villages = sorted(sub.demand)
    sets: set[tuple[int, ...]] = set()
    for hub in villages:
        near = sorted((v for v in villages if v != hub), key=lambda v: (problem.minutes(hub, v) + problem.minutes(v, hub), v))
        near = near[:NEIGHBOURS]
        for size in range(MAX_VILLAGES):
            for extra in itertools.combinations(near, size):
                sets.add(tuple(sorted((hub, *extra))))
    columns = []
    for g, group in enumerate(sub.groups):
        if not any(group.days.values()):
            continue
        for villages_set in sorted(sets):
            order, travel = _best_route(problem, group.base, villages_set)
            cap = min(group.capacity, (problem.day_minutes - travel) // max(1, problem.visit_minutes))
            if cap >= len(order):
                columns.append(_Column(group=g, villages=order, travel=travel, cap=cap))
    return columns


def _solve_sub(
    problem: Problem,
    sub: _Sub,
    *,
    wall_limit: float,
    det_limit: float,
    seed: int,
    previous: _Sub | None = None,
    limit_days: bool = True,
) -> None:
    """Build and solve the CP-SAT model of one provider and period (see the module docstring);
    without ``limit_days``, its relaxation without the groups' working-day limits."""
    columns = _columns(problem, sub)
    covered = {v for c in columns for v in c.villages}
    if covered != set(sub.demand):
        sub.status = "infeasible"
        return
    model = cp_model.CpModel()
    u: list[cp_model.IntVar] = []
    x: dict[tuple[int, int], cp_model.IntVar] = {}
    by_village: dict[int, list[cp_model.IntVar]] = defaultdict(list)
    by_group_days: dict[int, list[cp_model.IntVar]] = defaultdict(list)
    by_group_visits: dict[int, list[cp_model.IntVar]] = defaultdict(list)
    for i, col in enumerate(columns):
        group = sub.groups[col.group]
        days = sum(len(d) for d in group.days.values())
        most = min(days if limit_days else 10**6, *(sub.demand[v] for v in col.villages))
        tours = model.new_int_var(0, most, f"u{i}")
        u.append(tours)
        by_group_days[col.group].append(tours)
        row = []
        for v in col.villages:
            var = model.new_int_var(0, sub.demand[v], f"x{i}_{v}")
            x[(i, v)] = var
            model.add(var >= tours)
            model.add(var <= (col.cap - len(col.villages) + 1) * tours)
            by_village[v].append(var)
            by_group_visits[col.group].append(var)
            row.append(var)
        model.add(sum(row) <= col.cap * tours)
    for v, need in sub.demand.items():
        model.add(sum(by_village[v]) == need)
        # A cut the linear relaxation misses: a tour carries at most ``most`` visits to v, so at
        # least ceil(need / most) tours go there.
        touching = [(u[i], col.cap - len(col.villages) + 1) for i, col in enumerate(columns) if v in col.villages]
        most = max(m for _var, m in touching)
        model.add(sum(var for var, _m in touching) >= -(-need // most))
    for g, tours_list in by_group_days.items() if limit_days else ():
        model.add(sum(tours_list) <= sum(len(d) for d in sub.groups[g].days.values()))
    objective: Any = sum((col.travel + W_DAY) * u[i] for i, col in enumerate(columns))
    active = sorted(by_group_visits)
    if len(active) > 1:
        total = sum(sub.demand.values())
        hi = model.new_int_var(0, total, "per_engineer_max")
        lo = model.new_int_var(0, total, "per_engineer_min")
        for g in active:
            size = len(sub.groups[g].members)
            load = sum(by_group_visits[g])
            model.add(size * hi >= load)
            model.add(size * lo <= load)
        objective += W_BALANCE * (hi - lo)
    model.minimize(objective)
    hint = _hint(sub, columns, previous, limit_days)
    if hint is not None:
        for i, n in hint[0].items():
            model.add_hint(u[i], n)
        for key, n in hint[1].items():
            model.add_hint(x[key], n)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = seed
    solver.parameters.max_time_in_seconds = max(0.05, wall_limit)
    det_limit = max(0.02, det_limit)
    solver.parameters.max_deterministic_time = det_limit
    status = solver.solve(model)
    sub.clock_cut = status != cp_model.OPTIMAL and solver.deterministic_time < 0.98 * det_limit
    if status == cp_model.INFEASIBLE or (status == cp_model.UNKNOWN and hint is None):
        sub.status = "infeasible" if status == cp_model.INFEASIBLE else "unknown"
        return
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        sub.status = "optimal" if status == cp_model.OPTIMAL else "feasible"
        sub.objective = solver.objective_value
        sub.bound = solver.best_objective_bound if status == cp_model.FEASIBLE else solver.objective_value
        tours_of = {i: solver.value(u[i]) for i in range(len(columns))}
        visits_of = {key: solver.value(var) for key, var in x.items()}
    else:
        # No solution within the limit: the hint is one (a valid schedule, unoptimised), with the
        # solver's bound as far as it got.
        assert hint is not None
        tours_of, visits_of = hint[0], hint[1]
        sub.status = "feasible"
        sub.objective = _hint_objective(sub, columns, tours_of, visits_of)
        sub.bound = min(sub.objective, max(0.0, solver.best_objective_bound))
    for i, col in enumerate(columns):
        n = tours_of.get(i, 0)
        if n == 0:
            continue
        counts = {v: visits_of.get((i, v), 0) for v in col.villages}
        # n tours: one visit to each village each, the rest spread evenly up to the column's capacity.
        split = [dict.fromkeys(col.villages, 1) for _ in range(n)]
        rest = {v: counts[v] - n for v in col.villages}
        k = 0
        for v in col.villages:
            while rest[v] > 0:
                if sum(split[k % n].values()) < col.cap:
                    split[k % n][v] += 1
                    rest[v] -= 1
                k += 1
        sub.tours.extend((col, tour) for tour in split)


def _signature(sub: _Sub) -> tuple[Any, ...]:
    """What a period's model depends on besides the working-day limits."""
    return tuple(sorted(sub.demand.items())), tuple(g for g, group in enumerate(sub.groups) if any(group.days.values()))


def _fits(sub: _Sub, solved: _Sub) -> bool:
    """Whether ``solved``'s tours fit the working days of ``sub``'s groups."""
    tours: dict[int, int] = defaultdict(int)
    for col, _tour in solved.tours:
        tours[col.group] += 1
    return all(n <= sum(len(d) for d in sub.groups[g].days.values()) for g, n in tours.items())


Hint = tuple[dict[int, int], dict[tuple[int, int], int]]  # tours per column, visits per (column, village)


def _hint(sub: _Sub, columns: list[_Column], previous: _Sub | None, limit_days: bool = True) -> Hint | None:
    """A feasible start for the solver, and its answer if it finds nothing better in time.

    The previous period's solution when the same visits are due (the usual case: an enterprise's
    quarterly visits), else a greedy packing: each village's full tours on its own, then the
    remainders packed into the column with the least travel per visit. None if the start does not
    fit the groups' days (the solver then searches on its own)."""
    days_left = {g: sum(len(d) for d in group.days.values()) if limit_days else 10**6 for g, group in enumerate(sub.groups)}
    index = {(c.group, c.villages): i for i, c in enumerate(columns)}
    tours: dict[int, int] = defaultdict(int)
    visits: dict[tuple[int, int], int] = defaultdict(int)
    if previous is not None and previous.demand == sub.demand and previous.tours:
        for col, tour in previous.tours:
            i = index.get((col.group, col.villages))
            if i is None:
                break
            tours[i] += 1
            for v, n in tour.items():
                visits[(i, v)] += n
        else:
            if all(sum(n for i, n in tours.items() if columns[i].group == g) <= left for g, left in days_left.items()):
                return dict(tours), dict(visits)
        tours.clear()
        visits.clear()
    rest = dict(sub.demand)

    def best(options: list[int], fill: dict[int, int]) -> int | None:
        usable = [i for i in options if days_left[columns[i].group] > 0]
        if not usable:
            return None
        return min(usable, key=lambda i: ((columns[i].travel + W_DAY) / max(1, fill[i]), -days_left[columns[i].group], i))

    singles: dict[int, list[int]] = defaultdict(list)
    containing: dict[int, list[int]] = defaultdict(list)
    for i, col in enumerate(columns):
        for v in col.villages:
            containing[v].append(i)
        if len(col.villages) == 1:
            singles[col.villages[0]].append(i)
    for v in sorted(rest):
        while True:
            i = best(singles[v], {i: columns[i].cap for i in singles[v]})
            if i is None or rest[v] < columns[i].cap:
                break
            tours[i] += 1
            visits[(i, v)] += columns[i].cap
            days_left[columns[i].group] -= 1
            rest[v] -= columns[i].cap
    while any(rest.values()):
        v = max(rest, key=lambda w: (rest[w], -w))
        options = [i for i in containing[v] if all(rest[w] > 0 for w in columns[i].villages)]
        fill = {i: min(columns[i].cap, sum(rest[w] for w in columns[i].villages)) for i in options}
        i = best(options, fill)
        if i is None:
            return None
        col = columns[i]
        room = col.cap - len(col.villages)
        tours[i] += 1
        days_left[col.group] -= 1
        for w in sorted(col.villages, key=lambda w: (w != v, w)):
            n = 1 + min(room, rest[w] - 1)
            room -= n - 1
            visits[(i, w)] += n
            rest[w] -= n
    return dict(tours), dict(visits)


def _hint_objective(sub: _Sub, columns: list[_Column], tours: dict[int, int], visits: dict[tuple[int, int], int]) -> float:
    objective = float(sum((columns[i].travel + W_DAY) * n for i, n in tours.items()))
    loads: dict[int, int] = defaultdict(int)
    for (i, _v), n in visits.items():
        loads[columns[i].group] += n
    if len(loads) > 1:
        per = [loads[g] / len(sub.groups[g].members) for g in loads]
        objective += W_BALANCE * (math.ceil(max(per)) - math.floor(min(per)))
    return objective


class _Pools:
    """The enterprises with a visit due in one provider's period, per village, by release date."""

    def __init__(self, entries: dict[int, list[tuple[date, int, int]]]) -> None:
        self.entries = {v: sorted(items) for v, items in entries.items()}  # (release, enterprise, number)
        self.taken = dict.fromkeys(self.entries, 0)

    def released(self, village: int, day: date) -> int:
        items = self.entries[village]
        return bisect_right(items, (day, math.inf, math.inf)) - self.taken[village]

    def take(self, village: int) -> tuple[int, int]:
        _release, enterprise, number = self.entries[village][self.taken[village]]
        self.taken[village] += 1
        return enterprise, number

    def left(self) -> int:
        return sum(len(items) - self.taken[v] for v, items in self.entries.items())


def _place(problem: Problem, sub: _Sub, pools: _Pools, *, spread: bool) -> tuple[list[Visit], int]:
    """Put the sub-model's tours on engineer-days (see step 4); returns the visits and the number of
    visits left without a day."""
    visits: list[Visit] = []
    load: dict[int, int] = defaultdict(int)
    by_group: dict[int, list[tuple[_Column, dict[int, int]]]] = defaultdict(list)
    for col, tour in sorted(sub.tours, key=lambda t: (t[0].group, t[0].villages, sorted(t[1].items()))):
        by_group[col.group].append((col, tour))
    for g, pending in sorted(by_group.items()):
        group = sub.groups[g]
        calendar = sorted({d for days in group.days.values() for d in days})
        total_days = sum(len(d) for d in group.days.values())
        total, used_days = len(pending), 0
        for day in calendar:
            free = [m for m in group.members if day in group.days[m.id]]
            after = sum(1 for m in group.members for d in group.days[m.id] if d > day)
            used_days += len(free)
            must = max(0, len(pending) - after)
            want = math.ceil(total * used_days / total_days) - (total - len(pending)) if spread else 0
            run = min(len(free), max(must, want))
            chosen: list[tuple[_Column, dict[int, int]]] = []
            for item in pending:
                if len(chosen) == run:
                    break
                if all(pools.released(v, day) >= n for v, n in item[1].items()):
                    chosen.append(item)
                    for v, n in item[1].items():
                        pools.taken[v] += n
            for item in chosen:
                for v, n in item[1].items():
                    pools.taken[v] -= n
            if len(chosen) < must:
                return visits, pools.left()
            for col, tour in chosen:
                pending.remove((col, tour))
                member = min(free, key=lambda m: (load[m.id], m.id))
                free.remove(member)
                clock, here = 0, group.base
                for v in col.villages:
                    clock += problem.minutes(here, v)
                    here = v
                    for _ in range(tour[v]):
                        enterprise, number = pools.take(v)
                        visits.append(Visit(enterprise, number, day, member.id, v, clock))
                        clock += problem.visit_minutes
                        load[member.id] += 1
        if pending:
            return visits, pools.left()
    return visits, pools.left()


def visit_schedule_solve(
    problem: Problem,
    *,
    time_limit_s: float = 60.0,
    workers: int = 2,
    seed: int = 0,
    progress: Progress | None = None,
) -> Solution:
    """Every visit of ``problem`` on an engineer-day, or the reasons why not (per provider and period).

    ``time_limit_s`` is the budget of all the sub-models together; ``workers`` sub-models run at a
    time, each on one thread."""
    started = time.monotonic()
    reasons = precheck(problem)
    if reasons:
        return Solution(status="infeasible", explanations=tuple(reasons), solve_seconds=time.monotonic() - started)
    due = due_visits(problem)
    engineers_of: dict[int, list[Engineer]] = defaultdict(list)
    for engineer in problem.engineers:
        engineers_of[engineer.provider_id].append(engineer)
    subs: list[_Sub] = []
    for (provider_id, period), items in sorted(due.items()):
        demand: dict[int, int] = defaultdict(int)
        for enterprise_id, _number in items:
            demand[problem.enterprise_by_id[enterprise_id].village_id] += 1
        subs.append(_Sub(provider_id, period, dict(demand), _groups(problem, engineers_of[provider_id], period)))
    workers = max(1, workers)
    # Periods of a provider with the same visits due (the usual case: quarterly visits) share one
    # model without the working-day limits, whose solution is used in every one of them it fits
    # (a relaxation: its bound is a bound of each); a period it does not fit gets its own model.
    keys = [_signature(sub) for sub in subs]
    total_weight = float(len({(sub.provider_id, key) for sub, key in zip(subs, keys, strict=True)})) or 1.0
    budget = 0.92 * time_limit_s
    deadline = started + budget
    by_provider: dict[int, list[int]] = defaultdict(list)
    for i, sub in enumerate(subs):
        by_provider[sub.provider_id].append(i)
    spent = [0.0, 0]
    cut: list[_Sub] = []  # models the wall clock ended before their deterministic limit
    models = [0, 0]  # CP-SAT models solved: shared (no day limits), own (a period they did not fit)

    def solve_one(sub: _Sub, previous: _Sub | None, share: float, limit_days: bool) -> None:
        remaining = max(0.05, deadline - time.monotonic())
        wall = min(remaining, remaining * workers * share / max(share, total_weight - spent[0]))
        det_limit = DETERMINISTIC_PER_SECOND * budget * workers * share / total_weight
        _solve_sub(problem, sub, wall_limit=wall, det_limit=det_limit, seed=seed, previous=previous, limit_days=limit_days)

    def run(provider_id: int) -> None:
        shared: dict[tuple[Any, ...], _Sub] = {}
        previous: _Sub | None = None
        for index in by_provider[provider_id]:
            sub = subs[index]
            relaxed = shared.get(keys[index])
            if relaxed is None:
                relaxed = _Sub(sub.provider_id, sub.period, sub.demand, sub.groups)
                solve_one(relaxed, previous, 1.0, limit_days=False)
                if relaxed.clock_cut:
                    cut.append(relaxed)
                shared[keys[index]] = relaxed
                spent[0] += 1.0
                models[0] += 1
            if relaxed.tours and _fits(sub, relaxed):
                sub.status, sub.objective, sub.bound, sub.tours = relaxed.status, relaxed.objective, relaxed.bound, relaxed.tours
            else:
                solve_one(sub, previous, WARM_SHARE, limit_days=True)
                if sub.clock_cut:
                    cut.append(sub)
                models[1] += 1
            previous = sub
            spent[1] += 1
            if progress is not None and spent[1] % max(1, len(subs) // 10) == 0:
                progress(f"sub-models solved: {spent[1]}/{len(subs)} in {time.monotonic() - started:.1f} s")

    with ThreadPoolExecutor(max_workers=workers) as pool:
        list(pool.map(run, sorted(by_provider)))
    solved_at = time.monotonic()
    explanations: list[Explanation] = []
    for sub in subs:
        if sub.status not in ("optimal", "feasible"):
            explanations.append(model_failure(problem, sub.provider_id, sub.period, sum(sub.demand.values()), sub.status))
    if explanations:
        return Solution(status="infeasible", explanations=tuple(explanations), solve_seconds=time.monotonic() - started)
    visits = _expand(problem, subs, explanations)
    objective = sum(s.objective for s in subs)
    bound = sum(s.bound for s in subs)
    elapsed = time.monotonic() - started
    stats = {
        "model_seconds": solved_at - started,
        "expand_seconds": elapsed - (solved_at - started),
        "shared_models": models[0],
        "own_models": models[1],
        "clock_cut_models": len(cut),
    }
    if explanations:
        return Solution(status="infeasible", explanations=tuple(explanations), solve_seconds=elapsed, stats=stats)
    days = {(v.engineer_id, v.day) for v in visits}
    return Solution(
        status="optimal" if all(s.status == "optimal" for s in subs) else "feasible",
        visits=tuple(visits),
        objective=objective,
        bound=bound,
        gap=max(0.0, (objective - bound) / max(1.0, objective)),
        solve_seconds=elapsed,
        travel_minutes=schedule_travel(problem, visits),
        engineer_days=len(days),
        submodels=len(subs),
        stats=stats,
    )


def _expand(problem: Problem, subs: list[_Sub], explanations: list[Explanation]) -> list[Visit]:
    """Step 4 for every provider, period after period (carrying the last visits for the spacing)."""
    last: dict[int, date | None] = {r.enterprise_id: r.last_visit for r in problem.requirements}
    due = due_visits(problem)
    gap = timedelta(days=problem.min_spacing_days)
    visits: list[Visit] = []
    for sub in sorted(subs, key=lambda s: (s.provider_id, s.period)):
        start = problem.period_windows[sub.period][0]
        entries: dict[int, list[tuple[date, int, int]]] = defaultdict(list)
        late = 0
        for enterprise_id, number in due[(sub.provider_id, sub.period)]:
            previous = last.get(enterprise_id)
            release = max(start, previous + gap) if previous is not None else start
            late += release > start
            entries[problem.enterprise_by_id[enterprise_id].village_id].append((release, enterprise_id, number))
        placed: list[Visit] = []
        for spread in (True, False):
            placed, left = _place(problem, sub, _Pools(entries), spread=spread)
            if left == 0:
                break
        else:
            latest = max((r for items in entries.values() for r, _e, _n in items), default=None)
            explanations.append(placement_failure(problem, sub.provider_id, sub.period, left, late, latest))
            continue
        for visit in placed:
            last[visit.enterprise_id] = visit.day
        visits.extend(placed)
    return visits


def schedule_travel(problem: Problem, visits: list[Visit] | tuple[Visit, ...]) -> int:
    """Travel minutes of a schedule: each engineer-day from the base through its visits in start
    order and back."""
    days: dict[tuple[int, date], list[Visit]] = defaultdict(list)
    for visit in visits:
        days[(visit.engineer_id, visit.day)].append(visit)
    total = 0
    for (engineer_id, _day), items in days.items():
        order = tuple(v.village_id for v in sorted(items, key=lambda v: v.start_minute))
        total += route_travel(problem, problem.base_of(problem.engineer_by_id[engineer_id]), order)
    return total

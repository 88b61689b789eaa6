"""Synthetic districts for the bench and the tests: villages on a plane, providers serving mostly
the enterprises near their office, engineers in proportion to their clients; and the greedy
schedule the bench measures the solver against.

Travel minutes are ``ceil(5 + 2 * km)`` (a fixed 5 minutes plus 30 km/h on village roads), which
keeps the triangle inequality. Everything is drawn from ``random.Random(seed)``: same seed, same
district.
"""

from __future__ import annotations

import math
import random
import time
from collections import defaultdict
from datetime import date, timedelta

from safecity.smallbiz.scheduling.data import (
    Engineer,
    Enterprise,
    Explanation,
    Problem,
    Provider,
    Solution,
    Village,
    Visit,
    VisitRequirement,
)
from safecity.smallbiz.scheduling.diagnose import due_visits
from safecity.smallbiz.scheduling.solve import schedule_travel


def sample_holidays(year: int) -> frozenset[date]:
    """A plausible set of public holidays (New Year, a Spring Festival week, Qingming, Labour Day,
    Dragon Boat, the National Day week); an example input, not an official calendar."""
    days = {date(year, 1, 1), date(year, 4, 5), date(year, 5, 1), date(year, 6, 14)}
    days |= {date(year, 2, 6) + timedelta(days=i) for i in range(5)}
    days |= {date(year, 10, 1) + timedelta(days=i) for i in range(7)}
    return frozenset(days)


def synthetic_district(
    *,
    enterprises: int = 10_000,
    providers: int = 50,
    villages: int | None = None,
    seed: int = 0,
    year: int = 2027,
    size_km: float = 40.0,
    visits: int = 4,
    capacity_per_day: int = 6,
    enterprises_per_engineer: int = 70,
    holidays: frozenset[date] | None = None,
    min_spacing_days: int = 45,
) -> Problem:
    """A district of ``enterprises`` enterprises under ``providers`` providers in ``villages``
    villages (default: one per 50 enterprises, at least 4), ``visits`` visits a year each."""
    rng = random.Random(seed)
    n_villages = villages if villages is not None else max(4, enterprises // 50)
    towns = max(1, n_villages // 12)
    centres = [(rng.uniform(0, size_km), rng.uniform(0, size_km)) for _ in range(towns)]
    points: list[tuple[float, float]] = []
    village_list: list[Village] = []
    for i in range(n_villages):
        town = i % towns
        cx, cy = centres[town]
        x = min(size_km, max(0.0, rng.gauss(cx, size_km / 10)))
        y = min(size_km, max(0.0, rng.gauss(cy, size_km / 10)))
        points.append((x, y))
        village_list.append(Village(id=i + 1, name=f"village-{i + 1}", town=f"town-{town + 1}"))
    travel = tuple(
        tuple(0 if i == j else math.ceil(5 + 2 * math.dist(points[i], points[j])) for j in range(n_villages))
        for i in range(n_villages)
    )
    provider_list = [
        Provider(id=p + 1, name=f"provider-{p + 1}", office_village_id=rng.randrange(n_villages) + 1) for p in range(providers)
    ]
    # Every village's enterprises choose among the nearest providers (weights fall with distance).
    near: list[tuple[list[int], list[float]]] = []
    for i in range(n_villages):
        ranked = sorted(provider_list, key=lambda p: (travel[i][p.office_village_id - 1], p.id))[: min(6, providers)]
        near.append(([p.id for p in ranked], [1.0 / (1 + travel[i][p.office_village_id - 1]) ** 2 for p in ranked]))
    enterprise_list: list[Enterprise] = []
    for j in range(enterprises):
        village = rng.randrange(n_villages)
        ids, weights = near[village]
        provider_id = rng.choices(ids, weights=weights)[0]
        enterprise_list.append(Enterprise(id=j + 1, name=f"enterprise-{j + 1}", village_id=village + 1, provider_id=provider_id))
    clients: dict[int, int] = {}
    for e in enterprise_list:
        clients[e.provider_id] = clients.get(e.provider_id, 0) + 1
    hol = sample_holidays(year) if holidays is None else holidays
    year_days = [date(year, 1, 1) + timedelta(days=d) for d in range(365)]
    engineer_list: list[Engineer] = []
    for provider in provider_list:
        count = max(1, math.ceil(clients.get(provider.id, 0) / enterprises_per_engineer))
        for _ in range(count):
            leave_start = rng.randrange(len(year_days) - 14)
            leave = frozenset(year_days[leave_start : leave_start + rng.randint(0, 10)])
            number = len(engineer_list) + 1
            engineer_list.append(
                Engineer(
                    id=number,
                    name=f"engineer-{number}",
                    provider_id=provider.id,
                    capacity_per_day=capacity_per_day,
                    unavailable=leave,
                )
            )
    requirements = tuple(VisitRequirement(enterprise_id=e.id, visits=visits) for e in enterprise_list)
    return Problem(
        villages=tuple(village_list),
        travel=travel,
        providers=tuple(provider_list),
        engineers=tuple(engineer_list),
        enterprises=tuple(enterprise_list),
        requirements=requirements,
        year=year,
        holidays=hol,
        min_spacing_days=min_spacing_days,
    )


def greedy_schedule(problem: Problem) -> Solution:
    """The baseline a planner would do by hand: per provider and period, the due visits sorted by
    village, filled day by day from the period's start into each available engineer's day (by id)
    while capacity, minutes and the spacing allow. No optimisation; used by the bench for a ratio."""
    started = time.monotonic()
    last: dict[int, date | None] = {r.enterprise_id: r.last_visit for r in problem.requirements}
    gap = timedelta(days=problem.min_spacing_days)
    engineers_of: dict[int, list[Engineer]] = defaultdict(list)
    for engineer in problem.engineers:
        engineers_of[engineer.provider_id].append(engineer)
    visits: list[Visit] = []
    explanations: list[Explanation] = []
    for (provider_id, period), items in sorted(due_visits(problem).items()):
        queue = sorted(items, key=lambda item: (problem.enterprise_by_id[item[0]].village_id, item[0]))
        start = problem.period_windows[period][0]
        for day in problem.working_days[period]:
            for engineer in sorted(engineers_of[provider_id], key=lambda e: e.id):
                if not queue:
                    break
                if day in engineer.unavailable:
                    continue
                base = problem.base_of(engineer)
                clock, here, count, rest = 0, base, 0, []
                for position, (enterprise_id, number) in enumerate(queue):
                    if count == engineer.capacity_per_day:
                        rest.extend(queue[position:])
                        break
                    previous = last.get(enterprise_id)
                    village = problem.enterprise_by_id[enterprise_id].village_id
                    arrive = clock + problem.minutes(here, village)
                    fits = arrive + problem.visit_minutes + problem.minutes(village, base) <= problem.day_minutes
                    ready = previous is None or max(start, previous + gap) <= day
                    if fits and ready:
                        visits.append(Visit(enterprise_id, number, day, engineer.id, village, arrive))
                        clock, here, count = arrive + problem.visit_minutes, village, count + 1
                        last[enterprise_id] = day
                    else:
                        rest.append((enterprise_id, number))
                queue = rest
        if queue:
            explanations.append(
                Explanation(
                    f"The greedy plan leaves {len(queue)} visits of {problem.provider_by_id[provider_id].name} "
                    f"without a day in {problem.period_label(period)}.",
                    provider_id,
                    period,
                )
            )
    status = "infeasible" if explanations else "feasible"
    travel = schedule_travel(problem, visits)
    return Solution(
        status=status,
        visits=tuple(visits) if not explanations else (),
        objective=float(travel),
        bound=0.0,
        gap=1.0,
        solve_seconds=time.monotonic() - started,
        explanations=tuple(explanations),
        travel_minutes=travel,
        engineer_days=len({(v.engineer_id, v.day) for v in visits}),
    )

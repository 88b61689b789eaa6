"""Infeasibility explained in plain words before the solver runs, per provider and period.

Each check is a necessary condition of any schedule, so a problem that fails one has none and the
solver is not called. The capacity check is the one that usually fires: a provider's visits due in
a quarter against what its engineers can do in that quarter's working days (their own leave
excluded), at most ``capacity_per_day`` visits a day and no more than fit in the day's minutes after
the shortest round trip from their base to a village with a visit due.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from safecity.smallbiz.scheduling.data import Engineer, Explanation, Problem

Due = dict[tuple[int, int], list[tuple[int, int]]]  # (provider, period) -> [(enterprise id, visit number)]


def due_visits(problem: Problem) -> Due:
    """The visits due in each period for each provider (enterprises of unknown providers skipped)."""
    due: Due = defaultdict(list)
    for req in problem.requirements:
        enterprise = problem.enterprise_by_id.get(req.enterprise_id)
        if enterprise is None:
            continue
        for number in range(req.visits):
            period = problem.period_of(number, req.visits)
            if period < len(problem.period_windows):
                due[(enterprise.provider_id, period)].append((enterprise.id, number))
    return due


def day_capacity(problem: Problem, engineer: Engineer, villages: set[int]) -> int:
    """The most visits ``engineer`` can make in a day to any one of ``villages``."""
    base = problem.base_of(engineer)
    shortest = min((problem.minutes(base, v) + problem.minutes(v, base) for v in villages), default=0)
    by_minutes = (problem.day_minutes - shortest) // max(1, problem.visit_minutes)
    return max(0, min(engineer.capacity_per_day, by_minutes))


def available_days(problem: Problem, engineer: Engineer, period: int) -> tuple[date, ...]:
    return tuple(d for d in problem.working_days[period] if d not in engineer.unavailable)


def precheck(problem: Problem) -> list[Explanation]:
    """Every reason in plain words why no schedule can exist (empty if none is found)."""
    reasons: list[Explanation] = []
    n_periods = len(problem.period_windows)
    villages = problem.village_index
    if len(problem.travel) != len(problem.villages) or any(len(row) != len(problem.villages) for row in problem.travel):
        return [Explanation(f"The travel-time matrix must be {len(problem.villages)} by {len(problem.villages)} minutes.")]
    if problem.visit_minutes > problem.day_minutes:
        reasons.append(
            Explanation(f"A visit takes {problem.visit_minutes} minutes but an engineer's day has only {problem.day_minutes}.")
        )
    for provider in problem.providers:
        if provider.office_village_id not in villages:
            reasons.append(Explanation(f"The office of {provider.name} is in an unknown village.", provider.id))
    for engineer in problem.engineers:
        if engineer.provider_id not in problem.provider_by_id:
            reasons.append(Explanation(f"{engineer.name} works for an unknown provider."))
        elif problem.base_of(engineer) not in villages:
            reasons.append(Explanation(f"{engineer.name} is based in an unknown village.", engineer.provider_id))
    for enterprise in problem.enterprises:
        if enterprise.provider_id not in problem.provider_by_id:
            reasons.append(Explanation(f"{enterprise.name} has no known service provider."))
        if enterprise.village_id not in villages:
            reasons.append(Explanation(f"{enterprise.name} is in an unknown village.", enterprise.provider_id))
    for req in problem.requirements:
        known = problem.enterprise_by_id.get(req.enterprise_id)
        if known is None:
            reasons.append(
                Explanation(f"A visit requirement names enterprise {req.enterprise_id}, which is not in the district.")
            )
        elif req.visits > n_periods:
            reasons.append(
                Explanation(
                    f"{known.name} needs {req.visits} visits a year, more than the {n_periods} planning periods (one visit each).",
                    known.provider_id,
                )
            )
    if reasons:
        return reasons
    reasons.extend(_spacing(problem))
    reasons.extend(_capacity(problem))
    return reasons


def _spacing(problem: Problem) -> list[Explanation]:
    """Visits that cannot be ``min_spacing_days`` apart whatever the days chosen."""
    reasons: list[Explanation] = []
    gap = problem.min_spacing_days
    seen: set[tuple[int, int, int]] = set()
    for req in problem.requirements:
        enterprise = problem.enterprise_by_id[req.enterprise_id]
        periods = [problem.period_of(j, req.visits) for j in range(req.visits)]
        for j, period in enumerate(periods):
            days = problem.working_days[period]
            if not days:
                reasons.append(
                    Explanation(
                        f"{problem.period_label(period)} has no working day, but {enterprise.name} needs a visit in it.",
                        enterprise.provider_id,
                        period,
                    )
                )
                continue
            if j == 0 and req.last_visit is not None and (days[-1] - req.last_visit).days < gap:
                reasons.append(
                    Explanation(
                        f"{enterprise.name} was last visited on {req.last_visit.isoformat()}; the next visit cannot be "
                        f"{gap} days later within {problem.period_label(period)}.",
                        enterprise.provider_id,
                        period,
                    )
                )
            if j > 0 and problem.working_days[periods[j - 1]]:
                earliest = problem.working_days[periods[j - 1]][0]
                key = (periods[j - 1], period, req.visits)
                if (days[-1] - earliest).days < gap and key not in seen:
                    seen.add(key)
                    reasons.append(
                        Explanation(
                            f"Visits in {problem.period_label(periods[j - 1])} and {problem.period_label(period)} cannot be "
                            f"{gap} days apart: the first working day of one and the last of the other are only "
                            f"{(days[-1] - earliest).days} days apart ({enterprise.name} and others).",
                            enterprise.provider_id,
                            period,
                        )
                    )
    return reasons


def _capacity(problem: Problem) -> list[Explanation]:
    """Providers whose engineers cannot make the visits due in a period."""
    reasons: list[Explanation] = []
    engineers_of: dict[int, list[Engineer]] = defaultdict(list)
    for engineer in problem.engineers:
        engineers_of[engineer.provider_id].append(engineer)
    due = due_visits(problem)
    for (provider_id, period), items in sorted(due.items()):
        provider = problem.provider_by_id[provider_id]
        label = problem.period_label(period)
        staff = engineers_of.get(provider_id, [])
        if not staff:
            reasons.append(
                Explanation(
                    f"{provider.name} has no safety engineer, but {len(items)} visits are due in {label}.", provider_id, period
                )
            )
            continue
        villages = {problem.enterprise_by_id[e].village_id for e, _ in items}
        days = sum(len(available_days(problem, eng, period)) for eng in staff)
        have = sum(len(available_days(problem, eng, period)) * day_capacity(problem, eng, villages) for eng in staff)
        if have < len(items):
            per_day = max(day_capacity(problem, eng, villages) for eng in staff)
            reasons.append(
                Explanation(
                    f"{provider.name} lacks capacity in {label}: {len(items)} visits are due, but its "
                    f"{len(staff)} engineer(s) have {days} working days in the period between them, at most {per_day} "
                    f"visits a day, so {have} visits at most (short by {len(items) - have}).",
                    provider_id,
                    period,
                )
            )
    return reasons


def placement_failure(
    problem: Problem, provider_id: int, period: int, unplaced: int, late: int, latest: date | None
) -> Explanation:
    """A period whose visits fit its engineer-days in number but not in time: visits held back by
    the spacing from the enterprises' previous visits."""
    provider = problem.provider_by_id[provider_id]
    if late and latest is not None:
        why = (
            f"{late} of its enterprises cannot be visited before their previous visit plus {problem.min_spacing_days} "
            f"days (the last of them on {latest.isoformat()}), and too few engineer-days are free after that"
        )
    else:
        why = "its engineers' free days are too few"
    return Explanation(
        f"{provider.name} cannot fit every visit into {problem.period_label(period)}: {unplaced} visit(s) find no "
        f"engineer-day; {why}.",
        provider_id,
        period,
    )


def model_failure(problem: Problem, provider_id: int, period: int, visits: int, status: str) -> Explanation:
    """The sub-model of a provider and period gave no schedule within its time."""
    provider = problem.provider_by_id[provider_id]
    if status == "infeasible":
        why = "its engineers' working days cannot hold them once travel between the villages is counted"
    else:
        why = "the solver found no schedule within its time limit"
    return Explanation(
        f"{provider.name} has no schedule for the {visits} visits due in {problem.period_label(period)}: {why}.",
        provider_id,
        period,
    )

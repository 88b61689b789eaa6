"""Infeasibility explained in plain words before the solver runs, per provider and period.

Each check is a necessary condition of any schedule, so a problem that fails one has none and the
solver is not called. The capacity check is the one that usually fires: a provider's visits due in
a quarter against what its engineers can do in that quarter's working days (their own leave
excluded), at most ``capacity_per_day`` visits a day and no more than fit in the day's minutes after
the shortest round trip from their base to a village with a visit due.

Every explanation has a ``code`` (``EXPLANATION_CODES``) and ``params`` with the names
``EXPLANATION_PARAMS`` gives, so a caller can word it in the user's language; its English
``message`` stays for the bench and the logs.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from safecity.smallbiz.scheduling.data import Engineer, Explanation, ParamValue, Problem

# The params of each code. A period is two params, ``<name>_start`` and ``<name>_end`` (ISO dates);
# ``*_on`` are ISO dates; provider, engineer and enterprise are names; the rest are whole numbers.
EXPLANATION_PARAMS: dict[str, tuple[str, ...]] = {
    "travel_matrix_size": ("villages",),
    "visit_longer_than_day": ("visit_minutes", "day_minutes"),
    "office_unknown_village": ("provider",),
    "engineer_unknown_provider": ("engineer",),
    "engineer_unknown_village": ("engineer",),
    "enterprise_unknown_provider": ("enterprise",),
    "enterprise_unknown_village": ("enterprise",),
    "requirement_unknown_enterprise": ("enterprise_id",),
    "too_many_visits": ("enterprise", "visits", "periods"),
    "no_working_day": ("enterprise", "period_start", "period_end"),
    "spacing_after_last_visit": ("enterprise", "last_visit_on", "gap", "period_start", "period_end"),
    "spacing_window": ("enterprise", "gap", "days", "first_start", "first_end", "period_start", "period_end"),
    "no_engineer": ("provider", "due", "period_start", "period_end"),
    "lacks_capacity": ("provider", "due", "engineers", "days", "per_day", "have", "short", "period_start", "period_end"),
    "placement_late": ("provider", "unplaced", "late", "gap", "latest_on", "period_start", "period_end"),
    "placement_no_days": ("provider", "unplaced", "period_start", "period_end"),
    "model_infeasible": ("provider", "visits", "period_start", "period_end"),
    "model_no_solution": ("provider", "visits", "period_start", "period_end"),
}
EXPLANATION_CODES: tuple[str, ...] = tuple(EXPLANATION_PARAMS)


def explain(
    problem: Problem,
    code: str,
    message: str,
    provider_id: int | None = None,
    period: int | None = None,
    **params: ParamValue,
) -> Explanation:
    """An explanation with its code and params; ``period`` adds ``period_start`` and ``period_end``.
    A code's params are checked here so that a caller's wording never misses one."""
    values = dict(params)
    if period is not None:
        values.update(window_params(problem, period, "period"))
    names = EXPLANATION_PARAMS.get(code)
    if names is None or set(values) != set(names):
        raise ValueError(f"explanation {code!r} takes {names}, not {tuple(values)}")
    return Explanation(message, provider_id, period, code, values)


def window_params(problem: Problem, period: int, name: str) -> dict[str, ParamValue]:
    """A period as the ISO dates of its first and last day (``<name>_start``, ``<name>_end``)."""
    start, end = problem.period_windows[period]
    return {f"{name}_start": start.isoformat(), f"{name}_end": end.isoformat()}


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
        n = len(problem.villages)
        return [explain(problem, "travel_matrix_size", f"The travel-time matrix must be {n} by {n} minutes.", villages=n)]
    if problem.visit_minutes > problem.day_minutes:
        reasons.append(
            explain(
                problem,
                "visit_longer_than_day",
                f"A visit takes {problem.visit_minutes} minutes but an engineer's day has only {problem.day_minutes}.",
                visit_minutes=problem.visit_minutes,
                day_minutes=problem.day_minutes,
            )
        )
    for provider in problem.providers:
        if provider.office_village_id not in villages:
            reasons.append(
                explain(
                    problem,
                    "office_unknown_village",
                    f"The office of {provider.name} is in an unknown village.",
                    provider.id,
                    provider=provider.name,
                )
            )
    for engineer in problem.engineers:
        if engineer.provider_id not in problem.provider_by_id:
            reasons.append(
                explain(
                    problem,
                    "engineer_unknown_provider",
                    f"{engineer.name} works for an unknown provider.",
                    engineer=engineer.name,
                )
            )
        elif problem.base_of(engineer) not in villages:
            reasons.append(
                explain(
                    problem,
                    "engineer_unknown_village",
                    f"{engineer.name} is based in an unknown village.",
                    engineer.provider_id,
                    engineer=engineer.name,
                )
            )
    for enterprise in problem.enterprises:
        if enterprise.provider_id not in problem.provider_by_id:
            reasons.append(
                explain(
                    problem,
                    "enterprise_unknown_provider",
                    f"{enterprise.name} has no known service provider.",
                    enterprise=enterprise.name,
                )
            )
        if enterprise.village_id not in villages:
            reasons.append(
                explain(
                    problem,
                    "enterprise_unknown_village",
                    f"{enterprise.name} is in an unknown village.",
                    enterprise.provider_id,
                    enterprise=enterprise.name,
                )
            )
    for req in problem.requirements:
        known = problem.enterprise_by_id.get(req.enterprise_id)
        if known is None:
            reasons.append(
                explain(
                    problem,
                    "requirement_unknown_enterprise",
                    f"A visit requirement names enterprise {req.enterprise_id}, which is not in the district.",
                    enterprise_id=req.enterprise_id,
                )
            )
        elif req.visits > n_periods:
            reasons.append(
                explain(
                    problem,
                    "too_many_visits",
                    f"{known.name} needs {req.visits} visits a year, more than the {n_periods} planning periods (one visit each).",
                    known.provider_id,
                    enterprise=known.name,
                    visits=req.visits,
                    periods=n_periods,
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
                    explain(
                        problem,
                        "no_working_day",
                        f"{problem.period_label(period)} has no working day, but {enterprise.name} needs a visit in it.",
                        enterprise.provider_id,
                        period,
                        enterprise=enterprise.name,
                    )
                )
                continue
            if j == 0 and req.last_visit is not None and (days[-1] - req.last_visit).days < gap:
                reasons.append(
                    explain(
                        problem,
                        "spacing_after_last_visit",
                        f"{enterprise.name} was last visited on {req.last_visit.isoformat()}; the next visit cannot be "
                        f"{gap} days later within {problem.period_label(period)}.",
                        enterprise.provider_id,
                        period,
                        enterprise=enterprise.name,
                        last_visit_on=req.last_visit.isoformat(),
                        gap=gap,
                    )
                )
            if j > 0 and problem.working_days[periods[j - 1]]:
                earliest = problem.working_days[periods[j - 1]][0]
                key = (periods[j - 1], period, req.visits)
                if (days[-1] - earliest).days < gap and key not in seen:
                    seen.add(key)
                    reasons.append(
                        explain(
                            problem,
                            "spacing_window",
                            f"Visits in {problem.period_label(periods[j - 1])} and {problem.period_label(period)} cannot be "
                            f"{gap} days apart: the first working day of one and the last of the other are only "
                            f"{(days[-1] - earliest).days} days apart ({enterprise.name} and others).",
                            enterprise.provider_id,
                            period,
                            enterprise=enterprise.name,
                            gap=gap,
                            days=(days[-1] - earliest).days,
                            **window_params(problem, periods[j - 1], "first"),
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
                explain(
                    problem,
                    "no_engineer",
                    f"{provider.name} has no safety engineer, but {len(items)} visits are due in {label}.",
                    provider_id,
                    period,
                    provider=provider.name,
                    due=len(items),
                )
            )
            continue
        villages = {problem.enterprise_by_id[e].village_id for e, _ in items}
        days = sum(len(available_days(problem, eng, period)) for eng in staff)
        have = sum(len(available_days(problem, eng, period)) * day_capacity(problem, eng, villages) for eng in staff)
        if have < len(items):
            per_day = max(day_capacity(problem, eng, villages) for eng in staff)
            reasons.append(
                explain(
                    problem,
                    "lacks_capacity",
                    f"{provider.name} lacks capacity in {label}: {len(items)} visits are due, but its "
                    f"{len(staff)} engineer(s) have {days} working days in the period between them, at most {per_day} "
                    f"visits a day, so {have} visits at most (short by {len(items) - have}).",
                    provider_id,
                    period,
                    provider=provider.name,
                    due=len(items),
                    engineers=len(staff),
                    days=days,
                    per_day=per_day,
                    have=have,
                    short=len(items) - have,
                )
            )
    return reasons


def placement_failure(
    problem: Problem, provider_id: int, period: int, unplaced: int, late: int, latest: date | None
) -> Explanation:
    """A period whose visits fit its engineer-days in number but not in time: visits held back by
    the spacing from the enterprises' previous visits."""
    provider = problem.provider_by_id[provider_id]
    message = (
        f"{provider.name} cannot fit every visit into {problem.period_label(period)}: {unplaced} visit(s) find no engineer-day; "
    )
    if late and latest is not None:
        why = (
            f"{late} of its enterprises cannot be visited before their previous visit plus {problem.min_spacing_days} "
            f"days (the last of them on {latest.isoformat()}), and too few engineer-days are free after that"
        )
        return explain(
            problem,
            "placement_late",
            f"{message}{why}.",
            provider_id,
            period,
            provider=provider.name,
            unplaced=unplaced,
            late=late,
            gap=problem.min_spacing_days,
            latest_on=latest.isoformat(),
        )
    why = "its engineers' free days are too few"
    return explain(
        problem, "placement_no_days", f"{message}{why}.", provider_id, period, provider=provider.name, unplaced=unplaced
    )


def model_failure(problem: Problem, provider_id: int, period: int, visits: int, status: str) -> Explanation:
    """The sub-model of a provider and period gave no schedule within its time."""
    provider = problem.provider_by_id[provider_id]
    if status == "infeasible":
        code, why = "model_infeasible", "its engineers' working days cannot hold them once travel between the villages is counted"
    else:
        code, why = "model_no_solution", "the solver found no schedule within its time limit"
    return explain(
        problem,
        code,
        f"{provider.name} has no schedule for the {visits} visits due in {problem.period_label(period)}: {why}.",
        provider_id,
        period,
        provider=provider.name,
        visits=visits,
    )

"""An independent check of a visit schedule against every rule, written without the solver's code.

Returns the broken rules in plain words (empty for a valid schedule): every required visit made
once, in its period, by an engineer of the enterprise's provider, in the enterprise's village, on a
working day of the period that is not a holiday nor the engineer's leave; at most
``capacity_per_day`` visits per engineer-day; consecutive visits to an enterprise at least
``min_spacing_days`` apart (the first one from the previous year's last visit too); and each
engineer-day's timetable fits the day: leaving the base at minute 0, travelling between villages in
the order of the visits' start minutes, no visit before the engineer can arrive, and back at the
base by ``day_minutes``. Linear in the size of the schedule.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from safecity.smallbiz.scheduling.data import Problem, Solution, Visit

MAX_MESSAGES = 50


def validate_schedule(problem: Problem, visits: tuple[Visit, ...] | list[Visit]) -> list[str]:
    """Every rule ``visits`` break, in plain words (at most ``MAX_MESSAGES`` of them)."""
    problems: list[str] = []
    enterprises = {e.id: e for e in problem.enterprises}
    engineers = {e.id: e for e in problem.engineers}
    offices = {p.id: p.office_village_id for p in problem.providers}
    villages = {v.id: i for i, v in enumerate(problem.villages)}
    windows = problem.periods or _quarters(problem.year)

    def minutes(a: int, b: int) -> int:
        return problem.travel[villages[a]][villages[b]]

    by_enterprise: dict[int, list[Visit]] = defaultdict(list)
    by_day: dict[tuple[int, date], list[Visit]] = defaultdict(list)
    for visit in visits:
        enterprise = enterprises.get(visit.enterprise_id)
        engineer = engineers.get(visit.engineer_id)
        if enterprise is None or engineer is None:
            problems.append(f"A visit names an unknown enterprise ({visit.enterprise_id}) or engineer ({visit.engineer_id}).")
            continue
        by_enterprise[enterprise.id].append(visit)
        by_day[(engineer.id, visit.day)].append(visit)
        where = f"{enterprise.name} on {visit.day.isoformat()}"
        if engineer.provider_id != enterprise.provider_id:
            problems.append(f"{engineer.name} visits {where} but does not work for its provider.")
        if visit.village_id != enterprise.village_id or visit.village_id not in villages:
            problems.append(f"The visit to {where} is recorded in the wrong village.")
        if visit.day.weekday() >= 5 and visit.day not in problem.workdays:
            problems.append(f"The visit to {where} falls on a weekend.")
        if visit.day in problem.holidays:
            problems.append(f"The visit to {where} falls on a holiday.")
        if visit.day in engineer.unavailable:
            problems.append(f"{engineer.name} is on leave on {visit.day.isoformat()} but visits {enterprise.name}.")
    for req in problem.requirements:
        enterprise = enterprises.get(req.enterprise_id)
        if enterprise is None:
            continue
        made = sorted(by_enterprise.get(req.enterprise_id, []), key=lambda v: (v.day, v.number))
        numbers = sorted(v.number for v in made)
        if numbers != list(range(req.visits)):
            problems.append(f"{enterprise.name} needs visits 1 to {req.visits} once each; the schedule has {len(made)}.")
        for visit in made:
            if 0 <= visit.number < req.visits:
                start, end = windows[visit.number * len(windows) // req.visits]
                if not start <= visit.day <= end:
                    problems.append(f"Visit {visit.number + 1} to {enterprise.name} is outside its period ({visit.day}).")
        previous = req.last_visit
        for visit in made:
            if previous is not None and (visit.day - previous).days < problem.min_spacing_days:
                problems.append(
                    f"{enterprise.name} is visited on {previous.isoformat()} and {visit.day.isoformat()}, "
                    f"less than {problem.min_spacing_days} days apart."
                )
            previous = visit.day
    for (engineer_id, day), items in sorted(by_day.items()):
        engineer = engineers[engineer_id]
        when = f"{engineer.name} on {day.isoformat()}"
        if len(items) > engineer.capacity_per_day:
            problems.append(f"{when} has {len(items)} visits; the capacity is {engineer.capacity_per_day} a day.")
        base = engineer.home_village_id if engineer.home_village_id is not None else offices.get(engineer.provider_id)
        if base is None or base not in villages:
            problems.append(f"{engineer.name} has no known base village, so the day's travel cannot be checked.")
            continue
        here, free_at = base, 0
        for visit in sorted(items, key=lambda v: (v.start_minute, v.enterprise_id)):
            if visit.village_id not in villages:
                continue  # reported above
            arrive = free_at + minutes(here, visit.village_id)
            if visit.start_minute < arrive:
                problems.append(
                    f"{when} cannot start the visit to {enterprises[visit.enterprise_id].name} at minute "
                    f"{visit.start_minute}: the earliest arrival is minute {arrive}."
                )
            here, free_at = visit.village_id, max(arrive, visit.start_minute) + problem.visit_minutes
        back = free_at + minutes(here, base)
        if back > problem.day_minutes:
            problems.append(f"{when} needs {back} minutes with travel; the day has {problem.day_minutes}.")
        if len(problems) >= MAX_MESSAGES:
            break
    return problems[:MAX_MESSAGES]


def validate_solution(problem: Problem, solution: Solution) -> list[str]:
    """``validate_schedule`` of a solution's visits (a solution without visits fails unless nothing
    is required)."""
    return validate_schedule(problem, solution.visits)


def _quarters(year: int) -> tuple[tuple[date, date], ...]:
    ends = [date(year, 3, 31), date(year, 6, 30), date(year, 9, 30), date(year, 12, 31)]
    starts = [date(year, 1, 1), date(year, 4, 1), date(year, 7, 1), date(year, 10, 1)]
    return tuple(zip(starts, ends, strict=True))

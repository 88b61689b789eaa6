"""The visit plan of a group-purchase contract (issue 16 §3: schedules "produced by CP-SAT with
engineer capacity per day and travel between villages"): who visits which enterprise on which
working day, computed by the pure scheduler (``safecity.smallbiz.scheduling``) from the records.

**What is planned.** The contract's visits still *scheduled* and due on or after ``from_day``
(today for a re-plan, e.g. after an engineer leaves; the contract's first day when its schedule is
made). Each visit is planned in its *window*: from the day after the previous due date (the
contract's first day for the first visit) to its own due date, and never before ``from_day``. The
deadline stays ``due_on``; ``planned_on`` is the engineer's working day (``safecity.core.calendar``:
Monday to Friday less the public holidays, plus the weekend days worked instead).

**The problem, per calendar year.** The windows whose due date falls in one year form one
:class:`~safecity.smallbiz.scheduling.data.Problem` (one period per window); when the enterprises
to visit differ between windows (some visits of the current window already signed), the year is
cut into runs of windows with the same enterprises, solved in order. Engineers: the provider's
full-time registered safety engineers, ``SAFECITY_SMALLBIZ_VISITS_PER_DAY`` visits a day each, their
days starting and ending at the provider's office. Spacing: consecutive visits to an enterprise
at least half the shortest window apart, counted from its last visit before the run (signed,
or planned by the previous run); a previous visit signed so late that the spacing would push the
next one out of its window only pushes it to its window's last working day.

**Travel is an estimate**, not a road network: a village is where its enterprises are on average
(the mean latitude/longitude of the contract's enterprises in it, from ``core.Organisation``); a
village with no position, and an office with none, is put at the street's mean (all the contract's
enterprises with a position); when no enterprise has one there is no estimate and no plan. Minutes between two places = 10 (parking, walking in) + the road
distance, taken as 1.3 times the great-circle distance, at ``SAFECITY_SMALLBIZ_TRAVEL_KMH`` (30).

**Result.** Solved with ``visit_schedule_solve`` within ``SAFECITY_SMALLBIZ_PLAN_SECONDS`` (for all
the years together), checked by the independent validator, then every planned visit's ``engineer``
and ``planned_on`` written at once. If any year has no plan, nothing of the plan is written: the
visits keep the even schedule (engineer by village) and the report gives the scheduler's reasons
in words; visits of an engineer who no longer counts go to the engineer dealt their village.
The report compares the plan's travel with the naive dealing (villages dealt round the engineers,
each engineer's visits of a window in village order, ``VISITS_PER_DAY`` a day).

**Words.** The scheduler's reasons come with a code and plain params (``scheduling.diagnose``); the
report words them in the user's language (:func:`explanation_text`), periods as their first and
last day.
"""

from __future__ import annotations

import math
import time
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from safecity.core.calendar import WorkingCalendar, working_calendar
from safecity.core.scoping import principal_for
from safecity.smallbiz.choices import ContractState, VisitState
from safecity.smallbiz.models import IN_SERVICE, REGULATOR_ROLES, STREET_ROLES, Contract, ProviderEngineer, Visit
from safecity.smallbiz.scheduling import data as sched
from safecity.smallbiz.scheduling.solve import route_travel, visit_schedule_solve
from safecity.smallbiz.scheduling.validate import validate_solution
from safecity.smallbiz.services.common import SmallbizError, is_platform, require_change, require_roles, today

# Who may (re)plan a contract's visits: as for putting it in force.
PLAN_ROLES = REGULATOR_ROLES | STREET_ROLES
OFFICE = 0  # the provider's office in the travel matrix (village ids are region pks, from 1)
ROAD_FACTOR = 1.3  # road distance / great-circle distance on village roads
MOVE_MINUTES = 10  # fixed minutes per move between two places
EARTH_KM = 6371.0


@dataclass(frozen=True)
class PlanReport:
    """What a plan did. ``status``: "optimal", "feasible" (a plan, maybe not the best), "infeasible"
    (no plan: the even schedule stays, ``explanations`` say why) or "empty" (nothing to plan).
    Travel minutes and engineer-days of the plan and of the naive dealing over the same visits."""

    status: str
    visits: int = 0
    gap: float = 0.0
    travel_minutes: int = 0
    naive_travel_minutes: int = 0
    engineer_days: int = 0
    naive_engineer_days: int = 0
    seconds: float = 0.0
    explanations: tuple[str, ...] = ()


# One sentence per code of ``scheduling.diagnose.EXPLANATION_CODES``, with the code's params; a
# period ``<name>_start``/``<name>_end`` is the placeholder ``%(<name>)s`` ("first day to last day").
EXPLANATION_WORDS: dict[str, str] = {
    "travel_matrix_size": gettext_noop("The travel-time matrix must be %(villages)d by %(villages)d minutes."),
    "visit_longer_than_day": gettext_noop(
        "A visit takes %(visit_minutes)d minutes but an engineer's day has only %(day_minutes)d."
    ),
    "office_unknown_village": gettext_noop("The office of %(provider)s is in an unknown village."),
    "engineer_unknown_provider": gettext_noop("%(engineer)s works for an unknown provider."),
    "engineer_unknown_village": gettext_noop("%(engineer)s is based in an unknown village."),
    "enterprise_unknown_provider": gettext_noop("%(enterprise)s has no known service provider."),
    "enterprise_unknown_village": gettext_noop("%(enterprise)s is in an unknown village."),
    "requirement_unknown_enterprise": gettext_noop(
        "A visit requirement names enterprise %(enterprise_id)d, which is not in the district."
    ),
    "too_many_visits": gettext_noop(
        "%(enterprise)s needs %(visits)d visits a year, more than the %(periods)d planning periods (one visit each)."
    ),
    "no_working_day": gettext_noop("The period %(period)s has no working day, but %(enterprise)s needs a visit in it."),
    "spacing_after_last_visit": gettext_noop(
        "%(enterprise)s was last visited on %(last_visit_on)s; the next visit cannot be %(gap)d days later within %(period)s."
    ),
    "spacing_window": gettext_noop(
        "Visits in %(first)s and %(period)s cannot be %(gap)d days apart: the first working day of one and the "
        "last of the other are only %(days)d days apart (%(enterprise)s and others)."
    ),
    "no_engineer": gettext_noop("%(provider)s has no safety engineer, but %(due)d visits are due in %(period)s."),
    "lacks_capacity": gettext_noop(
        "%(provider)s lacks capacity in %(period)s: %(due)d visits are due, but its %(engineers)d engineer(s) have "
        "%(days)d working days in the period between them, at most %(per_day)d visits a day, so %(have)d visits at "
        "most (short by %(short)d)."
    ),
    "placement_late": gettext_noop(
        "%(provider)s cannot fit every visit into %(period)s: %(unplaced)d visit(s) find no engineer-day; %(late)d "
        "of its enterprises cannot be visited before their previous visit plus %(gap)d days (the last of them on "
        "%(latest_on)s), and too few engineer-days are free after that."
    ),
    "placement_no_days": gettext_noop(
        "%(provider)s cannot fit every visit into %(period)s: %(unplaced)d visit(s) find no engineer-day; its "
        "engineers' free days are too few."
    ),
    "model_infeasible": gettext_noop(
        "%(provider)s has no schedule for the %(visits)d visits due in %(period)s: its engineers' working days "
        "cannot hold them once travel between the villages is counted."
    ),
    "model_no_solution": gettext_noop(
        "%(provider)s has no schedule for the %(visits)d visits due in %(period)s: the solver found no schedule "
        "within its time limit."
    ),
}


def explanation_text(explanation: sched.Explanation) -> str:
    """A scheduler explanation in the active language, from its code and params; its English
    message when the code has no sentence here (or its params do not fit the sentence), so a new
    reason shows in English rather than not at all."""
    template = EXPLANATION_WORDS.get(explanation.code)
    if template is None:
        return explanation.message
    values: dict[str, Any] = dict(explanation.params)
    for key, start in explanation.params.items():
        name = key.removesuffix("_start")
        if name != key and f"{name}_end" in explanation.params:
            values[name] = _("%(start)s to %(end)s") % {"start": start, "end": explanation.params[f"{name}_end"]}
    try:
        return _(template) % values
    except (KeyError, TypeError, ValueError):
        return explanation.message


def contract_plan_allowed(user: Any) -> bool:
    """Whether ``user`` holds a role that may plan some contract (the API refuses others with 403
    before looking the contract up)."""
    principal = principal_for(user)
    return principal.is_superuser or bool(principal.roles & PLAN_ROLES)


def _haversine_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_KM * math.asin(min(1.0, math.sqrt(h)))


def travel_minutes(a: tuple[float, float], b: tuple[float, float], kmh: float) -> int:
    """Estimated minutes from ``a`` to ``b`` (latitude, longitude): the module's travel model."""
    return math.ceil(MOVE_MINUTES + ROAD_FACTOR * _haversine_km(a, b) / max(1.0, kmh) * 60)


def _mean(points: list[tuple[float, float]]) -> tuple[float, float] | None:
    if not points:
        return None
    return (sum(p[0] for p in points) / len(points), sum(p[1] for p in points) / len(points))


@dataclass
class _Place:
    villages: tuple[sched.Village, ...]
    travel: tuple[tuple[int, ...], ...]
    code: dict[int, str]  # village id -> division code (the dealing's order)


def _places(contract: Contract, visits: list[Visit]) -> _Place | None:
    """The villages of the enterprises and the provider's office, with the travel estimate; None
    when no enterprise has a position (no street mean: travel cannot be estimated)."""
    points: dict[int, list[tuple[float, float]]] = defaultdict(list)
    names: dict[int, tuple[str, str]] = {}
    seen: set[int] = set()
    for visit in visits:
        org = visit.enterprise.organisation
        names[org.region_id] = (org.region.name, org.region.code)
        if visit.enterprise_id in seen:
            continue
        seen.add(visit.enterprise_id)
        if org.latitude is not None and org.longitude is not None:
            points[org.region_id].append((float(org.latitude), float(org.longitude)))
    street = _mean([p for ps in points.values() for p in ps])
    if street is None:
        return None
    office_org = contract.provider.organisation
    office = (
        (float(office_org.latitude), float(office_org.longitude))
        if office_org.latitude is not None and office_org.longitude is not None
        else street
    )
    ids = sorted(names)
    where = [office] + [_mean(points.get(v, [])) or street for v in ids]
    kmh = float(settings.SAFECITY_SMALLBIZ_TRAVEL_KMH)
    matrix = tuple(tuple(0 if i == j else travel_minutes(a, b, kmh) for j, b in enumerate(where)) for i, a in enumerate(where))
    villages = (sched.Village(id=OFFICE, name=_("office")), *(sched.Village(id=v, name=names[v][0]) for v in ids))
    return _Place(villages=villages, travel=matrix, code={v: names[v][1] for v in ids})


def _working_days(start: date, end: date, calendar: WorkingCalendar) -> tuple[date, ...]:
    return calendar.working_days(start, end)


@dataclass
class _Run:
    """Consecutive windows of one year with the same enterprises to visit: one scheduler Problem."""

    windows: list[tuple[date, date]]
    visits: list[list[Visit]]  # per window, one visit per enterprise


def _runs(
    contract: Contract, visits: list[Visit], from_day: date, calendar: WorkingCalendar
) -> tuple[list[_Run], int, list[Visit]]:
    """Cut the visits to plan into runs; returns the runs, the spacing (days) and the visits left out
    (their window has no working day left)."""
    dues = sorted(set(Visit.objects.filter(contract=contract).values_list("due_on", flat=True)))
    bounds: dict[date, tuple[date, date]] = {}
    previous = contract.starts_on - timedelta(days=1)
    for due in dues:
        bounds[due] = (previous + timedelta(days=1), due)
        previous = due
    spacing = max(1, min(((end - start).days + 1 for start, end in bounds.values()), default=2) // 2)
    by_due: dict[date, dict[int, Visit]] = defaultdict(dict)
    left_out: list[Visit] = []
    for visit in visits:
        start, end = bounds[visit.due_on]
        if not _working_days(max(start, from_day), end, calendar) or visit.enterprise_id in by_due[visit.due_on]:
            left_out.append(visit)
        else:
            by_due[visit.due_on][visit.enterprise_id] = visit
    runs: list[_Run] = []
    for due in sorted(d for d in by_due if by_due[d]):
        start, end = bounds[due]
        window = (max(start, from_day), end)
        items = [by_due[due][e] for e in sorted(by_due[due])]
        last = runs[-1] if runs else None
        if (
            last is not None
            and last.windows[-1][1].year == due.year
            and {v.enterprise_id for v in last.visits[-1]} == set(by_due[due])
        ):
            last.windows.append(window)
            last.visits.append(items)
        else:
            runs.append(_Run(windows=[window], visits=[items]))
    return runs, spacing, left_out


def _to_plan(contract: Contract, from_day: date) -> Any:
    return Visit.objects.filter(contract=contract, state=VisitState.SCHEDULED, due_on__gte=from_day)


def _last_visits(contract: Contract, from_day: date) -> dict[int, date]:
    """Each enterprise's latest visit outside the plan: signed (its day) or planned and kept."""
    last: dict[int, date] = {}
    rows = (
        Visit.objects.filter(contract=contract)
        .exclude(state=VisitState.SCHEDULED, due_on__gte=from_day)
        .exclude(state=VisitState.CANCELLED)
    )
    for enterprise_id, done_at, planned_on in rows.values_list("enterprise_id", "done_at", "planned_on"):
        day = timezone.localdate(done_at) if done_at is not None else planned_on
        if day is not None and (enterprise_id not in last or day > last[enterprise_id]):
            last[enterprise_id] = day
    return last


def _problem(
    contract: Contract,
    run: _Run,
    place: _Place,
    engineers: list[ProviderEngineer],
    spacing: int,
    last: dict[int, date],
    calendar: WorkingCalendar,
) -> sched.Problem:
    provider = contract.provider
    first = run.visits[0]
    # A previous visit so late that the spacing would push the next one out of its window only
    # pushes it to the window's last working day.
    latest = _working_days(*run.windows[0], calendar)[-1] - timedelta(days=spacing)
    capacity = int(settings.SAFECITY_SMALLBIZ_VISITS_PER_DAY)
    return sched.Problem(
        villages=place.villages,
        travel=place.travel,
        providers=(sched.Provider(id=provider.pk, name=str(provider), office_village_id=OFFICE),),
        engineers=tuple(
            sched.Engineer(id=e.pk, name=str(e.person), provider_id=provider.pk, capacity_per_day=capacity) for e in engineers
        ),
        enterprises=tuple(
            sched.Enterprise(
                id=v.enterprise_id,
                name=str(v.enterprise),
                village_id=v.enterprise.organisation.region_id,
                provider_id=provider.pk,
            )
            for v in first
        ),
        requirements=tuple(
            sched.VisitRequirement(
                enterprise_id=v.enterprise_id,
                visits=len(run.windows),
                last_visit=min(last[v.enterprise_id], latest) if v.enterprise_id in last else None,
            )
            for v in first
        ),
        year=run.windows[-1][1].year,
        periods=tuple(run.windows),
        holidays=calendar.holidays,
        workdays=calendar.workdays,
        min_spacing_days=spacing,
    )


def _dealing(place: _Place, engineers: list[ProviderEngineer]) -> dict[int, ProviderEngineer]:
    """The naive dealing: villages in code order round the engineers in pk order."""
    villages = sorted(place.code, key=lambda v: place.code[v])
    return {v: engineers[i % len(engineers)] for i, v in enumerate(villages)}


def _naive(problem: sched.Problem, run: _Run, dealt: dict[int, ProviderEngineer], place: _Place) -> tuple[int, int]:
    """Travel minutes and engineer-days of the naive dealing over a run's visits."""
    capacity = int(settings.SAFECITY_SMALLBIZ_VISITS_PER_DAY)
    travel = days = 0
    for items in run.visits:
        by_engineer: dict[int, list[int]] = defaultdict(list)
        ordered = sorted(items, key=lambda v: (place.code[v.enterprise.organisation.region_id], str(v.enterprise), v.pk))
        for visit in ordered:
            village = visit.enterprise.organisation.region_id
            by_engineer[dealt[village].pk].append(village)
        for stops in by_engineer.values():
            for k in range(0, len(stops), capacity):
                travel += route_travel(problem, OFFICE, tuple(stops[k : k + capacity]))
                days += 1
    return travel, days


def _lock(contract: Contract) -> Contract:
    return Contract.objects.select_for_update().select_related("provider__organisation").get(pk=contract.pk)


@transaction.atomic
def contract_visits_plan(
    *, actor: Any, contract: Contract, time_limit_s: float | None = None, from_day: date | None = None
) -> PlanReport:
    """Plan (or re-plan) the scheduled visits of a contract in force due on or after ``from_day``
    (default today) with the CP-SAT scheduler, as the module docstring describes; all or nothing.

    Who: the district, the city and the contract's street (as for putting it in force), or the
    platform. ``time_limit_s`` (default ``SAFECITY_SMALLBIZ_PLAN_SECONDS``) bounds the solver time
    of all the years together. Refused (409) for a contract not in force.
    """
    started = time.monotonic()
    contract = _lock(contract)
    if not is_platform(actor):
        require_change(actor, contract)
        require_roles(actor, contract, PLAN_ROLES)
    if contract.state != ContractState.ACTIVE:
        raise SmallbizError(_("Only the visits of a contract in force are planned."), code="transition_not_allowed")
    from_day = from_day or today()
    engineers = list(
        ProviderEngineer.objects.filter(IN_SERVICE, provider_id=contract.provider_id, registered=True, full_time=True)
        .select_related("person")
        .order_by("pk")
    )
    visits = list(
        _to_plan(contract, from_day)
        .select_related("enterprise__organisation__region", "engineer")
        .order_by("due_on", "enterprise_id", "pk")
    )
    if not visits:
        return PlanReport(status="empty", seconds=time.monotonic() - started)
    if not engineers:
        return PlanReport(
            status="infeasible",
            seconds=time.monotonic() - started,
            explanations=(_("The provider has no full-time registered safety engineer to do the visits."),),
        )
    place = _places(contract, visits)
    if place is None:
        return PlanReport(
            status="infeasible",
            seconds=time.monotonic() - started,
            explanations=(
                _(
                    "None of the contract's enterprises has a position (latitude and longitude): travel between "
                    "villages cannot be estimated, so the visits keep the even schedule."
                ),
            ),
        )
    calendar = working_calendar()
    runs, spacing, left_out = _runs(contract, visits, from_day, calendar)
    last = _last_visits(contract, from_day)
    dealt = _dealing(place, engineers)
    budget = float(time_limit_s if time_limit_s is not None else settings.SAFECITY_SMALLBIZ_PLAN_SECONDS)
    deadline = started + budget
    explanations: list[str] = []
    if left_out:
        explanations.append(
            _("%(n)d visit(s) have no working day left before their due date; they keep their engineer and day.")
            % {"n": len(left_out)}
        )
    writes: list[Visit] = []
    objective = bound = 0.0
    travel = naive_travel = days = naive_days = 0
    optimal, failed = True, False
    for k, run in enumerate(runs):
        problem = _problem(contract, run, place, engineers, spacing, last, calendar)
        share = max(0.5, (deadline - time.monotonic()) / (len(runs) - k))
        solution = visit_schedule_solve(problem, time_limit_s=share, workers=1, seed=contract.pk)
        if not solution.feasible:
            failed = True
            explanations.extend(explanation_text(e) for e in solution.explanations)
            continue
        broken = validate_solution(problem, solution)
        if broken:
            failed = True
            explanations.extend(_("The plan breaks a rule: %(rule)s") % {"rule": rule} for rule in broken)
            continue
        optimal = optimal and solution.status == "optimal"
        objective, bound = objective + solution.objective, bound + solution.bound
        travel, days = travel + solution.travel_minutes, days + solution.engineer_days
        run_naive = _naive(problem, run, dealt, place)
        naive_travel, naive_days = naive_travel + run_naive[0], naive_days + run_naive[1]
        by_key = {(v.enterprise_id, j): v for j, items in enumerate(run.visits) for v in items}
        engineer_by_id = {e.pk: e for e in engineers}
        for planned in solution.visits:
            record = by_key[(planned.enterprise_id, planned.number)]
            record.engineer = engineer_by_id[planned.engineer_id]
            record.planned_on = planned.day
            writes.append(record)
            if planned.enterprise_id not in last or planned.day > last[planned.enterprise_id]:
                last[planned.enterprise_id] = planned.day
    now = timezone.now()
    if failed:
        # No plan: nothing of it is written (the objects above are discarded, not saved); visits of
        # an engineer who no longer counts go to the engineer dealt their village, unplanned.
        current = {e.pk for e in engineers}
        moved = []
        for visit in _to_plan(contract, from_day).select_related("enterprise__organisation"):
            if visit.engineer_id not in current:
                visit.engineer = dealt[visit.enterprise.organisation.region_id]
                visit.planned_on = None
                visit.updated_at = now
                moved.append(visit)
        Visit.objects.bulk_update(moved, ["engineer", "planned_on", "updated_at"])
        return PlanReport(status="infeasible", seconds=time.monotonic() - started, explanations=tuple(explanations))
    for visit in writes:
        visit.updated_at = now
    Visit.objects.bulk_update(writes, ["engineer", "planned_on", "updated_at"], batch_size=500)
    return PlanReport(
        status="optimal" if optimal else "feasible",
        visits=len(writes),
        gap=max(0.0, (objective - bound) / max(1.0, objective)),
        travel_minutes=travel,
        naive_travel_minutes=naive_travel,
        engineer_days=days,
        naive_engineer_days=naive_days,
        seconds=time.monotonic() - started,
        explanations=tuple(explanations),
    )

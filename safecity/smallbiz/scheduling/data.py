"""Plain data of the service-visit scheduler for small and micro enterprises (no Django, no models).

A safety service provider (第三方安全服务机构) has registered safety engineers; each enterprise it has
a contract with needs ``visits`` service visits a year (default four, one per quarter), consecutive
visits to one enterprise at least ``min_spacing_days`` apart. Engineers work on working days (Mon-Fri,
minus the ``holidays`` and their own ``unavailable`` days), make at most ``capacity_per_day`` visits a
day and have ``day_minutes`` a day for the visits (``visit_minutes`` each) and the travel: from their
base village (the provider's office unless they live elsewhere) to the villages of the day's
visits, between those villages, and back (``travel`` is the villages' travel-time matrix, minutes).

The year is split into ``periods`` (default: the four quarters); the j-th of an enterprise's ``n``
visits falls in period ``j * len(periods) // n``, so one visit a period at most.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cached_property


@dataclass(frozen=True)
class Village:
    id: int
    name: str
    town: str = ""


@dataclass(frozen=True)
class Provider:
    """A safety service provider; ``office_village_id`` is where its engineers start and end a day."""

    id: int
    name: str
    office_village_id: int


@dataclass(frozen=True)
class Engineer:
    """A registered safety engineer of ``provider_id``. ``home_village_id``: the base of their day
    when it is not the provider's office."""

    id: int
    name: str
    provider_id: int
    capacity_per_day: int = 6
    home_village_id: int | None = None
    unavailable: frozenset[date] = frozenset()


@dataclass(frozen=True)
class Enterprise:
    """A small or micro enterprise in ``village_id`` under contract with ``provider_id``."""

    id: int
    name: str
    village_id: int
    provider_id: int


@dataclass(frozen=True)
class VisitRequirement:
    """``visits`` visits a year for ``enterprise_id``; ``last_visit``: the previous year's last visit
    (the first visit of the year keeps the minimum spacing from it)."""

    enterprise_id: int
    visits: int = 4
    last_visit: date | None = None


def quarters(year: int) -> tuple[tuple[date, date], ...]:
    """The four quarters of ``year`` as (first day, last day)."""
    starts = [date(year, m, 1) for m in (1, 4, 7, 10)] + [date(year + 1, 1, 1)]
    return tuple((starts[i], starts[i + 1] - timedelta(days=1)) for i in range(4))


@dataclass(frozen=True)
class Problem:
    """A district's visit-planning problem for one year.

    ``travel[i][j]``: minutes from ``villages[i]`` to ``villages[j]`` (need not be symmetric).
    """

    villages: tuple[Village, ...]
    travel: tuple[tuple[int, ...], ...]
    providers: tuple[Provider, ...]
    engineers: tuple[Engineer, ...]
    enterprises: tuple[Enterprise, ...]
    requirements: tuple[VisitRequirement, ...]
    year: int = 2027
    periods: tuple[tuple[date, date], ...] = ()  # default: the quarters of ``year``
    holidays: frozenset[date] = frozenset()
    workdays: frozenset[date] = frozenset()  # weekend days worked instead of a holiday (调休)
    min_spacing_days: int = 45
    day_minutes: int = 480
    visit_minutes: int = 60

    @cached_property
    def village_index(self) -> dict[int, int]:
        return {v.id: i for i, v in enumerate(self.villages)}

    def minutes(self, a: int, b: int) -> int:
        """Travel minutes from village id ``a`` to village id ``b``."""
        index = self.village_index
        return self.travel[index[a]][index[b]]

    @cached_property
    def period_windows(self) -> tuple[tuple[date, date], ...]:
        return self.periods or quarters(self.year)

    def period_of(self, visit_number: int, visits: int) -> int:
        """The period of the ``visit_number``-th (from 0) of ``visits`` visits a year."""
        return visit_number * len(self.period_windows) // max(1, visits)

    @cached_property
    def working_days(self) -> tuple[tuple[date, ...], ...]:
        """The working days of each period, in order (:meth:`is_working_day`)."""
        result = []
        for start, end in self.period_windows:
            days = []
            day = start
            while day <= end:
                if self.is_working_day(day):
                    days.append(day)
                day += timedelta(days=1)
            result.append(tuple(days))
        return tuple(result)

    def is_working_day(self, day: date) -> bool:
        """Monday to Friday except the ``holidays``, and the weekend days in ``workdays``."""
        return day in self.workdays or (day.weekday() < 5 and day not in self.holidays)

    def base_of(self, engineer: Engineer) -> int:
        """The village an engineer's day starts and ends in."""
        if engineer.home_village_id is not None:
            return engineer.home_village_id
        return self.provider_by_id[engineer.provider_id].office_village_id

    @cached_property
    def provider_by_id(self) -> dict[int, Provider]:
        return {p.id: p for p in self.providers}

    @cached_property
    def enterprise_by_id(self) -> dict[int, Enterprise]:
        return {e.id: e for e in self.enterprises}

    @cached_property
    def engineer_by_id(self) -> dict[int, Engineer]:
        return {e.id: e for e in self.engineers}

    def period_label(self, period: int) -> str:
        start, end = self.period_windows[period]
        if not self.periods:
            return f"Q{period + 1} {self.year}"
        return f"period {period + 1} ({start.isoformat()} to {end.isoformat()})"


@dataclass(frozen=True)
class Visit:
    """One scheduled visit: the ``number``-th (from 0) visit of the year to ``enterprise_id``, by
    ``engineer_id`` on ``day``, starting ``start_minute`` minutes into the engineer's working day."""

    enterprise_id: int
    number: int
    day: date
    engineer_id: int
    village_id: int
    start_minute: int


ParamValue = int | str


@dataclass(frozen=True)
class Explanation:
    """Why no schedule exists, in plain words, with the provider and the period where it applies.

    ``message`` is English (the bench and the logs read it); ``code`` and ``params`` say the same
    for a caller that words it in the user's language: ``code`` names the sentence
    (``diagnose.EXPLANATION_CODES``; empty for a message with no code) and ``params`` holds its
    plain values (numbers, names, ISO dates; a period as ``<name>_start`` and ``<name>_end``, never
    an English label), exactly the names ``diagnose.EXPLANATION_PARAMS`` gives for the code.
    """

    message: str
    provider_id: int | None = None
    period: int | None = None
    code: str = ""
    params: dict[str, ParamValue] = field(default_factory=dict, hash=False)

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True)
class Solution:
    """The scheduler's answer: the visits, or explanations of why there are none.

    ``objective`` and ``bound`` are sums over the sub-models (estimated travel minutes plus the
    imbalance penalty); ``gap`` = (objective - bound) / max(1, objective). ``travel_minutes`` is the
    travel of the expanded schedule as the validator counts it (never above the model's estimate).
    """

    status: str  # "optimal", "feasible", "infeasible"
    visits: tuple[Visit, ...] = ()
    objective: float = 0.0
    bound: float = 0.0
    gap: float = 1.0
    solve_seconds: float = 0.0
    explanations: tuple[Explanation, ...] = ()
    travel_minutes: int = 0
    engineer_days: int = 0
    submodels: int = 0
    stats: dict[str, float] = field(default_factory=dict, hash=False, compare=False)

    @property
    def feasible(self) -> bool:
        return self.status in ("optimal", "feasible")

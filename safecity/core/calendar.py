"""Working days by China's public-holiday calendar.

A working day is Monday to Friday, except the days off of a public holiday, plus the weekend days
worked instead (调休上班日), as the State Council General Office's yearly notice on the holiday
arrangements (国务院办公厅关于XXXX年部分节假日安排的通知) sets them. The days are records
(:class:`safecity.core.models.CalendarDay`); :class:`WorkingCalendar` is the pure view of them that
deadline arithmetic runs on. A year the calendar does not cover counts Monday to Friday and is
named by :meth:`WorkingCalendar.uncovered`, so a page can say its deadline may be early.

The notices of 2023-2026 ship with the platform (``core/data/cn_public_holidays.json``, reviewed
like code); the :class:`~safecity.core.models.CalendarDay` rows a city administrator enters in the
admin (a new year's notice, a local adjustment) are added to them and win on the same day.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

DATA_FILE = Path(__file__).resolve().parent / "data" / "cn_public_holidays.json"


@dataclass(frozen=True)
class WorkingCalendar:
    """Days off and adjusted working days; ``years`` are the years whose notice is entered."""

    holidays: frozenset[date] = frozenset()
    workdays: frozenset[date] = frozenset()
    years: frozenset[int] = field(default_factory=frozenset)

    def is_working(self, day: date) -> bool:
        if day in self.workdays:
            return True
        return day.weekday() < 5 and day not in self.holidays

    def working_days(self, start: date, end: date) -> tuple[date, ...]:
        """The working days from ``start`` to ``end``, both included, in order."""
        days = []
        day = start
        while day <= end:
            if self.is_working(day):
                days.append(day)
            day += timedelta(days=1)
        return tuple(days)

    def add_working_days(self, start: date, days: int) -> date:
        """The ``days``-th working day after ``start`` (``start`` itself not counted)."""
        day = start
        left = days
        while left > 0:
            day += timedelta(days=1)
            if self.is_working(day):
                left -= 1
        return day

    def working_days_between(self, start: date, end: date) -> int:
        """Working days after ``start`` up to and including ``end`` (0 when ``end`` <= ``start``)."""
        if end <= start:
            return 0
        return len(self.working_days(start + timedelta(days=1), end))

    def uncovered(self, start: date, end: date) -> list[int]:
        """The years from ``start`` to ``end`` whose holidays are not entered (counted Mon-Fri)."""
        return [year for year in range(start.year, end.year + 1) if year not in self.years]


def calendar_from_days(rows: Iterable[tuple[date, str]]) -> WorkingCalendar:
    """A calendar from (day, kind) pairs, kind "holiday" or "workday"."""
    holidays: set[date] = set()
    workdays: set[date] = set()
    for day, kind in rows:
        (holidays if kind == "holiday" else workdays).add(day)
    years = {d.year for d in holidays} | {d.year for d in workdays}
    return WorkingCalendar(frozenset(holidays), frozenset(workdays), frozenset(years))


def working_calendar() -> WorkingCalendar:
    """The calendar in force: the shipped notices, then the recorded days over them (one small
    query). Callers that count many deadlines hold the result for the loop."""
    from safecity.core.models import CalendarDay

    days = {row["day"]: row["kind"] for row in _shipped()}
    days.update(CalendarDay.objects.values_list("day", "kind"))
    return calendar_from_days(days.items())


@functools.cache
def _shipped() -> tuple[dict[str, Any], ...]:
    return tuple(published_days())


def published_days() -> list[dict[str, Any]]:
    """The days of the notices shipped with the platform (``core/data/cn_public_holidays.json``),
    as rows for :class:`CalendarDay`: each day off of each holiday and each adjusted working day."""
    data = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    rows: list[dict[str, Any]] = []
    for year in data["years"].values():
        for holiday in year["holidays"]:
            first, last = (date.fromisoformat(d) for d in holiday["off"])
            day = first
            while day <= last:
                rows.append({"day": day, "kind": "holiday", "name": holiday["name"], "source": year["source"]})
                day += timedelta(days=1)
            for worked in holiday["work"]:
                rows.append(
                    {"day": date.fromisoformat(worked), "kind": "workday", "name": holiday["name"], "source": year["source"]}
                )
    return rows

"""The public-holiday calendar: the shipped notices, days entered over them, deadline arithmetic."""

from __future__ import annotations

from datetime import date

import pytest
from django.contrib.contenttypes.models import ContentType

from safecity.core.calendar import WorkingCalendar, calendar_from_days, published_days, working_calendar
from safecity.core.models import AuditEntry, CalendarDay, CalendarDayKind
from safecity.invitations.sla import sla_due, working_days_between
from safecity.smallbiz.scheduling.data import Problem


def test_shipped_notices_cover_2023_to_2026_with_their_adjusted_working_days() -> None:
    rows = published_days()
    years = {row["day"].year for row in rows}
    assert {2023, 2024, 2025, 2026} <= years
    assert all(row["source"].startswith("国务院办公厅关于") for row in rows)
    workdays = [row["day"] for row in rows if row["kind"] == "workday"]
    # An adjusted working day is always a weekend day worked instead of a holiday.
    assert workdays and all(day.weekday() >= 5 for day in workdays)


@pytest.mark.django_db
def test_spring_festival_and_national_day_move_the_working_days() -> None:
    cal = working_calendar()
    # 2023: Spring Festival 21-27 January off, Saturday 28 and Sunday 29 January worked.
    assert not cal.is_working(date(2023, 1, 23))  # a Monday of the holiday
    assert cal.is_working(date(2023, 1, 28))  # a Saturday worked
    assert cal.add_working_days(date(2023, 1, 20), 1) == date(2023, 1, 28)
    # 2024: National Day 1-7 October off, Saturday 12 October worked.
    assert cal.add_working_days(date(2024, 9, 30), 1) == date(2024, 10, 8)
    assert cal.working_days_between(date(2024, 10, 7), date(2024, 10, 12)) == 5
    # An ordinary week is Monday to Friday.
    assert cal.working_days(date(2023, 3, 4), date(2023, 3, 12)) == tuple(date(2023, 3, d) for d in range(6, 11))
    assert cal.uncovered(date(2026, 12, 1), date(2027, 1, 31)) == [2027]


@pytest.mark.django_db
def test_an_invitation_received_before_national_day_is_due_after_it() -> None:
    # Wed 27 Sep 2023: Thu 28 Sep (1), 29 Sep-6 Oct off, Sat 7 (2), Sun 8 (3), Mon 9 (4), Tue 10 Oct (5).
    assert sla_due(date(2023, 9, 27)) == date(2023, 10, 10)
    assert working_days_between(date(2023, 9, 27), date(2023, 10, 10)) == 5


@pytest.mark.django_db
def test_a_day_entered_in_the_admin_counts_and_is_audited() -> None:
    new_year = date(2027, 1, 1)  # a Friday; the 2027 notice is not shipped
    assert working_calendar().is_working(new_year)
    day = CalendarDay.objects.create(day=new_year, kind=CalendarDayKind.HOLIDAY, name="元旦", source="2027 notice")
    assert not working_calendar().is_working(new_year)
    assert working_calendar().uncovered(new_year, new_year) == []
    # A recorded day wins over a shipped one: a shipped day off made a working day.
    CalendarDay.objects.create(day=date(2026, 10, 7), kind=CalendarDayKind.WORKDAY, name="国庆节")
    assert working_calendar().is_working(date(2026, 10, 7))
    ct = ContentType.objects.get_for_model(CalendarDay)
    assert AuditEntry.objects.filter(content_type=ct, object_id=str(day.pk)).exists()


def test_calendar_from_days_and_the_scheduler_agree_on_adjusted_days() -> None:
    saturday, monday = date(2023, 1, 28), date(2023, 1, 23)
    cal = calendar_from_days([(saturday, "workday"), (monday, "holiday")])
    assert isinstance(cal, WorkingCalendar)
    problem = Problem(
        villages=(), travel=(), providers=(), engineers=(), enterprises=(), requirements=(),
        holidays=cal.holidays, workdays=cal.workdays,
    )  # fmt: skip
    for day in (saturday, monday, date(2023, 1, 24), date(2023, 1, 29)):
        assert problem.is_working_day(day) == cal.is_working(day)

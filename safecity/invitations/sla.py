"""The service-level deadline of an invited inspection, in working days.

The authority accepts and schedules an invitation within ``SAFECITY_INVITATION_SLA_WORKING_DAYS``
working days (5 by default, issue 16 §1). Working days follow China's public-holiday calendar
(``safecity.core.calendar``: Monday to Friday, less the days off of the public holidays, plus the
weekend days worked instead, as the State Council General Office's yearly notice sets them).
Functions that count many deadlines take the calendar once (``calendar=``).
"""

from __future__ import annotations

from datetime import date

from django.conf import settings

from safecity.core.calendar import WorkingCalendar, working_calendar


def sla_working_days() -> int:
    return int(settings.SAFECITY_INVITATION_SLA_WORKING_DAYS)


def add_working_days(start: date, days: int, *, calendar: WorkingCalendar | None = None) -> date:
    """The ``days``-th working day after ``start`` (``start`` itself not counted)."""
    return (calendar or working_calendar()).add_working_days(start, days)


def working_days_between(start: date, end: date, *, calendar: WorkingCalendar | None = None) -> int:
    """Working days after ``start`` up to and including ``end`` (0 when ``end`` <= ``start``)."""
    return (calendar or working_calendar()).working_days_between(start, end)


def sla_due(invited_on: date, *, calendar: WorkingCalendar | None = None) -> date:
    """The last day the authority may schedule an invitation received on ``invited_on``."""
    return add_working_days(invited_on, sla_working_days(), calendar=calendar)

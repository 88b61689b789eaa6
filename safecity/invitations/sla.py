"""The service-level deadline of an invited inspection, in working days (pure, no database).

The authority accepts and schedules an invitation within ``SAFECITY_INVITATION_SLA_WORKING_DAYS``
working days (5 by default, issue 16 §1). Working days are Monday to Friday, as the deep checks'
scheduler counts them (``safecity.deepchecks.services.campaigns.working_days``); public holidays
are not modelled (core has no holiday calendar), so the deadline is at worst a little early.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings

from safecity.deepchecks.services.campaigns import working_days


def sla_working_days() -> int:
    return int(settings.SAFECITY_INVITATION_SLA_WORKING_DAYS)


def add_working_days(start: date, days: int) -> date:
    """The ``days``-th working day after ``start`` (``start`` itself not counted)."""
    day = start
    left = days
    while left > 0:
        day += timedelta(days=1)
        if day.weekday() < 5:
            left -= 1
    return day


def working_days_between(start: date, end: date) -> int:
    """Working days after ``start`` up to and including ``end`` (0 when ``end`` <= ``start``)."""
    if end <= start:
        return 0
    return len(working_days(start + timedelta(days=1), end))


def sla_due(invited_on: date) -> date:
    """The last day the authority may schedule an invitation received on ``invited_on``."""
    return add_working_days(invited_on, sla_working_days())

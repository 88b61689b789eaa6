"""The hall's rules (domain-rules §7d), each configurable in settings; the defaults are the rule.

- ``SAFECITY_HALL_GROUP_MIN`` / ``_MAX``: a group is 20 to 50 people.
- ``SAFECITY_HALL_BOOK_AHEAD_WORKING_DAYS``: booked at least 3 working days ahead (the public-holiday
  calendar, :func:`safecity.core.calendar.working_calendar`).
- ``SAFECITY_HALL_CANCEL_AHEAD_DAYS``: a group cancels at least 1 day ahead.
- ``SAFECITY_HALL_SESSION_CAPACITY``: people per session unless the staff say otherwise.
- ``SAFECITY_HALL_MORNING`` / ``_AFTERNOON``: the sessions' times ("09:00-11:00").
- ``SAFECITY_HALL_CODE_ATTEMPTS``, ``SAFECITY_HALL_CODE_MINUTES``: a verification code allows 5
  tries within 10 minutes.
- ``SAFECITY_HALL_RATE_LIMIT``: public booking and verification requests per IP and hour.
- ``SAFECITY_HALL_CODES_PER_MINUTE`` / ``_PER_HOUR``: verification codes sent to one phone (1, 5).
- ``SAFECITY_HALL_ACTIVE_PER_PHONE``: upcoming booked or waiting bookings of one phone (3); one
  phone has at most one such booking per session.
- ``SAFECITY_HALL_KEEP_DAYS``: days the phone verifications and text messages are kept (30).
"""

from __future__ import annotations

from datetime import date, time

from django.conf import settings

from safecity.core.calendar import WorkingCalendar, working_calendar


def _int(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def group_min() -> int:
    return _int("SAFECITY_HALL_GROUP_MIN", 20)


def group_max() -> int:
    return _int("SAFECITY_HALL_GROUP_MAX", 50)


def book_ahead_working_days() -> int:
    return _int("SAFECITY_HALL_BOOK_AHEAD_WORKING_DAYS", 3)


def cancel_ahead_days() -> int:
    return _int("SAFECITY_HALL_CANCEL_AHEAD_DAYS", 1)


def default_capacity() -> int:
    return _int("SAFECITY_HALL_SESSION_CAPACITY", 100)


def code_attempts() -> int:
    return _int("SAFECITY_HALL_CODE_ATTEMPTS", 5)


def code_minutes() -> int:
    return _int("SAFECITY_HALL_CODE_MINUTES", 10)


def rate_limit() -> int:
    return _int("SAFECITY_HALL_RATE_LIMIT", 30)


def codes_per_minute() -> int:
    return _int("SAFECITY_HALL_CODES_PER_MINUTE", 1)


def codes_per_hour() -> int:
    return _int("SAFECITY_HALL_CODES_PER_HOUR", 5)


def active_per_phone() -> int:
    return _int("SAFECITY_HALL_ACTIVE_PER_PHONE", 3)


def keep_days() -> int:
    return _int("SAFECITY_HALL_KEEP_DAYS", 30)


def _times(name: str, default: str) -> tuple[time, time]:
    start, end = str(getattr(settings, name, default)).split("-")
    return time.fromisoformat(start.strip()), time.fromisoformat(end.strip())


def period_times(period: str) -> tuple[time, time]:
    if period == "morning":
        return _times("SAFECITY_HALL_MORNING", "09:00-11:00")
    return _times("SAFECITY_HALL_AFTERNOON", "14:00-16:00")


def earliest_bookable(today: date, calendar: WorkingCalendar | None = None) -> date:
    """The first session day a group may book on ``today``: 3 working days later."""
    return (calendar or working_calendar()).add_working_days(today, book_ahead_working_days())

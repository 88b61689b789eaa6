"""The dates the rules set, as pure functions (no database): TSG 81-2022, the Special Equipment
Safety Law, TSG Z6001-2019 and SAMR order No. 74 (domain-rules §4).

- Use registration before use or within 30 days of first use (law art. 33): registered on day 30
  after first use is on time, day 31 is late.
- Periodic inspection every 2 years (sightseeing vehicles every year; TSG 81-2022 4.2.1.2), the next
  date set to the month: due by the end of that month. The inspection is requested 1 month before
  the date (the reminder), and an uninspected truck may not be used (art. 40).
- Operator certificate N1 valid 4 years (to the day before the anniversary); renewal applied for at
  least 1 month before expiry (the reminder).
- Forklifts made from 2023-12-01 carry a safety monitoring device that reports the driver at
  start-up (市监特设发〔2022〕87号).
- Order No. 74: a daily check (art. 142), a weekly investigation (art. 143), a monthly meeting
  (art. 144); a period without its record, once over, is missed.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta

from safecity.forklifts.choices import CertificateStatus, CheckKind, InspectionStatus, RegistrationStatus, VehicleType

REGISTRATION_DAYS = 30
INSPECTION_YEARS = 2
SIGHTSEEING_INSPECTION_YEARS = 1
REMINDER_MONTHS = 1
CERTIFICATE_YEARS = 4
MONITORING_DEVICE_FROM = date(2023, 12, 1)


def add_months(day: date, months: int) -> date:
    """``day`` moved by whole months, clamped to the end of a shorter month (03-31 - 1 month = 02-28)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def month_end(day: date) -> date:
    return date(day.year, day.month, calendar.monthrange(day.year, day.month)[1])


def registration_deadline(first_used_on: date) -> date:
    """The last day on which use registration is on time (law art. 33: within 30 days)."""
    return first_used_on + timedelta(days=REGISTRATION_DAYS)


def registration_status(*, first_used_on: date | None, registered_on: date | None, today: date) -> str:
    if registered_on is not None:
        if first_used_on is None or registered_on <= registration_deadline(first_used_on):
            return RegistrationStatus.ON_TIME
        return RegistrationStatus.LATE
    if first_used_on is None:
        return RegistrationStatus.NOT_USED
    if today <= registration_deadline(first_used_on):
        return RegistrationStatus.PENDING
    return RegistrationStatus.OVERDUE


def inspection_interval_years(vehicle_type: str) -> int:
    return SIGHTSEEING_INSPECTION_YEARS if vehicle_type == VehicleType.SIGHTSEEING else INSPECTION_YEARS


def next_inspection_on(*, inspected_on: date, vehicle_type: str) -> date:
    """The next periodic inspection: the same month ``interval`` years on, due by its last day."""
    return month_end(add_months(inspected_on, 12 * inspection_interval_years(vehicle_type)))


def reminder_on(due_on: date) -> date:
    """The day from which the inspection (or the renewal) must be requested: 1 month before."""
    return add_months(due_on, -REMINDER_MONTHS)


def inspection_status(*, next_inspection_on: date | None, today: date) -> str:
    if next_inspection_on is None:
        return InspectionStatus.UNKNOWN
    if today > next_inspection_on:
        return InspectionStatus.OVERDUE
    if today >= reminder_on(next_inspection_on):
        return InspectionStatus.DUE_SOON
    return InspectionStatus.OK


def certificate_valid_until(issued_on: date) -> date:
    """An N1 certificate issued on ``issued_on`` is valid 4 years: through the day before the anniversary."""
    return add_months(issued_on, 12 * CERTIFICATE_YEARS) - timedelta(days=1)


def certificate_status(*, valid_until: date, today: date) -> str:
    if today > valid_until:
        return CertificateStatus.EXPIRED
    if today >= reminder_on(valid_until):
        return CertificateStatus.EXPIRING
    return CertificateStatus.VALID


def needs_monitoring_device(manufactured_on: date) -> bool:
    """Made from 2023-12-01: carries the safety monitoring device and reports the driver at start-up."""
    return manufactured_on >= MONITORING_DEVICE_FROM


def period_start(kind: str, day: date) -> date:
    """The first day of the period of ``kind`` holding ``day``: the day, its ISO week's Monday, the 1st."""
    if kind == CheckKind.WEEKLY:
        return day - timedelta(days=day.weekday())
    if kind == CheckKind.MONTHLY:
        return day.replace(day=1)
    return day


def period_end(kind: str, start: date) -> date:
    if kind == CheckKind.WEEKLY:
        return start + timedelta(days=6)
    if kind == CheckKind.MONTHLY:
        return month_end(start)
    return start


def next_period(kind: str, start: date) -> date:
    return period_end(kind, start) + timedelta(days=1)


def closed_periods(kind: str, *, since: date, today: date) -> list[date]:
    """The periods of ``kind`` that began on or after ``since``'s period and are over by ``today``
    (the current period is never missed yet): their first days, oldest first."""
    periods = []
    start = period_start(kind, since)
    while period_end(kind, start) < today:
        periods.append(start)
        start = next_period(kind, start)
    return periods


def missed_periods(kind: str, *, done: set[date], since: date, today: date) -> list[date]:
    """The closed periods of ``kind`` since ``since`` with no record (``done``: their first days)."""
    return [start for start in closed_periods(kind, since=since, today=today) if start not in done]

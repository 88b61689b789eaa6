"""The dates of TSG 81-2022, the law and TSG Z6001-2019 at their edges (pure functions)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from safecity.forklifts import compliance as c
from safecity.forklifts.choices import CertificateStatus, CheckKind, InspectionStatus, RegistrationStatus, VehicleType


def test_registration_within_30_days_of_first_use_is_on_time_day_31_is_late() -> None:
    first = date(2025, 3, 1)
    assert c.registration_deadline(first) == date(2025, 3, 31)
    on_time = c.registration_status(first_used_on=first, registered_on=first + timedelta(days=30), today=date(2025, 6, 1))
    late = c.registration_status(first_used_on=first, registered_on=first + timedelta(days=31), today=date(2025, 6, 1))
    assert (on_time, late) == (RegistrationStatus.ON_TIME, RegistrationStatus.LATE)


def test_unregistered_truck_is_pending_through_day_30_and_overdue_from_day_31() -> None:
    first = date(2025, 3, 1)
    status = lambda day: c.registration_status(first_used_on=first, registered_on=None, today=day)  # noqa: E731
    assert status(first + timedelta(days=30)) == RegistrationStatus.PENDING
    assert status(first + timedelta(days=31)) == RegistrationStatus.OVERDUE
    assert c.registration_status(first_used_on=None, registered_on=None, today=first) == RegistrationStatus.NOT_USED
    # Registered before use (the law's first option) is on time.
    assert (
        c.registration_status(first_used_on=first, registered_on=first - timedelta(days=5), today=first)
        == RegistrationStatus.ON_TIME
    )


def test_periodic_inspection_every_2_years_to_the_month_and_sightseeing_every_year() -> None:
    assert c.next_inspection_on(inspected_on=date(2024, 3, 15), vehicle_type=VehicleType.REACH) == date(2026, 3, 31)
    assert c.next_inspection_on(inspected_on=date(2024, 2, 29), vehicle_type=VehicleType.REACH) == date(2026, 2, 28)
    assert c.next_inspection_on(inspected_on=date(2024, 3, 15), vehicle_type=VehicleType.SIGHTSEEING) == date(2025, 3, 31)


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2026, 2, 27), InspectionStatus.OK),
        (date(2026, 2, 28), InspectionStatus.DUE_SOON),  # 1 month before 03-31 (clamped to February's end)
        (date(2026, 3, 31), InspectionStatus.DUE_SOON),  # the last day of the month is still on time
        (date(2026, 4, 1), InspectionStatus.OVERDUE),
    ],
)
def test_inspection_reminder_one_month_ahead_and_overdue_after_the_month(today: date, expected: str) -> None:
    assert c.inspection_status(next_inspection_on=date(2026, 3, 31), today=today) == expected


def test_no_inspection_date_is_unknown() -> None:
    assert c.inspection_status(next_inspection_on=None, today=date(2026, 1, 1)) == InspectionStatus.UNKNOWN


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2026, 4, 8), CertificateStatus.VALID),
        (date(2026, 4, 9), CertificateStatus.EXPIRING),  # renewal at least 1 month before expiry
        (date(2026, 5, 9), CertificateStatus.EXPIRING),  # the last valid day
        (date(2026, 5, 10), CertificateStatus.EXPIRED),  # 4 years after issue
    ],
)
def test_n1_certificate_is_valid_4_years(today: date, expected: str) -> None:
    until = c.certificate_valid_until(date(2022, 5, 10))
    assert until == date(2026, 5, 9)
    assert c.certificate_status(valid_until=until, today=today) == expected


def test_monitoring_device_required_from_2023_12_01() -> None:
    assert not c.needs_monitoring_device(date(2023, 11, 30))
    assert c.needs_monitoring_device(date(2023, 12, 1))


def test_periods_and_missed_ones() -> None:
    wednesday = date(2026, 12, 2)
    assert c.period_start(CheckKind.DAILY, wednesday) == wednesday
    assert c.period_start(CheckKind.WEEKLY, wednesday) == date(2026, 11, 30)
    assert c.period_start(CheckKind.MONTHLY, wednesday) == date(2026, 12, 1)
    # The current day, week and month are never missed yet; a closed one without a record is.
    days = c.closed_periods(CheckKind.DAILY, since=date(2026, 11, 28), today=wednesday)
    assert days == [date(2026, 11, 28), date(2026, 11, 29), date(2026, 11, 30), date(2026, 12, 1)]
    assert c.missed_periods(CheckKind.DAILY, done={date(2026, 11, 29)}, since=date(2026, 11, 28), today=wednesday) == [
        date(2026, 11, 28),
        date(2026, 11, 30),
        date(2026, 12, 1),
    ]
    assert c.closed_periods(CheckKind.WEEKLY, since=date(2026, 11, 25), today=wednesday) == [date(2026, 11, 23)]
    assert c.closed_periods(CheckKind.MONTHLY, since=date(2026, 10, 15), today=wednesday) == [
        date(2026, 10, 1),
        date(2026, 11, 1),
    ]

"""The pure rules of the 厂中厂 register (domain-rules §6): where a tenant's safety-management
agreement stands on a day, when the landlord must next inspect it, three-in-one premises."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from safecity.hazards.choices import HazardType
from safecity.parks.choices import AgreementState
from safecity.parks.rules import (
    DEFAULT_AGREEMENT_WARN_DAYS,
    Period,
    agreement_state,
    checklist,
    checklist_codes,
    inspection_due,
    inspection_overdue,
    three_in_one,
)

TODAY = date(2025, 6, 15)


def _period(start_offset: int, end_offset: int) -> Period:
    return Period(TODAY + timedelta(days=start_offset), TODAY + timedelta(days=end_offset))


# --- agreement_state ---------------------------------------------------------------------------


def test_a_tenant_without_any_agreement_is_missing_one() -> None:
    assert agreement_state([], TODAY) == AgreementState.MISSING


def test_an_agreement_that_ended_yesterday_is_expired() -> None:
    assert agreement_state([_period(-365, -1)], TODAY) == AgreementState.EXPIRED


def test_an_agreement_in_force_far_beyond_the_warning_is_valid() -> None:
    assert agreement_state([_period(-10, 300)], TODAY) == AgreementState.VALID


def test_the_first_and_the_last_day_of_an_agreement_are_covered() -> None:
    # starts today: in force
    assert agreement_state([_period(0, 300)], TODAY) == AgreementState.VALID
    # ends today: still in force, but expiring
    assert agreement_state([_period(-300, 0)], TODAY) == AgreementState.EXPIRING


@pytest.mark.parametrize(
    ("days_left", "expected"),
    [
        (1, AgreementState.EXPIRING),
        (DEFAULT_AGREEMENT_WARN_DAYS - 1, AgreementState.EXPIRING),
        (DEFAULT_AGREEMENT_WARN_DAYS, AgreementState.VALID),
        (DEFAULT_AGREEMENT_WARN_DAYS + 1, AgreementState.VALID),
    ],
)
def test_an_agreement_ending_within_the_warning_days_is_expiring(days_left: int, expected: AgreementState) -> None:
    assert agreement_state([_period(-100, days_left)], TODAY) == expected


def test_the_warning_days_are_a_setting() -> None:
    periods = [_period(-100, 10)]
    assert agreement_state(periods, TODAY, warn_days=5) == AgreementState.VALID
    assert agreement_state(periods, TODAY, warn_days=11) == AgreementState.EXPIRING


def test_a_renewal_starting_the_day_after_the_old_one_ends_continues_the_cover() -> None:
    old = _period(-355, 10)
    renewal = _period(11, 376)
    assert agreement_state([old], TODAY) == AgreementState.EXPIRING
    assert agreement_state([old, renewal], TODAY) == AgreementState.VALID
    # the order the agreements come in does not matter
    assert agreement_state([renewal, old], TODAY) == AgreementState.VALID


def test_a_chain_of_renewals_continues_the_cover() -> None:
    periods = [_period(-355, 5), _period(6, 20), _period(21, 400)]
    assert agreement_state(periods, TODAY) == AgreementState.VALID


def test_a_renewal_after_a_gap_does_not_continue_the_cover() -> None:
    # one day without an agreement between the two: the current one is expiring
    assert agreement_state([_period(-355, 10), _period(12, 400)], TODAY) == AgreementState.EXPIRING


def test_an_agreement_starting_in_the_future_does_not_cover_today() -> None:
    state = agreement_state([_period(1, 366)], TODAY)
    assert state not in (AgreementState.VALID, AgreementState.EXPIRING)
    # nor after an old one ran out
    state = agreement_state([_period(-400, -35), _period(1, 366)], TODAY)
    assert state == AgreementState.EXPIRED


def test_an_old_expired_agreement_does_not_spoil_a_current_one() -> None:
    assert agreement_state([_period(-800, -400), _period(-30, 335)], TODAY) == AgreementState.VALID


# --- inspections -------------------------------------------------------------------------------


def test_the_first_inspection_is_due_a_period_after_the_tenant_moved_in() -> None:
    assert inspection_due(entered_on=date(2025, 1, 1), last_inspected_on=None, interval_days=90) == date(2025, 4, 1)


def test_the_next_inspection_is_due_a_period_after_the_last_one() -> None:
    assert inspection_due(entered_on=date(2025, 1, 1), last_inspected_on=date(2025, 3, 1), interval_days=30) == date(2025, 3, 31)


def test_overdue_only_after_the_due_day() -> None:
    kwargs = {"entered_on": date(2025, 1, 1), "last_inspected_on": date(2025, 3, 1), "interval_days": 30}
    assert not inspection_overdue(**kwargs, today=date(2025, 3, 30))
    assert not inspection_overdue(**kwargs, today=date(2025, 3, 31))  # the due day itself
    assert inspection_overdue(**kwargs, today=date(2025, 4, 1))


def test_a_tenant_never_inspected_is_overdue_a_period_after_moving_in() -> None:
    kwargs = {"entered_on": date(2025, 1, 1), "last_inspected_on": None, "interval_days": 90}
    assert not inspection_overdue(**kwargs, today=date(2025, 4, 1))
    assert inspection_overdue(**kwargs, today=date(2025, 4, 2))


def test_a_recent_inspection_stops_an_overdue_tenant_being_overdue() -> None:
    before = inspection_overdue(entered_on=date(2025, 1, 1), last_inspected_on=None, interval_days=30, today=date(2025, 6, 1))
    after = inspection_overdue(
        entered_on=date(2025, 1, 1), last_inspected_on=date(2025, 5, 20), interval_days=30, today=date(2025, 6, 1)
    )
    assert before and not after


def test_no_period_set_means_never_overdue_by_date() -> None:
    # (the landlord that sets no period is a finding of its own: NO_COORDINATION)
    assert inspection_due(entered_on=date(2020, 1, 1), last_inspected_on=None, interval_days=None) is None
    assert not inspection_overdue(entered_on=date(2020, 1, 1), last_inspected_on=None, interval_days=None, today=date(2030, 1, 1))


# --- three-in-one ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("production", "storage", "living", "expected"),
    [
        (False, False, False, False),
        (True, False, False, False),
        (False, True, False, False),
        (True, True, False, False),
        (False, False, True, False),  # only people living there: a dormitory, not three-in-one
        (True, False, True, True),
        (False, True, True, True),
        (True, True, True, True),
    ],
)
def test_three_in_one_truth_table(production: bool, storage: bool, living: bool, expected: bool) -> None:
    assert three_in_one(production=production, storage=storage, living=living) is expected


# --- checklist ---------------------------------------------------------------------------------


def test_the_checklist_asks_about_living_quarters_and_exits_as_fire_hazards() -> None:
    items = {item.code: item for item in checklist()}
    assert len(checklist_codes()) == len(set(checklist_codes())) == len(items)
    assert items["no_living"].hazard_type == HazardType.FIRE
    assert items["exits"].hazard_type == HazardType.FIRE
    assert items["electrical"].hazard_type == HazardType.ELECTRICAL
    assert all(item.hazard_type in HazardType.values for item in items.values())

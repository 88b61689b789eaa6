"""Table tests of every rule and boundary date (TSG 23-2021, GB 5842, GB 14193) and of the
transition table."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from safecity.cylinders import rules, transitions
from safecity.cylinders.choices import CylinderState as S
from safecity.cylinders.choices import EventKind as K
from safecity.cylinders.choices import GateReason as R
from safecity.cylinders.choices import MediumClass as M
from safecity.cylinders.rules import CylinderFacts, PrefillCheck

UNIT = 7
TODAY = date(2025, 6, 15)


@pytest.mark.parametrize(
    "medium_class, years, since, due",
    [
        (M.LPG_STEEL, 4, date(2021, 6, 15), date(2025, 6, 15)),
        (M.CORROSIVE, 2, date(2023, 6, 15), date(2025, 6, 15)),
        (M.INERT, 5, date(2020, 6, 15), date(2025, 6, 15)),
        (M.GENERAL, 3, date(2022, 6, 15), date(2025, 6, 15)),
        (M.LPG_STEEL, 4, date(2020, 2, 29), date(2024, 2, 29)),  # leap day to leap day
        (M.INERT, 5, date(2020, 2, 29), date(2025, 2, 28)),  # leap day to a common year
    ],
)
def test_inspection_interval_by_medium_class(medium_class: str, years: int, since: date, due: date) -> None:
    assert rules.inspection_interval_years(medium_class) == years
    assert rules.next_inspection_on(since, medium_class) == due


@pytest.mark.parametrize(
    "made, extended_by, scrap",
    [
        (date(2015, 3, 1), None, date(2023, 3, 1)),  # GB 5842: 8-year design life
        (date(2015, 3, 1), date(2023, 2, 20), date(2027, 2, 20)),  # +4 years after passing
        (date(2015, 3, 1), date(2023, 3, 1), date(2027, 3, 1)),
        (date(2015, 3, 1), date(2024, 6, 1), date(2027, 3, 1)),  # never beyond 12 years (compulsory scrap)
    ],
)
def test_lpg_scrap_date(made: date, extended_by: date | None, scrap: date) -> None:
    assert rules.scrap_on(made, M.LPG_STEEL, extended_by=extended_by) == scrap


def test_other_gases_have_a_30_year_life_without_extension() -> None:
    assert rules.scrap_on(date(2000, 1, 1), M.INERT, extended_by=date(2008, 1, 1)) == date(2030, 1, 1)


@pytest.mark.parametrize(
    "inspected, result, next_due, scrap",
    [
        # Mid-life pass: next inspection 4 years on, scrap date unchanged.
        (date(2019, 3, 1), "pass", date(2023, 3, 1), date(2023, 3, 1)),
        # End-of-life pass (within 6 months before the 8 years): life extended by 4 years.
        (date(2022, 9, 1), "pass", date(2026, 9, 1), date(2026, 9, 1)),
        (date(2022, 8, 31), "pass", date(2023, 3, 1), date(2023, 3, 1)),  # one day before the window
        # A fail changes neither date.
        (date(2022, 9, 1), "fail", None, date(2023, 3, 1)),
    ],
)
def test_inspection_outcome(inspected: date, result: str, next_due: date | None, scrap: date) -> None:
    outcome = rules.inspection_outcome(
        manufactured_on=date(2015, 3, 1),
        medium_class=M.LPG_STEEL,
        current_scrap_on=date(2023, 3, 1),
        inspected_on=inspected,
        result=result,
    )
    assert outcome.next_inspection_on == next_due and outcome.scrap_on == scrap


@pytest.mark.parametrize(
    "net, volume, ok",
    [("14.9", "35.5", True), ("15.0", "35.5", False), ("49.6", "118", True), ("49.7", "118", False), ("0", "35.5", False)],
)
def test_fill_mass_limit_gb14193(net: str, volume: str, ok: bool) -> None:
    assert (rules.fill_mass_problem(net_kg=Decimal(net), volume_l=Decimal(volume)) is None) is ok


def facts(**overrides: object) -> CylinderFacts:
    base = {
        "owner_id": UNIT,
        "state": S.EMPTY,
        "code_voided": False,
        "next_inspection_on": date(2026, 1, 1),
        "scrap_on": date(2030, 1, 1),
        "last_inspection_result": "pass",
    }
    base.update(overrides)
    return CylinderFacts(**base)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "cylinder, check, codes",
    [
        (facts(), None, []),
        (None, None, [R.NOT_REGISTERED]),
        (facts(owner_id=8), None, [R.NOT_OWN_PROPERTY]),
        # The due date itself is still allowed; the day after is overdue.
        (facts(next_inspection_on=TODAY), None, []),
        (facts(next_inspection_on=date(2025, 6, 14)), None, [R.INSPECTION_OVERDUE]),
        # On the scrap date the cylinder is past its scrap age.
        (facts(scrap_on=date(2025, 6, 16)), None, []),
        (facts(scrap_on=TODAY), None, [R.PAST_SCRAP_AGE]),
        (facts(state=S.SCRAPPED, code_voided=True), None, [R.CODE_VOIDED, R.SCRAPPED]),
        (facts(state=S.FAILED, last_inspection_result="fail"), None, [R.LAST_INSPECTION_FAILED]),
        (facts(state=S.REPAIRED, last_inspection_result="fail"), None, [R.LAST_INSPECTION_FAILED]),
        (facts(state=S.DELIVERED), None, [R.NOT_EMPTY]),
        (facts(), PrefillCheck(marks_legible=False), [R.MARKS_ILLEGIBLE]),
        (facts(), PrefillCheck(accessories_ok=False), [R.ACCESSORIES_DEFECTIVE]),
        (facts(), PrefillCheck(appearance_ok=False), [R.APPEARANCE_DEFECTIVE]),
        (None, PrefillCheck(marks_legible=False), [R.NOT_REGISTERED, R.MARKS_ILLEGIBLE]),
        # Every reason that applies, not just the first.
        (
            facts(owner_id=8, next_inspection_on=date(2024, 1, 1), scrap_on=date(2025, 1, 1)),
            PrefillCheck(accessories_ok=False),
            [R.NOT_OWN_PROPERTY, R.PAST_SCRAP_AGE, R.INSPECTION_OVERDUE, R.ACCESSORIES_DEFECTIVE],
        ),
    ],
)
def test_fill_gate_decision(cylinder: CylinderFacts | None, check: PrefillCheck | None, codes: list[str]) -> None:
    decision = rules.fill_gate_decision(cylinder, station_id=UNIT, today=TODAY, check=check)
    assert decision.codes == codes
    assert decision.allowed is (not codes)
    assert all(str(r.message) for r in decision.reasons)


@pytest.mark.parametrize(
    "due, status",
    [
        (None, "ok"),
        (date(2025, 6, 14), "overdue"),
        (TODAY, "due_soon"),
        (date(2025, 7, 15), "due_soon"),
        (date(2025, 7, 16), "ok"),
    ],
)
def test_inspection_status(due: date | None, status: str) -> None:
    assert rules.inspection_status(next_inspection_on=due, today=TODAY) == status


ALL_STATES = ["", *S.values]
ALL_STEPS = [
    K.REGISTRATION,
    K.FILLING,
    K.DISPATCH,
    K.DELIVERY,
    K.RETURN,
    K.REPAIR,
    K.SCRAPPING,
    "inspection:pass",
    "inspection:fail",
]
ALLOWED = {
    ("", K.REGISTRATION): S.EMPTY,
    (S.EMPTY, K.FILLING): S.FILLED,
    (S.FILLED, K.DISPATCH): S.DISPATCHED,
    (S.DISPATCHED, K.DELIVERY): S.DELIVERED,
    (S.DELIVERED, K.RETURN): S.EMPTY,
    (S.DISPATCHED, K.RETURN): S.FILLED,
    (S.EMPTY, "inspection:pass"): S.EMPTY,
    (S.EMPTY, "inspection:fail"): S.FAILED,
    (S.FAILED, K.REPAIR): S.REPAIRED,
    (S.REPAIRED, "inspection:pass"): S.EMPTY,
    (S.REPAIRED, "inspection:fail"): S.FAILED,
    (S.EMPTY, K.SCRAPPING): S.SCRAPPED,
    (S.FAILED, K.SCRAPPING): S.SCRAPPED,
    (S.REPAIRED, K.SCRAPPING): S.SCRAPPED,
}


@pytest.mark.parametrize("state", ALL_STATES)
@pytest.mark.parametrize("step", ALL_STEPS)
def test_every_transition_allowed_or_forbidden(state: str, step: str) -> None:
    kind, _sep, result = step.partition(":")
    assert transitions.next_state(state, kind, result or None) == ALLOWED.get((state, step))


def test_scrapped_is_terminal() -> None:
    assert transitions.allowed_kinds(S.SCRAPPED) == []
    assert "scrapped" in transitions.out_of_order_message(S.SCRAPPED, K.FILLING).lower()

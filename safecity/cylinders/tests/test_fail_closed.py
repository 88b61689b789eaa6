"""The filling gate fails closed (TSG 23-2021: fill only within the inspection date, never past the
scrap age): a cylinder whose next inspection date or scrap date is missing, or whose dates contradict
its history, is refused with its reason; a cylinder already past its scrap age cannot be registered;
an unknown code on the public page tells the citizen what to do."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from safecity.cylinders import rules, services
from safecity.cylinders.choices import CylinderState as S
from safecity.cylinders.choices import GateReason as R
from safecity.cylinders.choices import MediumClass as M
from safecity.cylinders.models import Cylinder, FillAttempt
from safecity.cylinders.rules import CylinderFacts

from .conftest import Cyl, key

UNIT = 7
TODAY = date(2025, 6, 15)
MADE = date(2022, 3, 1)


def facts(**overrides: Any) -> CylinderFacts:
    base: dict[str, Any] = {
        "owner_id": UNIT, "state": S.EMPTY, "code_voided": False, "next_inspection_on": date(2026, 3, 1),
        "scrap_on": date(2030, 3, 1), "last_inspection_result": "", "manufactured_on": MADE,
        "medium_class": M.LPG_STEEL, "last_inspected_on": None,
    }  # fmt: skip
    base.update(overrides)
    return CylinderFacts(**base)


@pytest.mark.parametrize(
    ("cylinder", "codes"),
    [
        (facts(), []),
        # Missing dates: refused, never let through.
        (facts(next_inspection_on=None), [R.INSPECTION_DATE_MISSING]),
        (facts(scrap_on=None), [R.SCRAP_DATE_MISSING]),
        (facts(next_inspection_on=None, scrap_on=None), [R.INSPECTION_DATE_MISSING, R.SCRAP_DATE_MISSING]),
        # Next inspection at most 4 years (LPG) after manufacture or the last inspection.
        (facts(next_inspection_on=date(2026, 3, 1)), []),
        (facts(next_inspection_on=date(2026, 3, 2)), [R.DATES_CONTRADICT_HISTORY]),
        (facts(last_inspected_on=date(2024, 5, 1), last_inspection_result="pass", next_inspection_on=date(2028, 5, 1)), []),
        (facts(last_inspected_on=date(2024, 5, 1), next_inspection_on=date(2028, 5, 2)), [R.DATES_CONTRADICT_HISTORY]),
        (facts(next_inspection_on=date(2021, 1, 1)), [R.INSPECTION_OVERDUE, R.DATES_CONTRADICT_HISTORY]),  # before manufacture
        # Scrap date never beyond 12 years (GB 5842 compulsory scrap), nor before manufacture.
        (facts(scrap_on=date(2034, 3, 1)), []),
        (facts(scrap_on=date(2034, 3, 2)), [R.DATES_CONTRADICT_HISTORY]),
        (
            facts(medium_class=M.INERT, next_inspection_on=date(2027, 3, 1), scrap_on=date(2052, 3, 2)),
            [R.DATES_CONTRADICT_HISTORY],
        ),
        # Inspection dates outside the cylinder's life.
        (facts(last_inspected_on=date(2021, 1, 1)), [R.DATES_CONTRADICT_HISTORY]),
        (facts(last_inspected_on=date(2025, 6, 16)), [R.DATES_CONTRADICT_HISTORY]),
        (facts(manufactured_on=date(2025, 7, 1)), [R.DATES_CONTRADICT_HISTORY]),  # made in the future
    ],
)
def test_gate_fails_closed(cylinder: CylinderFacts, codes: list[str]) -> None:
    decision = rules.fill_gate_decision(cylinder, station_id=UNIT, today=TODAY)
    assert decision.codes == codes
    assert decision.allowed is (not codes)


def test_the_reason_is_a_message_in_words_with_the_dates() -> None:
    decision = rules.fill_gate_decision(facts(next_inspection_on=date(2026, 3, 2)), station_id=UNIT, today=TODAY)
    (reason,) = decision.reasons
    assert reason.params == {"what": "next_inspection_on", "date": "2026-03-02", "limit": "2026-03-01"}
    assert reason.message.startswith("Its dates contradict its history (next inspection date 2026-03-02, at most 2026-03-01")
    missing = rules.fill_gate_decision(facts(next_inspection_on=None), station_id=UNIT, today=TODAY).reasons[0]
    assert "No next periodic inspection date" in missing.message and "_" not in missing.message
    # A stored reason from an older record without its parameters still reads as words.
    assert "?" in rules.reason_message(R.DATES_CONTRADICT_HISTORY, {})


def test_every_history_the_rules_write_passes_the_gate() -> None:
    """Dates computed by the rules themselves (registration, passing inspections, the LPG
    end-of-life extension up to 12 years) never contradict their history."""
    made = date(2015, 1, 10)
    scrap, due = rules.scrap_on(made, M.LPG_STEEL), rules.next_inspection_on(made, M.LPG_STEEL)
    inspected = None
    for day in (date(2019, 1, 5), date(2022, 12, 20), date(2025, 1, 8)):
        outcome = rules.inspection_outcome(
            manufactured_on=made, medium_class=M.LPG_STEEL, current_scrap_on=scrap, inspected_on=day, result="pass"
        )
        scrap, due, inspected = outcome.scrap_on, outcome.next_inspection_on, day
        state = facts(
            manufactured_on=made,
            next_inspection_on=due,
            scrap_on=scrap,
            last_inspected_on=inspected,
            last_inspection_result="pass",
        )
        assert rules.history_contradictions(state, today=day) == []
    assert scrap == date(2027, 1, 10)  # extended at the end-of-life inspection, capped at 12 years


@pytest.mark.parametrize(
    ("made", "medium", "refused"),
    [
        (date(2013, 6, 16), M.LPG_STEEL, False),  # 12 years tomorrow
        (date(2013, 6, 15), M.LPG_STEEL, True),  # 12 years today: compulsory scrap
        (date(2016, 1, 1), M.LPG_STEEL, False),  # past its 8-year design life: the gate waits for its inspection
        (date(1995, 6, 15), M.GENERAL, True),  # 30-year design life reached
        (date(1995, 6, 16), M.GENERAL, False),
    ],
)
def test_registration_past_scrap_age(made: date, medium: str, refused: bool) -> None:
    problem = rules.registration_problem(manufactured_on=made, medium_class=medium, on=TODAY)
    assert (problem is not None) is refused
    if problem is not None:
        assert problem.code == R.PAST_SCRAP_AGE and problem.params["date"] <= TODAY.isoformat()


# --- through the services, the UI and the API ----------------------------------------------------------


def test_gate_refuses_a_cylinder_whose_inspection_date_is_missing(cyl: Cyl) -> None:
    cyl.register("CZF0001")
    Cylinder.objects.filter(code="CZF0001").update(next_inspection_on=None)  # a broken record
    attempt = services.cylinder_fill_check(actor=cyl.operator, code="CZF0001")
    assert attempt.allowed is False and attempt.reason_codes == [R.INSPECTION_DATE_MISSING]
    page = _login(cyl.operator).post("/cylinders/gate/", {"code": "CZF0001"}).content.decode()
    assert 'data-testid="gate-refuse"' in page and "No next periodic inspection date is on record" in page
    body = APIClient()
    body.force_authenticate(cyl.operator)
    answer = body.post("/api/cylinders/gate/", {"code": "CZF0001"}, format="json").json()
    assert answer["allowed"] is False and [r["code"] for r in answer["reasons"]] == [R.INSPECTION_DATE_MISSING]
    assert "No next periodic inspection date" in answer["reasons"][0]["message"]


def test_gate_refuses_dates_that_contradict_the_history(cyl: Cyl) -> None:
    made = timezone.localdate() - timedelta(days=400)
    cyl.register("CZF0002", made=made)
    Cylinder.objects.filter(code="CZF0002").update(next_inspection_on=made + timedelta(days=365 * 9))
    attempt = services.cylinder_fill_check(actor=cyl.operator, code="CZF0002")
    assert attempt.reason_codes == [R.DATES_CONTRADICT_HISTORY]
    assert FillAttempt.objects.filter(code="CZF0002", allowed=False).count() == 1


def _form(code: str, made: date, owner: Any) -> dict[str, Any]:
    return {
        "code": code, "serial_number": "S1", "manufacturer": "浙江金盾压力容器有限公司", "manufactured_on": made.isoformat(),
        "medium": "lpg", "model_name": "YSP35.5", "nominal_pressure_mpa": "2.1", "volume_l": "35.5",
        "wall_thickness_mm": "2.5", "product_standard": "GB 5842", "owner": owner.pk, "idempotency_key": key(),
    }  # fmt: skip


def test_registering_a_cylinder_past_its_scrap_age_is_refused_in_the_ui_and_the_api(cyl: Cyl) -> None:
    old = timezone.localdate().replace(year=timezone.localdate().year - 13)
    page = _login(cyl.operator).post("/cylinders/register/", _form("CZOLD01", old, cyl.unit))
    assert page.status_code == 200
    assert "reached its scrap age" in page.content.decode() and "cannot be registered for use" in page.content.decode()
    client = APIClient()
    client.force_authenticate(cyl.operator)
    data = _form("CZOLD02", old, cyl.unit)
    response = client.post("/api/cylinders/cylinders/", data, format="json", HTTP_IDEMPOTENCY_KEY=data.pop("idempotency_key"))
    assert response.status_code == 400 and response.json()["code"] == "past_scrap_age"
    assert not Cylinder.objects.filter(code__startswith="CZOLD").exists()
    young = timezone.localdate() - timedelta(days=365 * 11)
    assert _login(cyl.operator).post("/cylinders/register/", _form("CZYOUNG1", young, cyl.unit)).status_code == 302


@pytest.mark.parametrize("code", ["NOPE", "CZ-FAKE-0001"])
def test_unknown_code_on_the_public_page_says_it_is_not_registered(code: str, cyl: Cyl) -> None:
    response = Client().get(f"/cylinders/c/{code}/")
    assert response.status_code == 404
    page = response.content.decode()
    assert 'data-testid="public-unknown"' in page and "This cylinder is not registered" in page
    assert code in page and "Do not use it" in page and "market supervision bureau" in page and 'href="tel:12315"' in page


def test_a_registered_code_never_gets_the_unknown_page(cyl: Cyl) -> None:
    cyl.register("CZKNOWN1")
    page = Client().get("/cylinders/c/CZKNOWN1/").content.decode()
    assert "public-unknown" not in page and 'data-testid="public-history"' in page


def _login(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client

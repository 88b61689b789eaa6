"""The scoring model: every deduction and forced-red rule with a minimal fixture, the colour
boundaries, and the documented model's invariants."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.utils import translation

from safecity.hazards.choices import HazardLevel, HazardState, HazardType
from safecity.hazards.models import CheckRecord, CheckTask, GovernancePlan, RiskObject
from safecity.portraits.models import Deduction, Portrait
from safecity.portraits.scoring import (
    DIMENSIONS,
    RULES,
    EnterpriseFacts,
    EventFact,
    HazardFact,
    InstallationFact,
    colour_for,
    score_enterprise,
)
from safecity.portraits.scoring.engine import hazard_dimension
from safecity.portraits.services import portrait_compute
from safecity.portraits.tests.conftest import YEAR, moment

pytestmark = pytest.mark.django_db
NOW = moment(2024, 3, 1)


@pytest.mark.parametrize(
    ("score", "colour"),
    [("0", 1), ("59.9", 1), ("60", 2), ("60.0", 2), ("74.9", 2), ("75", 3), ("89.9", 3), ("90", 4), ("90.0", 4), ("100", 4)],
)
def test_colour_boundaries(score: str, colour: int) -> None:
    assert colour_for(Decimal(score)) == colour


def test_forced_red_wins_over_any_score() -> None:
    assert colour_for(Decimal("100"), forced_red=True) == 1


def test_model_dimensions_sum_to_100_and_rules_are_documented() -> None:
    assert sum(d.max_points for d in DIMENSIONS) == 100
    codes = {d.code for d in DIMENSIONS}
    for rule in RULES:
        assert rule.points > 0 and rule.source and rule.evidence
        assert rule.dimension in codes or rule.dimension == ""


def _hazard(**kw: Any) -> HazardFact:
    base: dict[str, Any] = {
        "id": 1, "label": "YH1", "level": 0, "hazard_type": 1, "open": False, "overdue": False,
        "found_in_year": True, "closed": True,
    }  # fmt: skip
    base.update(kw)
    return HazardFact(**base)


def test_clean_enterprise_scores_100_blue() -> None:
    result = score_enterprise(EnterpriseFacts(organisation_id=1, hazards=[_hazard()]))
    assert result.score == Decimal("100.0") and result.colour == 4 and not result.deductions


def test_dimension_never_goes_below_zero() -> None:
    hazards = [_hazard(id=i, open=True, closed=False, found_in_year=False, hazard_type=HazardType.ELECTRICAL) for i in range(30)]
    result = score_enterprise(EnterpriseFacts(organisation_id=1, hazards=hazards))
    assert result.dimensions["equipment"] == 0
    assert result.score == Decimal("90.0")  # only the 10 equipment points are lost
    assert len(result.deductions) == 30  # yet each hazard is still traced


def test_hazard_dimension_priority_root_cause_then_mhi_then_type() -> None:
    assert hazard_dimension(_hazard(hazard_type=HazardType.FIRE)) == "emergency"
    assert hazard_dimension(_hazard(hazard_type=HazardType.FIRE, on_mhi=True)) == "mhi"
    assert (
        hazard_dimension(_hazard(hazard_type=HazardType.FIRE, on_mhi=True, root_cause="contractor & tenant management"))
        == "contractors"
    )
    assert hazard_dimension(_hazard(root_cause="training & competence")) == "training"
    assert hazard_dimension(_hazard(root_cause="person")) == "training"


def test_red_event_without_measures_forces_red_and_deducts() -> None:
    event = EventFact(id=5, label="储罐泄漏", level=1, measures=0, emergency_measures=0)
    result = score_enterprise(EnterpriseFacts(organisation_id=1, events=[event]))
    rules = sorted(d.rule for d in result.deductions)
    assert rules == ["emergency.no_emergency_measure", "process.event_without_measures", "process.red_event"]
    assert result.score == Decimal("94.0") and result.colour == 1
    assert [f.rule for f in result.forced_red] == ["forced.red_event_no_measures"]


def test_installation_missing_person_forces_red() -> None:
    result = score_enterprise(
        EnterpriseFacts(organisation_id=1, installations=[InstallationFact(1, "一级重大危险源", ("technical_in_charge",))])
    )
    assert result.colour == 1 and result.score == Decimal("95.0")
    assert [d.rule for d in result.deductions] == ["mhi.persons_missing"]
    assert result.deductions[0].detail == {"missing": ["technical_in_charge"]}


# --- the same rules end to end, from rows in the database ----------------------------------------


def compute(city: Any) -> Portrait:
    with time_machine.travel(NOW, tick=False):
        return portrait_compute(organisation=city.enterprise_a, year=YEAR)


def rules_of(portrait: Portrait) -> list[tuple[str, str, Decimal]]:
    return sorted((d.rule, d.dimension, d.points) for d in portrait.deductions.all())


def test_open_general_hazard_deducts_one_in_its_type_dimension(city: Any, make_hazard: Any) -> None:
    make_hazard(hazard_type=HazardType.ELECTRICAL, deadline=None)
    portrait = compute(city)
    # One found, none closed: the closure rate (0%) takes its maximum of 8 points as well.
    assert rules_of(portrait) == [
        ("governance.closure_rate", "governance", Decimal("8.0")),
        ("hazard.open_general", "equipment", Decimal("1.0")),
    ]
    assert portrait.score == Decimal("91.0") and portrait.colour == 4


def test_closure_rate_below_target(city: Any, make_hazard: Any) -> None:
    for _ in range(3):
        make_hazard(state=HazardState.ACCEPTED)
    make_hazard(deadline=None)  # 3 of 4 closed: 75%, 15 points short -> 3 steps
    portrait = compute(city)
    rate = [d for d in portrait.deductions.all() if d.rule == "governance.closure_rate"]
    assert len(rate) == 1 and rate[0].points == Decimal("3.0") and rate[0].detail == {"rate": "75.0", "closed": 3, "found": 4}
    assert rate[0].evidence_id == city.enterprise_a.pk
    assert (portrait.hazards_found, portrait.hazards_closed) == (4, 3)


def test_closed_hazards_only_major_ones_count(city: Any, make_hazard: Any) -> None:
    make_hazard(state=HazardState.ACCEPTED)
    make_hazard(state=HazardState.ACCEPTED, level=HazardLevel.MAJOR, hazard_type=HazardType.PROCESS)
    portrait = compute(city)
    assert rules_of(portrait) == [("hazard.major_found", "process", Decimal("2.0"))]
    assert portrait.score == Decimal("98.0") and portrait.colour == 4


def test_overdue_general_hazard_deducts_governance(city: Any, make_hazard: Any) -> None:
    make_hazard()  # deadline 2023-06-30, still rectifying at the end of 2023
    for _ in range(9):
        make_hazard(state=HazardState.ACCEPTED)
    portrait = compute(city)
    assert rules_of(portrait) == [
        ("governance.overdue", "governance", Decimal("2.0")),
        ("hazard.open_general", "leadership", Decimal("1.0")),
    ]
    assert portrait.score == Decimal("97.0") and not portrait.forced_red


def test_hazard_closed_after_year_end_was_open_at_year_end(city: Any, make_hazard: Any) -> None:
    make_hazard(state=HazardState.ACCEPTED, deadline=None, accepted=moment(2024, 1, 10))
    portrait = compute(city)
    assert ("hazard.open_general", "leadership", Decimal("1.0")) in rules_of(portrait)


def test_withdrawn_hazard_never_counts(city: Any, make_hazard: Any) -> None:
    make_hazard(state=HazardState.WITHDRAWN)
    assert compute(city).score == Decimal("100.0")


def test_major_overdue_forces_red(city: Any, make_hazard: Any) -> None:
    hazard = make_hazard(level=HazardLevel.MAJOR)
    portrait = compute(city)
    assert portrait.forced_red and portrait.colour == 1
    assert portrait.forced_reasons[0]["rule"] == "forced.major_overdue" and portrait.forced_reasons[0]["id"] == hazard.pk
    assert ("governance.plan_incomplete", "governance", Decimal("3.0")) in rules_of(portrait)
    assert ("hazard.open_major", "leadership", Decimal("5.0")) in rules_of(portrait)


def test_major_with_complete_plan_not_overdue(city: Any, make_hazard: Any) -> None:
    hazard = make_hazard(level=HazardLevel.MAJOR, deadline=None)
    GovernancePlan.objects.create(
        organisation=city.enterprise_a, hazard=hazard, responsibility="厂长", measures="停产检修", funds=Decimal("10000"),
        deadline=moment(2024, 6, 1).date(), emergency_plan="专项预案",
    )  # fmt: skip
    portrait = compute(city)
    assert not portrait.forced_red
    assert "governance.plan_incomplete" not in {r for r, _, _ in rules_of(portrait)}


def test_three_in_one_is_read_from_the_fire_inspection_not_a_description(city: Any, make_hazard: Any) -> None:
    """Forced red by the fire inspection's structured determination (GB 35181-2017 6.2 / 7.9), until a
    later inspection determines the premises is no longer three-in-one; a description saying
    三合一 alone forces nothing."""
    from safecity.firecases.choices import ThreeInOne
    from safecity.firecases.models import FireInspection

    make_hazard(description="仓库与员工宿舍“三合一”", deadline=None)
    assert not compute(city).forced_red  # a word in a description is not a determination
    brigade = city.bureau_a  # any organisation stands for the detachment here

    def inspect(day: Any, determination: str) -> FireInspection:
        return FireInspection.objects.create(
            organisation=city.enterprise_a, fire_brigade=brigade, inspected_on=day, inspectors="黄鹏",
            result="hazards_found", three_in_one=determination,
        )  # fmt: skip

    found = inspect(moment(YEAR, 5, 1).date(), ThreeInOne.PRESENT)
    inspect(moment(YEAR, 6, 1).date(), ThreeInOne.NOT_ASSESSED)  # not assessed: the May finding stands
    portrait = compute(city)
    assert portrait.forced_red and portrait.colour == 1
    assert portrait.forced_reasons == [
        {
            "rule": "forced.three_in_one",
            "kind": "fire_inspection",
            "id": found.pk,
            "label": f"{YEAR}-05-01 Three-in-one premises found",
        }
    ]
    # A portrait as of an earlier year-end does not see the later inspection.
    with time_machine.travel(NOW, tick=False):
        earlier = portrait_compute(organisation=city.enterprise_a, year=YEAR - 1)
    assert not earlier.forced_red
    inspect(moment(YEAR, 9, 1).date(), ThreeInOne.ABSENT)  # re-inspection: living quarters moved out
    assert not compute(city).forced_red


def test_three_in_one_facts_come_from_every_registered_provider(city: Any) -> None:
    """The future 厂中厂 app supplies the same fact through the registry; the portrait needs no change."""
    from safecity.portraits.providers import THREE_IN_ONE, PremisesFact, _providers, register_fact_provider

    def tenant_sites(organisation_ids: Any, ref: Any) -> list[PremisesFact]:
        return [PremisesFact(city.enterprise_a.pk, True, "tenant_site", 7, "承租方 3 号厂房")]

    register_fact_provider(THREE_IN_ONE, "tests.tenant_sites", tenant_sites)
    try:
        portrait = compute(city)
    finally:
        del _providers[THREE_IN_ONE]["tests.tenant_sites"]
    assert [(r["kind"], r["label"]) for r in portrait.forced_reasons] == [("tenant_site", "承租方 3 号厂房")]


def test_red_event_at_installation(city: Any, make_event: Any) -> None:
    make_event(level=1, measures=("engineering", "emergency"), mhi=True)
    portrait = compute(city)
    assert rules_of(portrait) == [("mhi.red_event", "mhi", Decimal("3.0"))]
    assert not portrait.forced_red


def test_red_event_without_measures_forces_red_db(city: Any, make_event: Any) -> None:
    event = make_event(level=1, measures=())
    portrait = compute(city)
    assert portrait.forced_red and portrait.forced_reasons[0]["id"] == event.pk
    assert ("process.event_without_measures", "process", Decimal("3.0")) in rules_of(portrait)


def test_orange_event_without_emergency_measure(city: Any, make_event: Any) -> None:
    make_event(level=2, measures=("engineering",))
    assert rules_of(compute(city)) == [("emergency.no_emergency_measure", "emergency", Decimal("1.0"))]


def test_installation_person_inactive_forces_red(city: Any, make_event: Any) -> None:
    make_event(level=3, mhi=True)
    obj = RiskObject.objects.get(kind="mhi")
    person = obj.technical_in_charge
    person.is_active = False
    person.save()
    portrait = compute(city)
    assert portrait.forced_red and portrait.forced_reasons[0]["rule"] == "forced.mhi_persons"
    assert rules_of(portrait) == [("mhi.persons_missing", "mhi", Decimal("5.0"))]
    deduction = portrait.deductions.get()
    assert deduction.detail == {"missing": ["technical_in_charge"]}
    with translation.override("zh-hans"):
        assert deduction.detail_text == "缺少：技术负责人"


def test_overdue_check_and_task_without_checker(city: Any, make_event: Any) -> None:
    event = make_event(level=3)
    measure = event.measures.first()
    with time_machine.travel(moment(YEAR, 2, 1), tick=False):
        task = CheckTask.objects.create(
            organisation=city.enterprise_a,
            measure=measure,
            content="检查液位联锁",
            cycle=1,
            cycle_unit="day",
            next_due_at=moment(YEAR, 5, 1),
        )
    CheckRecord.objects.create(organisation=city.enterprise_a, task=task, due_at=moment(YEAR, 4, 1), result="overdue")
    rules = rules_of(compute(city))
    assert rules == [
        ("governance.check_overdue", "governance", Decimal("0.5")),
        ("training.task_without_checker", "training", Decimal("1.0")),
    ]


def test_deductions_are_replaced_on_rescore(city: Any, make_hazard: Any) -> None:
    hazard = make_hazard(deadline=None)
    compute(city)
    hazard.delete()
    portrait = compute(city)
    assert portrait.score == Decimal("100.0") and Deduction.objects.count() == 0
    assert Portrait.objects.count() == 1


def test_every_deep_check_management_element_and_category_has_a_dimension() -> None:
    from safecity.deepchecks.choices import CauseCategory, ManagementElement
    from safecity.portraits.scoring.engine import root_cause_dimension

    codes = {d.code for d in DIMENSIONS}
    for value in [*ManagementElement.values, *CauseCategory.values]:
        assert root_cause_dimension(value) in codes, value
    assert root_cause_dimension(ManagementElement.CONTRACTORS) == "contractors"
    assert root_cause_dimension(ManagementElement.TRAINING) == "training"
    assert root_cause_dimension(ManagementElement.EMERGENCY) == "emergency"


def test_closed_deep_check_findings_still_show_in_their_root_cause_dimension() -> None:
    from safecity.portraits.scoring.engine import EnterpriseFacts, HazardFact, score_enterprise

    finding = HazardFact(
        id=1, label="YH1", level=0, hazard_type=1, open=False, overdue=False, found_in_year=True, closed=True,
        root_cause="equipment_integrity", finding_id=7,
    )  # fmt: skip
    routine = HazardFact(id=2, label="YH2", level=0, hazard_type=1, open=False, overdue=False, found_in_year=True, closed=True)
    result = score_enterprise(EnterpriseFacts(organisation_id=1, hazards=[finding, routine]))
    assert [(d.rule, d.dimension, d.points) for d in result.deductions] == [("deepcheck.finding", "equipment", Decimal("0.4"))]
    assert result.score == Decimal("99.6")

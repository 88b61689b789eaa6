"""Daily checks, weekly investigations and monthly meetings (SAMR order No. 74, arts. 142-144):
the zero-risk report, findings into hidden hazards, one record per period, no back-filling."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from safecity.forklifts import services
from safecity.forklifts.choices import CheckKind
from safecity.forklifts.selectors import missed_checks
from safecity.forklifts.services import Finding, ForkliftError
from safecity.hazards.choices import HazardSource, HazardState, HazardType
from safecity.hazards.models import HiddenHazard

pytestmark = pytest.mark.django_db


def test_nothing_found_is_the_zero_risk_report(fleet: Any, personas: Any) -> None:
    check = services.safety_check_record(
        actor=personas.enterprise_user, organisation=fleet.city.enterprise_a, kind=CheckKind.DAILY
    )
    assert check.zero_risk and check.period_start == timezone.localdate()
    assert not HiddenHazard.objects.exists()


def test_findings_become_hidden_hazards_of_the_enterprise(fleet: Any, personas: Any) -> None:
    truck = fleet.truck()
    check = services.safety_check_record(
        actor=personas.enterprise_user,
        organisation=fleet.city.enterprise_a,
        kind=CheckKind.WEEKLY,
        findings=[Finding("制动踏板行程过大", truck), Finding("  "), Finding("灭火器过期")],
    )
    assert not check.zero_risk
    hazards = list(HiddenHazard.objects.order_by("id"))
    assert len(hazards) == 2
    assert {h.organisation_id for h in hazards} == {fleet.city.enterprise_a.pk}
    assert hazards[0].state == HazardState.TO_CONFIRM and hazards[0].source == HazardSource.ROUTINE
    assert hazards[0].hazard_type == HazardType.EQUIPMENT
    assert truck.number in hazards[0].description and hazards[0].location == fleet.plant_a.name
    assert [f.hazard for f in check.findings.order_by("id")] == hazards


def test_one_record_per_period(fleet: Any, personas: Any) -> None:
    org = fleet.city.enterprise_a
    services.safety_check_record(actor=personas.enterprise_user, organisation=org, kind=CheckKind.DAILY)
    with pytest.raises(ForkliftError) as again:
        services.safety_check_record(actor=personas.enterprise_user, organisation=org, kind=CheckKind.DAILY)
    assert again.value.error_code == "duplicate"


def test_a_past_period_cannot_be_filled_in_by_people(fleet: Any, personas: Any) -> None:
    yesterday = timezone.localdate() - timedelta(days=1)
    with pytest.raises(ValidationError, match="afterwards"):
        services.safety_check_record(
            actor=personas.enterprise_user, organisation=fleet.city.enterprise_a, kind=CheckKind.DAILY, performed_on=yesterday
        )
    with pytest.raises(ValidationError):
        services.safety_check_record(
            actor=personas.enterprise_user, organisation=fleet.city.enterprise_a, kind=CheckKind.DAILY,
            performed_on=timezone.localdate() + timedelta(days=1),
        )  # fmt: skip


def test_monthly_meeting_needs_minutes(fleet: Any, personas: Any) -> None:
    org = fleet.city.enterprise_a
    with pytest.raises(ValidationError, match="minutes"):
        services.safety_check_record(actor=personas.enterprise_user, organisation=org, kind=CheckKind.MONTHLY)
    check = services.safety_check_record(
        actor=personas.enterprise_user,
        organisation=org,
        kind=CheckKind.MONTHLY,
        minutes="调度本月叉车安全工作",
        attendees="张三、李四",
    )
    assert check.period_start == timezone.localdate().replace(day=1)


@pytest.mark.parametrize("persona", ["district_b", "expert", "outsider"])
def test_only_those_reaching_the_enterprise_record_its_checks(fleet: Any, personas: Any, persona: str) -> None:
    with pytest.raises(PermissionDenied):
        services.safety_check_record(actor=getattr(personas, persona), organisation=fleet.city.enterprise_a, kind=CheckKind.DAILY)


def test_a_finding_cannot_name_another_enterprises_truck(fleet: Any, personas: Any) -> None:
    other = fleet.truck(org=fleet.city.enterprise_b)
    with pytest.raises(ValidationError):
        services.safety_check_record(
            actor=personas.enterprise_user,
            organisation=fleet.city.enterprise_a,
            kind=CheckKind.DAILY,
            findings=[Finding("x", other)],
        )


def test_missed_days_weeks_and_months_are_flagged(fleet: Any) -> None:
    org = fleet.city.enterprise_a
    today = timezone.localdate()
    # The officer was appointed 60 days ago (fixture): the platform imports checks of 3 past days.
    for n in (1, 2, 5):
        services.safety_check_record(actor=None, organisation=org, kind=CheckKind.DAILY, performed_on=today - timedelta(days=n))
    services.safety_check_record(actor=None, organisation=org, kind=CheckKind.DAILY)  # today: never missed either way
    missed = missed_checks(org_ids=[org.pk], today=today)[org.pk]
    assert len(missed.daily) == 30 - 3  # the 30-day look-back window
    assert today - timedelta(days=1) not in missed.daily and today - timedelta(days=3) in missed.daily
    assert missed.weekly and missed.monthly
    # An enterprise with no safety appointment yet owes nothing (not yet under order No. 74 here).
    assert missed_checks(org_ids=[fleet.city.enterprise_b.pk], today=today)[fleet.city.enterprise_b.pk].total == 0

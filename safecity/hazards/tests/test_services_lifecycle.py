"""The hidden-hazard lifecycle services: every allowed and every forbidden transition, the roles,
the guards (order No. 16, 2007; national dual-prevention guideline), the timeline and the audit trail."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from safecity.core.audit import audit_context
from safecity.core.choices import AuditSource
from safecity.core.models import AuditEntry
from safecity.hazards import services
from safecity.hazards.choices import HazardLevel, HazardState, ManagementType
from safecity.hazards.models import HazardTransition, HiddenHazard
from safecity.hazards.tests.conftest import PDF, deadline_after, photo

S = HazardState
STATES = [S.TO_CONFIRM, S.RECTIFYING, S.AWAITING_ACCEPTANCE, S.ACCEPTED, S.WITHDRAWN]
ACTIONS: dict[str, Callable[[Any, HiddenHazard], HiddenHazard]] = {
    "confirm": lambda actor, h: services.hazard_confirm(actor=actor, hazard=h, deadline=deadline_after()),
    "withdraw": lambda actor, h: services.hazard_withdraw(actor=actor, hazard=h, comment="经核实不是隐患"),
    "fix_on_the_spot": lambda actor, h: services.hazard_fix_on_the_spot(
        actor=actor, hazard=h, rectification="当场清理", evidence=[photo()]
    ),
    "request_acceptance": lambda actor, h: services.hazard_request_acceptance(
        actor=actor, hazard=h, rectification="已整改", evidence=[photo()]
    ),
    "accept": lambda actor, h: services.hazard_accept(
        actor=actor, hazard=h, comment="复核到位", evidence=[photo("验收.pdf", PDF)]
    ),
    "reject": lambda actor, h: services.hazard_reject(actor=actor, hazard=h, comment="整改不到位"),
}
ALLOWED = {
    ("confirm", S.TO_CONFIRM): S.RECTIFYING,
    ("withdraw", S.TO_CONFIRM): S.WITHDRAWN,
    ("fix_on_the_spot", S.TO_CONFIRM): S.AWAITING_ACCEPTANCE,
    ("request_acceptance", S.RECTIFYING): S.AWAITING_ACCEPTANCE,
    ("accept", S.AWAITING_ACCEPTANCE): S.ACCEPTED,
    ("reject", S.AWAITING_ACCEPTANCE): S.RECTIFYING,
}
FORBIDDEN = [(a, s) for a in ACTIONS for s in STATES if (a, s) not in ALLOWED]


def rows(hazard: HiddenHazard) -> list[tuple[str, int | None, int]]:
    return list(
        HazardTransition.objects.filter(hazard=hazard).order_by("at", "id").values_list("action", "from_state", "to_state")
    )


def assert_unchanged(hazard: HiddenHazard, state: int, timeline: int) -> None:
    fresh = HiddenHazard.objects.get(pk=hazard.pk)
    assert fresh.state == state
    assert HazardTransition.objects.filter(hazard=hazard).count() == timeline


@pytest.mark.parametrize(("action", "source"), list(ALLOWED))
def test_allowed_transition(make_hazard: Any, personas: Any, action: str, source: int) -> None:
    hazard = make_hazard(source)
    # The city official reaches every district and has not rectified anything.
    ACTIONS[action](personas.city_official, hazard)
    fresh = HiddenHazard.objects.get(pk=hazard.pk)
    assert fresh.state == ALLOWED[(action, source)]
    last = HazardTransition.objects.filter(hazard=hazard).order_by("-at", "-id").first()
    assert (last.action, last.from_state, last.to_state, last.actor) == (action, source, fresh.state, personas.city_official)


@pytest.mark.parametrize(("action", "source"), FORBIDDEN)
def test_forbidden_transition_from_state(make_hazard: Any, personas: Any, action: str, source: int) -> None:
    hazard = make_hazard(source)
    before = HazardTransition.objects.filter(hazard=hazard).count()
    with pytest.raises(ValidationError) as exc:
        ACTIONS[action](personas.city_official, hazard)
    assert str(hazard.get_state_display()) in " ".join(exc.value.messages)
    assert_unchanged(hazard, source, before)


def test_accept_records_acceptance_person_time_and_comment(make_hazard: Any, personas: Any) -> None:
    hazard = services.hazard_accept(actor=personas.district_a, hazard=make_hazard(S.AWAITING_ACCEPTANCE), comment="整改到位")
    fresh = HiddenHazard.objects.get(pk=hazard.pk)
    assert (fresh.accepted_by, fresh.acceptance_comment) == (personas.district_a, "整改到位")
    assert fresh.accepted_at is not None and not fresh.is_open


def test_fix_on_the_spot_sets_management_type_and_rectifier(make_hazard: Any, personas: Any) -> None:
    hazard = services.hazard_fix_on_the_spot(
        actor=personas.enterprise_user, hazard=make_hazard(), rectification="当场清理通道", evidence=[photo()]
    )
    assert hazard.management_type == ManagementType.ON_THE_SPOT
    assert (hazard.rectified_by, hazard.rectification) == (personas.enterprise_user, "当场清理通道")
    assert hazard.acceptance_requested_at is not None


def test_reject_sends_back_to_rectifying_and_clears_the_request(make_hazard: Any, personas: Any) -> None:
    hazard = services.hazard_reject(actor=personas.district_a, hazard=make_hazard(S.AWAITING_ACCEPTANCE), comment="仍有杂物")
    fresh = HiddenHazard.objects.get(pk=hazard.pk)
    assert fresh.state == S.RECTIFYING and fresh.acceptance_requested_at is None


def test_second_accept_is_a_conflict_naming_the_state(make_hazard: Any, personas: Any) -> None:
    hazard = make_hazard(S.ACCEPTED)
    with pytest.raises(services.HazardConflict, match="already Accepted"):
        services.hazard_accept(actor=personas.city_official, hazard=hazard, comment="again")


# --- roles ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("action", ["accept", "reject"])
def test_enterprise_manager_cannot_accept_or_reject_a_major_hazard(make_hazard: Any, personas: Any, action: str) -> None:
    hazard = make_hazard(S.AWAITING_ACCEPTANCE, level=HazardLevel.MAJOR)
    n = HazardTransition.objects.filter(hazard=hazard).count()
    with pytest.raises(PermissionDenied):
        ACTIONS[action](personas.enterprise_user, hazard)
    assert_unchanged(hazard, S.AWAITING_ACCEPTANCE, n)


def test_enterprise_manager_accepts_a_general_hazard_fixed_by_staff(
    make_hazard: Any, personas: Any, enterprise_staff: Any
) -> None:
    hazard = make_hazard(S.RECTIFYING)
    services.hazard_request_acceptance(actor=enterprise_staff, hazard=hazard, rectification="已整改", evidence=[photo()])
    assert services.hazard_accept(actor=personas.enterprise_user, hazard=hazard, comment="自查验收").state == S.ACCEPTED


@pytest.mark.parametrize(
    ("action", "source", "level"),
    [
        ("withdraw", S.TO_CONFIRM, HazardLevel.GENERAL),
        ("accept", S.AWAITING_ACCEPTANCE, HazardLevel.GENERAL),
        ("reject", S.AWAITING_ACCEPTANCE, HazardLevel.GENERAL),
        ("confirm", S.TO_CONFIRM, HazardLevel.MAJOR),
    ],
)
def test_enterprise_staff_is_refused(
    make_hazard: Any, personas: Any, enterprise_staff: Any, action: str, source: int, level: int
) -> None:
    hazard = make_hazard(source, level=level)
    if level == HazardLevel.MAJOR:
        services.governance_plan_save(
            actor=personas.district_a, hazard=hazard, responsibility="厂长",
            measures="停产", funds=Decimal("1"), deadline=deadline_after(), emergency_plan="预案",
        )  # fmt: skip
    with pytest.raises(PermissionDenied):
        ACTIONS[action](enterprise_staff, hazard)
    assert HiddenHazard.objects.get(pk=hazard.pk).state == source


def test_enterprise_staff_confirms_and_rectifies_a_general_hazard(make_hazard: Any, enterprise_staff: Any) -> None:
    hazard = services.hazard_confirm(actor=enterprise_staff, hazard=make_hazard(), deadline=deadline_after())
    hazard = services.hazard_request_acceptance(actor=enterprise_staff, hazard=hazard, rectification="已整改", evidence=[photo()])
    assert hazard.state == S.AWAITING_ACCEPTANCE


@pytest.mark.parametrize("persona", ["district_b", "expert", "outsider"])
@pytest.mark.parametrize(("action", "source"), list(ALLOWED))
def test_persona_without_reach_cannot_act(make_hazard: Any, personas: Any, persona: str, action: str, source: int) -> None:
    hazard = make_hazard(source)
    n = HazardTransition.objects.filter(hazard=hazard).count()
    with pytest.raises(PermissionDenied):
        ACTIONS[action](getattr(personas, persona), hazard)
    assert_unchanged(hazard, source, n)


@pytest.mark.parametrize(
    ("persona", "org"),
    [
        ("district_b", "enterprise_a"),
        ("enterprise_user", "enterprise_b"),
        ("expert", "enterprise_a"),
        ("outsider", "enterprise_a"),
    ],
)
def test_report_outside_reach_is_refused(city: Any, personas: Any, persona: str, org: str) -> None:
    with pytest.raises(PermissionDenied):
        services.hazard_report(actor=getattr(personas, persona), organisation=getattr(city, org), description="x")
    assert not HiddenHazard.objects.exists()


# --- guards --------------------------------------------------------------------------------------


def test_major_hazard_cannot_be_confirmed_without_a_governance_plan(make_hazard: Any, personas: Any) -> None:
    hazard = make_hazard(level=HazardLevel.MAJOR)
    with pytest.raises(ValidationError, match="needs its governance plan"):
        services.hazard_confirm(actor=personas.district_a, hazard=hazard, deadline=deadline_after())
    assert_unchanged(hazard, S.TO_CONFIRM, 1)


def test_incomplete_governance_plan_names_the_missing_items(make_hazard: Any, personas: Any) -> None:
    hazard = make_hazard(level=HazardLevel.MAJOR)
    plan = services.governance_plan_save(
        actor=personas.enterprise_user, hazard=hazard, responsibility="厂长", measures="停产整改"
    )
    assert plan.missing_items() == ["emergency_plan", "funds", "deadline"]
    with pytest.raises(ValidationError) as exc:
        services.hazard_confirm(actor=personas.district_a, hazard=hazard, deadline=deadline_after())
    message = " ".join(exc.value.messages)
    assert "funds" in message and "emergency_plan" in message and "deadline" in message
    assert "responsibility" not in message
    assert_unchanged(hazard, S.TO_CONFIRM, 1)


def test_governance_plan_rules(make_hazard: Any, personas: Any) -> None:
    with pytest.raises(ValidationError, match="Only a major"):
        services.governance_plan_save(actor=personas.district_a, hazard=make_hazard(), responsibility="x")
    major = make_hazard(level=HazardLevel.MAJOR)
    with pytest.raises(ValidationError) as exc:
        services.governance_plan_save(
            actor=personas.district_a, hazard=major, deadline=major.discovered_at.date() - timedelta(days=1)
        )
    assert "deadline" in exc.value.message_dict
    with pytest.raises(PermissionDenied):
        services.governance_plan_save(actor=personas.district_b, hazard=major, responsibility="x")
    awaiting = make_hazard(S.AWAITING_ACCEPTANCE, level=HazardLevel.MAJOR)
    with pytest.raises(ValidationError, match="no longer be changed"):
        services.governance_plan_save(actor=personas.district_a, hazard=awaiting, responsibility="改")


def test_by_deadline_hazard_needs_a_deadline_to_be_confirmed(make_hazard: Any, personas: Any) -> None:
    hazard = make_hazard()
    assert hazard.management_type == ManagementType.BY_DEADLINE and hazard.deadline is None
    with pytest.raises(ValidationError, match="needs its deadline"):
        services.hazard_confirm(actor=personas.district_a, hazard=hazard)
    assert_unchanged(hazard, S.TO_CONFIRM, 1)


def test_fix_on_the_spot_is_only_for_general_hazards(make_hazard: Any, personas: Any) -> None:
    hazard = make_hazard(level=HazardLevel.MAJOR)
    with pytest.raises(ValidationError, match="cannot be fixed on the spot"):
        services.hazard_fix_on_the_spot(actor=personas.district_a, hazard=hazard, rectification="当场处理")
    assert_unchanged(hazard, S.TO_CONFIRM, 1)


def test_acceptance_by_someone_other_than_the_rectifier(make_hazard: Any, personas: Any) -> None:
    hazard = make_hazard(S.RECTIFYING)
    services.hazard_request_acceptance(actor=personas.district_a, hazard=hazard, rectification="督促整改完毕", evidence=[photo()])
    with pytest.raises(ValidationError, match="someone other than the person who rectified"):
        services.hazard_accept(actor=personas.district_a, hazard=hazard, comment="ok")
    assert HiddenHazard.objects.get(pk=hazard.pk).state == S.AWAITING_ACCEPTANCE
    assert services.hazard_accept(actor=personas.city_official, hazard=hazard, comment="ok").accepted_by == personas.city_official


@pytest.mark.parametrize(
    ("action", "source", "field"),
    [
        ("accept", S.AWAITING_ACCEPTANCE, "comment"),
        ("reject", S.AWAITING_ACCEPTANCE, "comment"),
        ("withdraw", S.TO_CONFIRM, "comment"),
        ("request_acceptance", S.RECTIFYING, "rectification"),
        ("fix_on_the_spot", S.TO_CONFIRM, "rectification"),
    ],
)
@pytest.mark.parametrize("text", ["", "   "])
def test_reason_is_required(make_hazard: Any, personas: Any, action: str, source: int, field: str, text: str) -> None:
    hazard = make_hazard(source)
    call = {
        "accept": services.hazard_accept, "reject": services.hazard_reject, "withdraw": services.hazard_withdraw,
        "request_acceptance": services.hazard_request_acceptance, "fix_on_the_spot": services.hazard_fix_on_the_spot,
    }[action]  # fmt: skip
    with pytest.raises(ValidationError) as exc:
        call(actor=personas.city_official, hazard=hazard, **{field: text})
    assert field in exc.value.message_dict
    assert HiddenHazard.objects.get(pk=hazard.pk).state == source


# --- timeline, database invariants, audit --------------------------------------------------------


def test_timeline_has_one_row_per_transition_with_actor_and_comment(make_hazard: Any, personas: Any) -> None:
    hazard = make_hazard()
    services.hazard_confirm(actor=personas.enterprise_user, hazard=hazard, deadline=deadline_after(), comment="确认")
    services.hazard_request_acceptance(
        actor=personas.enterprise_user, hazard=hazard, rectification="第一次整改", evidence=[photo()]
    )
    services.hazard_reject(actor=personas.district_a, hazard=hazard, comment="不到位")
    services.hazard_request_acceptance(
        actor=personas.enterprise_user, hazard=hazard, rectification="第二次整改", evidence=[photo()]
    )
    services.hazard_accept(actor=personas.district_a, hazard=hazard, comment="验收通过")
    timeline = list(HazardTransition.objects.filter(hazard=hazard).order_by("at", "id"))
    assert [(t.action, t.from_state, t.to_state) for t in timeline] == [
        ("report", None, S.TO_CONFIRM),
        ("confirm", S.TO_CONFIRM, S.RECTIFYING),
        ("request_acceptance", S.RECTIFYING, S.AWAITING_ACCEPTANCE),
        ("reject", S.AWAITING_ACCEPTANCE, S.RECTIFYING),
        ("request_acceptance", S.RECTIFYING, S.AWAITING_ACCEPTANCE),
        ("accept", S.AWAITING_ACCEPTANCE, S.ACCEPTED),
    ]
    assert [t.actor for t in timeline] == [personas.district_a] + [personas.enterprise_user] * 2 + [personas.district_a] + [
        personas.enterprise_user,
        personas.district_a,
    ]
    assert [t.actor_label for t in timeline][:2] == ["district_a", "enterprise_user"]
    assert [t.comment for t in timeline][1:] == ["确认", "第一次整改", "不到位", "第二次整改", "验收通过"]


def test_report_numbers_the_hazard_and_refuses_another_enterprises_liable_person(city: Any, personas: Any) -> None:
    hazard = services.hazard_report(actor=personas.district_a, organisation=city.enterprise_a, description="x")
    assert HiddenHazard.objects.get(pk=hazard.pk).code == f"YH-{timezone.localtime(hazard.discovered_at):%Y}-000001"
    with pytest.raises(ValidationError) as exc:
        services.hazard_report(
            actor=personas.city_official,
            organisation=city.enterprise_b,
            description="x",
            liable_person=personas.enterprise_user.person,
        )
    assert "liable_person" in exc.value.message_dict


def test_deadline_before_discovery_is_refused(city: Any, personas: Any, make_hazard: Any) -> None:
    now = timezone.now()
    hazard = HiddenHazard(
        organisation=city.enterprise_a, description="x", discovered_at=now, deadline=timezone.localdate(now) - timedelta(days=1)
    )
    with pytest.raises(ValidationError, match="deadline cannot be before"):
        hazard.full_clean(exclude=["code"])
    with pytest.raises(ValidationError, match="deadline cannot be before"):
        services.hazard_report(
            actor=personas.district_a,
            organisation=city.enterprise_a,
            description="x",
            deadline=timezone.localdate() - timedelta(days=1),
        )
    stored = make_hazard()
    with pytest.raises(ValidationError, match="deadline cannot be before"):
        services.hazard_confirm(actor=personas.district_a, hazard=stored, deadline=timezone.localdate() - timedelta(days=1))
    assert_unchanged(stored, S.TO_CONFIRM, 1)
    with pytest.raises(IntegrityError), transaction.atomic():  # the database itself holds the rule
        HiddenHazard.objects.filter(pk=stored.pk).update(deadline=timezone.localdate() - timedelta(days=5))


def test_accepted_hazard_without_acceptance_is_refused_by_the_database(make_hazard: Any) -> None:
    hazard = make_hazard(S.AWAITING_ACCEPTANCE)
    with pytest.raises(IntegrityError), transaction.atomic():
        HiddenHazard.objects.filter(pk=hazard.pk).update(state=S.ACCEPTED)


def test_update_fixes_the_level_once_confirmed_and_closed_hazards(make_hazard: Any, personas: Any) -> None:
    hazard = make_hazard(S.RECTIFYING)
    services.hazard_update(actor=personas.district_a, hazard=hazard, description="更正描述")
    assert HiddenHazard.objects.get(pk=hazard.pk).description == "更正描述"
    with pytest.raises(ValidationError) as exc:
        services.hazard_update(actor=personas.district_a, hazard=hazard, level=HazardLevel.MAJOR)
    assert "level" in exc.value.message_dict
    with pytest.raises(ValidationError, match="closed"):
        services.hazard_update(actor=personas.district_a, hazard=make_hazard(S.ACCEPTED), description="改")
    with pytest.raises(PermissionDenied):
        services.hazard_update(actor=personas.district_b, hazard=hazard, description="改")


def test_audit_trail_records_the_hazard_writes_with_their_actor(city: Any, personas: Any) -> None:
    with audit_context(source=AuditSource.UI, actor=personas.district_a):
        hazard = services.hazard_report(actor=personas.district_a, organisation=city.enterprise_a, description="审计")
    with audit_context(source=AuditSource.API, actor=personas.enterprise_user):
        services.hazard_fix_on_the_spot(
            actor=personas.enterprise_user, hazard=hazard, rectification="当场整改", evidence=[photo()]
        )
    entries = AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(HiddenHazard), object_id=str(hazard.pk)
    ).order_by("time", "id")
    assert entries[0].action == "create" and entries[0].actor == personas.district_a
    change = entries.filter(actor=personas.enterprise_user, source=AuditSource.API).last()
    assert change is not None and change.action == "update"
    assert "state" in change.changed_fields
    assert change.after["state"] == S.AWAITING_ACCEPTANCE
    assert change.organisation_id == city.enterprise_a.pk


def test_confirm_refuses_a_liable_person_of_another_enterprise(make_hazard: Any, personas: Any) -> None:
    """Same rule as at reporting: the liable person (who gets the overdue reminders) works at the enterprise."""
    hazard = make_hazard()
    with pytest.raises(ValidationError):
        services.hazard_confirm(
            actor=personas.city_official, hazard=hazard, deadline=deadline_after(), liable_person=personas.district_b.person
        )
    fresh = HiddenHazard.objects.get(pk=hazard.pk)
    assert (fresh.state, fresh.liable_person) == (S.TO_CONFIRM, None)


def test_hazard_number_carries_the_local_year(city: Any, personas: Any) -> None:
    """Found at 05:00 on New Year's Day in Changzhou (still the old year in UTC): numbered in the new year."""
    with time_machine.travel(datetime(2024, 1, 1, 5, 0, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
        hazard = services.hazard_report(actor=personas.district_a, organisation=city.enterprise_a, description="元旦凌晨发现")
    assert HiddenHazard.objects.get(pk=hazard.pk).code == "YH-2024-000001"

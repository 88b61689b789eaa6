"""The rule of invited inspections (domain-rules §7b): findings rectified within their deadline stay
out of enforcement; one still open after it is referred (once) by the daily job, and only then is
it on the enforcement list. The no-penalty list's four conditions, each shown met / failed."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from safecity.hazards.choices import HazardState
from safecity.hazards.services import hazard_confirm, hazard_request_acceptance
from safecity.invitations import selectors
from safecity.invitations.choices import ConditionStatus, NoPenaltyCondition
from safecity.invitations.models import Finding, InvitationEvent
from safecity.invitations.services import invitations as svc
from safecity.invitations.services.findings import findings_refer_overdue, no_penalty_applies, no_penalty_conditions

from .conftest import Inv

pytestmark = pytest.mark.django_db
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


def _report(inv: Inv, *, first_violation: bool = True, fatal: bool = False) -> list[Finding]:
    invitation = inv.schedule(inv.invite())
    today = timezone.localdate()
    inputs = [
        svc.FindingInput(description="灭火器过期", deadline=today + timedelta(days=5), first_violation=first_violation),
        svc.FindingInput(description="动态监控报警未处置", deadline=today + timedelta(days=5)),
    ]
    svc.invitation_report(
        actor=inv.inspector, invitation=invitation, inspected_on=today, advice="建议", findings=inputs, fatal_accident_3y=fatal
    )
    return list(Finding.objects.filter(invitation=invitation).select_related("hazard", "invitation").order_by("id"))


def _fix(inv: Inv, finding: Finding) -> None:
    hazard = hazard_confirm(actor=inv.manager, hazard=finding.hazard)
    photo = SimpleUploadedFile("fix.png", PNG, content_type="image/png")
    hazard_request_acceptance(actor=inv.manager, hazard=hazard, rectification="已更换", evidence=[photo])


def test_rectified_in_time_stays_out_unrectified_is_referred_once(inv: Inv) -> None:
    fixed, open_ = _report(inv)
    _fix(inv, fixed)
    deadline = open_.hazard.deadline
    assert findings_refer_overdue(on=deadline) == 0  # on the deadline day: still in time
    assert not selectors.enforcement_list(user=inv.inspector).exists()
    assert findings_refer_overdue(on=deadline + timedelta(days=1)) == 1
    open_.refresh_from_db()
    fixed.refresh_from_db()
    assert open_.referred_at is not None and fixed.referred_at is None
    assert list(selectors.enforcement_list(user=inv.inspector)) == [open_]
    assert findings_refer_overdue(on=deadline + timedelta(days=2)) == 0  # once
    assert InvitationEvent.objects.filter(action="refer").count() == 1


def test_fixed_after_the_deadline_is_referred(inv: Inv) -> None:
    late, _other = _report(inv)
    deadline = late.hazard.deadline
    with_time = timezone.make_aware(timezone.datetime.combine(deadline + timedelta(days=2), timezone.datetime.min.time()))
    _fix(inv, late)
    type(late.hazard).objects.filter(pk=late.hazard_id).update(acceptance_requested_at=with_time)
    findings_refer_overdue(on=deadline + timedelta(days=3))
    late.refresh_from_db()
    assert late.referred_at is not None


def test_enforcement_list_is_the_authoritys_only(inv: Inv) -> None:
    fixed, open_ = _report(inv)
    _fix(inv, fixed)
    findings_refer_overdue(on=open_.hazard.deadline + timedelta(days=1))
    p = inv.personas
    assert list(selectors.enforcement_list(user=p.city_official)) == [open_]
    assert list(selectors.enforcement_list(user=p.district_a)) == [open_]
    for user in (p.district_b, p.enterprise_user, p.expert, p.outsider):
        assert not selectors.enforcement_list(user=user).exists()


def test_no_penalty_conditions(inv: Inv) -> None:
    first, second = _report(inv, first_violation=False)
    today = timezone.localdate()
    checks = {c.condition: c.status for c in no_penalty_conditions(first, on=today)}
    assert checks == {
        NoPenaltyCondition.FIRST_VIOLATION: ConditionStatus.FAILED,
        NoPenaltyCondition.MINOR_CORRECTED: ConditionStatus.PENDING,
        NoPenaltyCondition.NO_FATAL_ACCIDENT: ConditionStatus.MET,
        NoPenaltyCondition.NOT_DISHONEST: ConditionStatus.MET,
    }
    assert no_penalty_applies(first, on=today) is False
    assert no_penalty_applies(second, on=today) is None  # not yet rectified, deadline ahead
    _fix(inv, second)
    second.refresh_from_db()
    assert no_penalty_applies(second, on=today) is True
    after = second.hazard.deadline + timedelta(days=1)
    assert {c.condition: c.status for c in no_penalty_conditions(first, on=after)}[
        NoPenaltyCondition.MINOR_CORRECTED
    ] == ConditionStatus.FAILED


def test_fatal_accident_fails_the_list(inv: Inv) -> None:
    first, _second = _report(inv, fatal=True)
    statuses = {c.condition: c.status for c in no_penalty_conditions(first)}
    assert statuses[NoPenaltyCondition.NO_FATAL_ACCIDENT] == ConditionStatus.FAILED
    assert first.hazard.state == HazardState.TO_CONFIRM


def test_the_assigned_expert_sees_the_findings_hazards_only(inv: Inv) -> None:
    from safecity.core.scoping import scoped
    from safecity.hazards.models import HiddenHazard

    fixed, open_ = _report(inv)
    elsewhere = svc.invitation_schedule(
        actor=inv.inspector,
        invitation=inv.invite(enterprise=inv.city.enterprise_b, on=timezone.localdate()),
        scheduled_on=timezone.localdate(),
        inspectors=[inv.inspector.person],
    )
    assert set(scoped(HiddenHazard, inv.personas.expert)) == {fixed.hazard, open_.hazard}
    assert set(scoped(Finding, inv.personas.expert)) == {fixed, open_}
    assert elsewhere not in set(scoped(type(elsewhere), inv.personas.expert))

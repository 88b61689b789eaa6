"""The steps of an invited inspection (services): every allowed and forbidden transition, the SLA,
the bad inputs (date in the past, late schedule without reason, score out of range, accepting
twice) refused in words with nothing half-written."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from safecity.hazards.choices import HazardSource, HazardState
from safecity.invitations.choices import InvitationState, ItemResult
from safecity.invitations.legal import LEGAL_BASIS
from safecity.invitations.models import ChecklistItem, Finding, Invitation, InvitationEvent, LibraryCitation
from safecity.invitations.services import invitations as svc
from safecity.invitations.services.common import InvitationError
from safecity.invitations.sla import add_working_days, sla_due, working_days_between
from safecity.library.models import LibraryEntry

from .conftest import Inv

pytestmark = pytest.mark.django_db


def test_working_days() -> None:
    friday = date(2023, 3, 3)
    assert add_working_days(friday, 1) == date(2023, 3, 6)  # Monday
    assert add_working_days(friday, 5) == date(2023, 3, 10)
    assert sla_due(friday) == date(2023, 3, 10)
    assert working_days_between(friday, date(2023, 3, 10)) == 5
    assert working_days_between(friday, friday) == 0


def test_invite_records_sla_timeline_and_legal_basis(inv: Inv) -> None:
    basis = LEGAL_BASIS[0]
    entry = LibraryEntry.objects.create(kind=basis.kind, title=basis.title, summary=basis.summary)
    invitation = inv.invite()
    assert invitation.state == InvitationState.INVITED
    assert invitation.sla_due_on == sla_due(timezone.localdate())
    assert list(invitation.events.values_list("action", flat=True)) == ["invite"]
    assert list(LibraryCitation.objects.filter(invitation=invitation).values_list("library_entry", flat=True)) == [entry.pk]


def test_invite_for_a_date_in_the_past_is_refused(inv: Inv) -> None:
    yesterday = timezone.localdate() - timedelta(days=1)
    with pytest.raises(InvitationError) as error:
        inv.invite(preferred_from=yesterday, preferred_to=yesterday + timedelta(days=5))
    assert "preferred_from" in error.value.message_dict
    assert not Invitation.objects.exists() and not InvitationEvent.objects.exists()


def test_only_the_enterprise_manager_invites(inv: Inv) -> None:
    day = timezone.localdate()
    for actor in (inv.inspector, inv.personas.district_b, inv.personas.outsider):
        with pytest.raises(PermissionDenied):
            svc.invitation_create(
                actor=actor, enterprise=inv.city.enterprise_a, authority=inv.detachment, topic="t",
                preferred_from=day + timedelta(days=2), preferred_to=day + timedelta(days=3),
            )  # fmt: skip
    assert not Invitation.objects.exists()


def test_authority_must_be_over_the_enterprise(inv: Inv) -> None:
    day = timezone.localdate()
    with pytest.raises(InvitationError) as error:
        svc.invitation_create(
            actor=inv.manager, enterprise=inv.city.enterprise_a, authority=inv.city.bureau_b, topic="t",
            preferred_from=day + timedelta(days=2), preferred_to=day + timedelta(days=3),
        )  # fmt: skip
    assert "authority" in error.value.message_dict


def test_schedule_within_sla_then_accepting_twice_is_refused(inv: Inv) -> None:
    invitation = inv.schedule(inv.invite())
    assert invitation.state == InvitationState.SCHEDULED and not invitation.scheduled_late
    assert invitation.items.count() == 2
    assert list(invitation.experts.all()) == [inv.expert]
    with pytest.raises(InvitationError) as error:
        inv.schedule(invitation)
    assert error.value.error_code == "transition_not_allowed"
    assert "已排期" in str(error.value.messages) or "Scheduled" in str(error.value.messages)
    assert invitation.items.count() == 2  # nothing written twice


def test_schedule_after_sla_needs_a_reason(inv: Inv) -> None:
    invitation = inv.invite()
    late = invitation.sla_due_on + timedelta(days=1)
    with time_machine.travel(timezone.make_aware(timezone.datetime.combine(late, timezone.datetime.min.time())).replace(hour=10)):
        with pytest.raises(InvitationError) as error:
            inv.schedule(invitation, scheduled_on=late + timedelta(days=2))
        assert "late_reason" in error.value.message_dict
        invitation.refresh_from_db()
        assert invitation.state == InvitationState.INVITED and not ChecklistItem.objects.exists()
        done = inv.schedule(invitation, scheduled_on=late + timedelta(days=2), late_reason="支队集中开展专项整治，人手不足")
    assert done.scheduled_late and done.late_reason


def test_schedule_refuses_past_date_and_foreign_inspectors(inv: Inv) -> None:
    invitation = inv.invite()
    with pytest.raises(InvitationError) as error:
        inv.schedule(invitation, scheduled_on=timezone.localdate() - timedelta(days=1), inspectors=[inv.other_inspector.person])
    assert set(error.value.message_dict) == {"scheduled_on", "inspectors"}


def test_only_the_addressed_authority_or_officials_schedule(inv: Inv) -> None:
    invitation = inv.invite()
    for actor in (inv.other_inspector, inv.manager, inv.personas.expert, inv.personas.district_b, inv.personas.outsider):
        with pytest.raises(PermissionDenied):
            svc.invitation_schedule(
                actor=actor, invitation=invitation, scheduled_on=timezone.localdate() + timedelta(days=2),
                inspectors=[inv.inspector.person],
            )  # fmt: skip
    done = svc.invitation_schedule(
        actor=inv.personas.district_a, invitation=invitation, scheduled_on=timezone.localdate() + timedelta(days=2),
        inspectors=[inv.inspector.person],
    )  # fmt: skip
    assert done.state == InvitationState.SCHEDULED


def test_decline_and_withdraw(inv: Inv) -> None:
    first = inv.invite()
    with pytest.raises(InvitationError):
        svc.invitation_decline(actor=inv.inspector, invitation=first, reason=" ")
    declined = svc.invitation_decline(actor=inv.inspector, invitation=first, reason="不属于交通运输执法范围")
    assert declined.state == InvitationState.DECLINED
    with pytest.raises(InvitationError):
        svc.invitation_withdraw(actor=inv.manager, invitation=declined)
    second = inv.invite()
    with pytest.raises(PermissionDenied):
        svc.invitation_withdraw(actor=inv.inspector, invitation=second)
    assert svc.invitation_withdraw(actor=inv.manager, invitation=second).state == InvitationState.WITHDRAWN
    with pytest.raises(InvitationError):
        inv.schedule(second)


def _reported(inv: Inv, *, findings: int = 2) -> Invitation:
    invitation = inv.schedule(inv.invite())
    item = invitation.items.first()
    svc.checklist_record(
        actor=inv.inspector, invitation=invitation, results={item.pk: (ItemResult.CONFORMING, "运行正常")}, added=["消防器材"]
    )
    today = timezone.localdate()
    inputs = [
        svc.FindingInput(description=f"隐患{n}", deadline=today + timedelta(days=10), item=invitation.items.last())
        for n in range(findings)
    ]
    return svc.invitation_report(
        actor=inv.inspector, invitation=invitation, inspected_on=today, advice="加强监控", findings=inputs
    )


def test_report_reports_hazards_through_the_lifecycle(inv: Inv) -> None:
    invitation = _reported(inv)
    assert invitation.state == InvitationState.REPORTED
    findings = Finding.objects.filter(invitation=invitation).select_related("hazard")
    assert findings.count() == 2
    for finding in findings:
        assert finding.hazard.source == HazardSource.SPECIALIST
        assert finding.hazard.state == HazardState.TO_CONFIRM
        assert finding.hazard.organisation == inv.city.enterprise_a
        assert finding.hazard.deadline == timezone.localdate() + timedelta(days=10)
        assert finding.referred_at is None
    assert invitation.items.filter(result=ItemResult.FINDING).count() == 1
    assert invitation.items.count() == 3


def test_report_with_a_bad_finding_writes_nothing(inv: Inv) -> None:
    from safecity.hazards.models import HiddenHazard

    invitation = inv.schedule(inv.invite())
    today = timezone.localdate()
    bad = [
        svc.FindingInput(description="好的", deadline=today + timedelta(days=3)),
        svc.FindingInput(description="期限早于检查", deadline=today - timedelta(days=3)),
    ]
    with pytest.raises(InvitationError) as error:
        svc.invitation_report(actor=inv.inspector, invitation=invitation, inspected_on=today, advice="x", findings=bad)
    assert "findings" in error.value.message_dict
    assert not HiddenHazard.objects.exists() and not Finding.objects.exists()
    invitation.refresh_from_db()
    assert invitation.state == InvitationState.SCHEDULED


def test_follow_up_and_rating(inv: Inv) -> None:
    invitation = _reported(inv, findings=1)
    with pytest.raises(PermissionDenied):
        svc.invitation_follow_up(actor=inv.manager, invitation=invitation, visited_on=timezone.localdate(), note="x")
    with pytest.raises(InvitationError):
        svc.invitation_follow_up(actor=inv.inspector, invitation=invitation, visited_on=timezone.localdate(), note="")
    followed = svc.invitation_follow_up(
        actor=inv.inspector, invitation=invitation, visited_on=timezone.localdate(), note="已整改"
    )
    assert followed.state == InvitationState.FOLLOWED_UP
    for bad in (0, 6, "abc", "3.5", None, True):
        with pytest.raises(InvitationError) as error:
            svc.invitation_rate(actor=inv.manager, invitation=followed, rating=bad)
        assert "rating" in error.value.message_dict
    with pytest.raises(PermissionDenied):
        svc.invitation_rate(actor=inv.inspector, invitation=followed, rating=5)
    rated = svc.invitation_rate(actor=inv.manager, invitation=followed, rating="5", comment="专业")
    assert rated.rating == 5
    with pytest.raises(InvitationError) as error:
        svc.invitation_rate(actor=inv.manager, invitation=rated, rating=4)
    assert error.value.error_code == "transition_not_allowed"
    rated.refresh_from_db()
    assert rated.rating == 5


def test_rating_before_the_report_is_refused(inv: Inv) -> None:
    invitation = inv.invite()
    with pytest.raises(InvitationError):
        svc.invitation_rate(actor=inv.manager, invitation=invitation, rating=4)


def test_every_step_is_on_the_timeline(inv: Inv) -> None:
    invitation = _reported(inv, findings=0)
    actions = list(InvitationEvent.objects.filter(invitation=invitation).values_list("action", flat=True))
    assert actions == ["invite", "schedule", "report"]


def test_invitation_and_timeline_rows_are_audited(inv: Inv) -> None:
    from django.contrib.contenttypes.models import ContentType

    from safecity.core.models import AuditEntry

    invitation = inv.invite()
    for obj in (invitation, invitation.events.get()):
        entries = AuditEntry.objects.filter(content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk))
        assert entries.filter(action="create").exists()

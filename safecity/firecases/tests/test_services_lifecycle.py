"""Every allowed and forbidden step of a case, and the rules of each step (domain-rules §5)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from safecity.firecases import services
from safecity.firecases.choices import CaseState, DecisionKind, FollowUpOutcome, LeadStatus, ReplyAssessment
from safecity.firecases.models import CaseEvent, ProsecutedPerson
from safecity.firecases.tests.conftest import STEPS, at, make_case
from safecity.firecases.transitions import TRANSITIONS
from safecity.hazards.choices import HazardState, HazardType

pytestmark = pytest.mark.django_db


def test_full_path_to_prosecution_writes_the_timeline(city, agencies):
    case = make_case(city, agencies, until="prosecuted")
    assert case.state == CaseState.PROSECUTED
    actions = list(CaseEvent.objects.filter(case=case).values_list("action", flat=True))
    assert actions == [
        "file", "investigate", "add_evidence", "issue_letter", "deliver_letter", "record_reply", "assess_reply",
        "follow_up", "decide_sue", "record_prosecution",
    ]  # fmt: skip
    assert ProsecutedPerson.objects.filter(prosecution__case=case).count() == 2
    assert case.number.startswith(f"常检公立〔{case.year}〕")
    assert case.lead.status == LeadStatus.ACCEPTED


def test_inspection_reports_fire_hidden_hazards_in_the_lifecycle(city, agencies):
    inspection = services.fire_inspection_record(
        actor=agencies.fire_officer,
        organisation=city.enterprise_b,
        inspected_on=timezone.localdate(),
        inspectors="A",
        findings=[{"description": "exit locked"}, {"description": "no sprinklers", "level": 1}],
    )
    hazards = list(inspection.hazards.all())
    assert len(hazards) == 2
    assert {h.hazard_type for h in hazards} == {HazardType.FIRE}
    assert {h.state for h in hazards} == {HazardState.TO_CONFIRM}
    assert all(h.code and h.code.startswith("YH") for h in hazards)
    assert inspection.result == "major_hazard"
    assert inspection.fire_brigade == agencies.brigade


def test_fire_officer_outside_jurisdiction_cannot_inspect(city, agencies):
    # The other brigade's officer covers district B only.
    with pytest.raises(PermissionDenied):
        services.fire_inspection_record(
            actor=agencies.other_fire_officer, organisation=city.enterprise_a, inspected_on=timezone.localdate(), inspectors="A"
        )


@pytest.mark.parametrize("user", ["procurator", "district_a", "enterprise_user"])
def test_only_fire_officers_inspect_and_refer(city, agencies, personas, user):
    actor = getattr(agencies, user, None) or getattr(personas, user)
    with pytest.raises(PermissionDenied):
        services.fire_inspection_record(
            actor=actor, organisation=city.enterprise_a, inspected_on=timezone.localdate(), inspectors="A"
        )
    with pytest.raises(PermissionDenied):
        services.lead_refer(actor=actor, organisation=city.enterprise_a, description="x")


def test_only_procurators_file_and_move_cases(city, agencies, personas):
    case = make_case(city, agencies, until="filed")
    for actor in (agencies.fire_officer, personas.city_official, personas.district_a, personas.enterprise_user):
        with pytest.raises(PermissionDenied):
            services.case_investigate(actor=actor, case=case)
    lead = services.lead_refer(actor=agencies.fire_officer, organisation=city.enterprise_b, description="y")
    with pytest.raises(PermissionDenied):
        services.case_file(actor=agencies.fire_officer, lead=lead)
    with pytest.raises(PermissionDenied):
        services.case_file(actor=personas.city_official, lead=lead)


def test_a_lead_is_filed_once(city, agencies):
    case = make_case(city, agencies, until="filed")
    with pytest.raises(ValidationError):
        services.case_file(actor=agencies.procurator, lead=case.lead)


def test_declined_lead_cannot_become_a_case(city, agencies):
    lead = services.lead_refer(actor=agencies.fire_officer, organisation=city.enterprise_b, description="y")
    with pytest.raises(ValidationError):
        services.lead_decline(actor=agencies.procurator, lead=lead, note="")
    services.lead_decline(actor=agencies.procurator, lead=lead, note="outside our remit")
    with pytest.raises(ValidationError):
        services.case_file(actor=agencies.procurator, lead=lead)


ACTIONS = sorted({action for action, _source in TRANSITIONS})


@pytest.mark.parametrize("state", [s for s in STEPS if s not in ("sued",)])
def test_every_step_out_of_order_is_refused(city, agencies, state):
    """From each state, exactly the actions of the table are possible; the others are refused clearly."""
    case = make_case(city, agencies, until=state)
    allowed = {action for action, source in TRANSITIONS if source == state}
    from safecity.firecases.services.common import check

    for action in ACTIONS:
        if action in allowed:
            assert check(agencies.procurator, case, action).target
        else:
            with pytest.raises(ValidationError) as error:
                check(agencies.procurator, case, action)
            assert error.value.code == "transition_not_allowed"


def test_letter_without_a_case_is_refused(city, agencies):
    with pytest.raises(ValidationError) as error:
        services.letter_issue(actor=agencies.procurator, case=None, addressee=city.bureau_a, facts="f", suggestions="s")
    assert "case" in error.value.message_dict


def test_letter_before_investigation_is_refused(city, agencies):
    case = make_case(city, agencies, until="filed")
    with pytest.raises(ValidationError):
        services.letter_issue(actor=agencies.procurator, case=case, addressee=city.bureau_a, facts="f", suggestions="s")


def test_reply_after_letter_issued_but_before_delivery_is_refused(city, agencies):
    case = make_case(city, agencies, until="letter_issued")
    with pytest.raises(ValidationError):
        services.reply_record(actor=agencies.procurator, letter=case.letters.get(), received_on=timezone.localdate(), content="x")


def test_decision_requires_follow_up_review(city, agencies):
    case = make_case(city, agencies, until="reply_assessed")
    with pytest.raises(ValidationError):
        services.decision_record(actor=agencies.procurator, case=case, kind=DecisionKind.SUE, reason="r")
    services.follow_up_record(
        actor=agencies.procurator, case=case, reviewed_on=timezone.localdate(), outcome=FollowUpOutcome.RECTIFIED, findings="ok"
    )
    decision = services.decision_record(actor=agencies.procurator, case=case, kind=DecisionKind.NOT_SUE, reason="fixed")
    assert decision.case.state == CaseState.NOT_SUED


def test_prosecution_needs_a_person(city, agencies):
    case = make_case(city, agencies, until="sued")
    with pytest.raises(ValidationError):
        services.prosecution_record(actor=agencies.procurator, case=case, filed_on=timezone.localdate(), court="c", persons=[])
    case.refresh_from_db()
    assert case.state == CaseState.SUED


def test_assessment_must_be_a_known_value(city, agencies):
    case = make_case(city, agencies, until="reply_received")
    reply = case.letters.get().reply
    with pytest.raises(ValidationError):
        services.reply_assess(actor=agencies.procurator, reply=reply, assessment="maybe")
    services.reply_assess(actor=agencies.procurator, reply=reply, assessment=ReplyAssessment.ADEQUATE)


def test_evidence_after_the_letter_is_refused(city, agencies):
    case = make_case(city, agencies, until="letter_issued")
    with pytest.raises(ValidationError):
        services.case_evidence_add(actor=agencies.procurator, case=case, title="late", collected_on=timezone.localdate())


def test_case_filed_before_its_lead_is_refused(city, agencies):
    lead = services.lead_refer(actor=agencies.fire_officer, organisation=city.enterprise_b, description="y")
    with pytest.raises(ValidationError):
        services.case_file(actor=agencies.procurator, lead=lead, filed_at=at(timezone.localdate() - timedelta(days=3)))

"""Fire-case fixtures: a procuratorate and two fire rescue detachments with their people, and a case
factory that walks the lifecycle through the services up to a requested step."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

import pytest
from django.utils import timezone

from conftest import City, make_org, make_user
from safecity.core.choices import OrganisationKind, Role
from safecity.firecases import services
from safecity.firecases.choices import DecisionKind, FollowUpOutcome, ParticipantCapacity, ReplyAssessment
from safecity.firecases.models import Case

MINUTES = {
    "minutes_introduction": "intro",
    "minutes_positions": "positions",
    "minutes_questions": "questions",
    "minutes_deliberation": "deliberation",
    "minutes_opinion": "opinion",
    "minutes_statements": "statements",
    "minutes_summary": "summary",
}


def at(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


@dataclass
class Agencies:
    procuratorate: Any
    brigade: Any
    other_brigade: Any
    procurator: Any
    fire_officer: Any
    other_fire_officer: Any


@pytest.fixture
def agencies(city: City) -> Agencies:
    root = city.superuser
    procuratorate = make_org("常州市人民检察院", OrganisationKind.PROCURATORATE, city.city, actor=root)
    brigade = make_org("常州市消防救援支队", OrganisationKind.FIRE_BRIGADE, city.city, actor=root)
    other = make_org("武进区消防救援大队", OrganisationKind.FIRE_BRIGADE, city.district_b, actor=root)
    return Agencies(
        procuratorate=procuratorate,
        brigade=brigade,
        other_brigade=other,
        procurator=make_user(city, "procurator", procuratorate, Role.PROCURATOR, city.city),
        fire_officer=make_user(city, "fire_officer", brigade, Role.FIRE_OFFICER, city.city),
        other_fire_officer=make_user(city, "other_fire_officer", other, Role.FIRE_OFFICER, city.district_b),
    )


STEPS = [
    "filed", "investigating", "letter_issued", "awaiting_reply", "reply_received", "reply_assessed", "reviewed",
    "not_sued", "sued", "prosecuted",
]  # fmt: skip


def make_case(city: City, ag: Agencies, *, until: str = "filed", urgent: bool = False, start: date | None = None) -> Case:
    """A case about enterprise A from the main brigade's lead, advanced through the services."""
    start = start or timezone.localdate() - timedelta(days=200)
    inspection = services.fire_inspection_record(
        actor=ag.fire_officer,
        organisation=city.enterprise_a,
        inspected_on=start,
        inspectors="A, B",
        findings=[{"description": "三合一 site", "level": 1}],
    )
    lead = services.lead_refer(
        actor=ag.fire_officer,
        organisation=city.enterprise_a,
        description="lead",
        inspection=inspection,
        referred_at=at(start + timedelta(days=1)),
    )
    case = services.case_file(actor=ag.procurator, lead=lead, urgent=urgent, filed_at=at(start + timedelta(days=2)))
    if until == "filed":
        return case
    services.case_evidence_add(actor=ag.procurator, case=case, title="record", collected_on=start + timedelta(days=3))
    if until == "investigating":
        return _reload(case)
    letter = services.letter_issue(
        actor=ag.procurator,
        case=case,
        addressee=city.bureau_a,
        facts="facts",
        suggestions="do it",
        issued_on=start + timedelta(days=5),
    )
    if until == "letter_issued":
        return _reload(case)
    letter = services.letter_deliver(actor=ag.procurator, letter=letter, delivered_on=start + timedelta(days=6))
    if until == "awaiting_reply":
        return _reload(case)
    reply = services.reply_record(actor=ag.procurator, letter=letter, received_on=start + timedelta(days=20), content="done")
    if until == "reply_received":
        return _reload(case)
    services.reply_assess(
        actor=ag.procurator, reply=reply, assessment=ReplyAssessment.INADEQUATE, assessed_on=start + timedelta(days=21)
    )
    if until == "reply_assessed":
        return _reload(case)
    services.follow_up_record(
        actor=ag.procurator, case=case, reviewed_on=start + timedelta(days=30), outcome=FollowUpOutcome.PARTLY, findings="f"
    )
    if until == "reviewed":
        return _reload(case)
    kind = DecisionKind.NOT_SUE if until == "not_sued" else DecisionKind.SUE
    services.decision_record(actor=ag.procurator, case=case, kind=kind, reason="r", decided_on=start + timedelta(days=31))
    if until in ("not_sued", "sued"):
        return _reload(case)
    services.prosecution_record(
        actor=ag.procurator, case=case, filed_on=start + timedelta(days=40), court="court", persons=[{"name": "X"}, {"name": "Y"}]
    )
    return _reload(case)


def _reload(case: Case) -> Case:
    return Case.objects.get(pk=case.pk)


def participants() -> list[dict[str, str]]:
    return [{"name": "member", "capacity": ParticipantCapacity.HEARING_MEMBER}]

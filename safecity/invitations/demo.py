"""Demo step ``invitations.transport`` (issue 16 §5, domain-rules §7b): the transport
law-enforcement detachment's invitation-style inspections.

The city step made 41 road transport companies for them. In 2023 each invited the detachment
(常州市交通运输综合行政执法支队) once: the detachment accepted and scheduled each within the
5-working-day deadline (two late, with the reason recorded), inspected with two inspectors and an
expert of the pool, on a checklist from the risk dictionary and free items, reported the hidden
hazards it found (each rectified within its deadline, so none entered enforcement), followed each
up and was rated by the company; ``safecity figures --year 2023`` shows 41 invitations received.
This year: one invitation awaiting scheduling, one scheduled, and one whose finding was not
rectified by its deadline and has been referred to enforcement (the company of
``transport.manager``). The legal basis (the no-penalty lists, the practice) is put into the
library through the library service when it is missing.

Accounts: ``transport.inspector`` (an inspector of the detachment, city-wide) and
``transport.manager`` (the manager of one of the 41 companies).
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone

from safecity.core import services as core_services
from safecity.core.calendar import working_calendar
from safecity.core.choices import OrganisationKind, Role
from safecity.core.demo import DEMO_PASSWORD, register_step
from safecity.core.models import Organisation, Person, Region
from safecity.deepchecks.models import Expert
from safecity.hazards.choices import HazardState, HazardType
from safecity.hazards.models import HazardTransition, HiddenHazard
from safecity.invitations.legal import LEGAL_BASIS
from safecity.invitations.models import Finding, Invitation
from safecity.invitations.services import invitations as svc
from safecity.invitations.services.common import moment
from safecity.invitations.services.findings import findings_refer_overdue
from safecity.invitations.sla import add_working_days
from safecity.library.models import LibraryEntry
from safecity.riskdict.models import CheckItem

DETACHMENT = "常州市交通运输综合行政执法支队"
COMPANIES = 41
TOPICS = [
    "危险货物运输车辆动态监控",
    "驾驶员从业资格与安全教育",
    "车辆技术状况与维护",
    "停车场消防安全",
    "应急预案与应急演练",
    "安全生产责任制落实",
]
CONCERNS = [
    "动态监控平台报警处置记录不全，担心不符合要求。",
    "新招驾驶员较多，安全教育台账不知道是否规范。",
    "部分车辆使用年限较长，想请专家看看维护是否到位。",
    "停车场夜间停放车辆多，消防设施配置是否够用。",
    "应急预案多年未修订，想请执法人员指导。",
]
FREE_ITEMS = ["动态监控平台运行与报警处置", "驾驶员从业资格证", "车辆二级维护记录", "停车场灭火器配置", "安全生产培训台账"]
FINDINGS = [
    ("动态监控平台疲劳驾驶报警未及时处置，处置记录缺失", HazardType.SAFETY),
    ("停车场灭火器部分过期，未按期检验", HazardType.FIRE),
    ("两辆车辆轮胎磨损超限，未及时更换", HazardType.EQUIPMENT),
    ("驾驶员安全教育培训台账不完整", HazardType.SAFETY),
    ("车辆应急锤缺失", HazardType.EQUIPMENT),
    ("维修车间电气线路私拉乱接", HazardType.ELECTRICAL),
]
LATE_REASON = "支队同期开展道路运输安全专项整治，检查力量不足，经与企业协商后顺延。"


def transport_companies() -> list[Organisation]:
    """The 41 road transport companies the city step made for the invitation-style inspections."""
    return list(
        Organisation.objects.filter(
            kind=OrganisationKind.ENTERPRISE,
            name__endswith="运输有限公司",
            industry_code__in=["G5430", "G5436", "G5411"],
        ).order_by("pk")[:COMPANIES]
    )


def _weekday(day: date) -> date:
    """``day``, or the next working day by the public-holiday calendar."""
    calendar = working_calendar()
    while not calendar.is_working(day):
        day += timedelta(days=1)
    return day


def _library(committee: Any) -> None:
    from safecity.library.services import library_entry_create

    have = set(LibraryEntry.objects.values_list("title", flat=True))
    for basis in LEGAL_BASIS:
        if basis.title not in have:
            library_entry_create(
                actor=committee,
                kind=basis.kind,
                title=basis.title,
                issuing_body=basis.issuing_body,
                summary=basis.summary,
                effective_on=basis.effective_on,
            )


def _people(admin: Any, detachment: Organisation, company: Organisation) -> tuple[Any, list[Person]]:
    users = get_user_model().objects
    city = Region.objects.get(code="320400")
    inspector = core_services.person_create(
        actor=admin,
        name="沈建国",
        organisation=detachment,
        title="执法大队执法人员",
        user=users.create_user(username="transport.inspector", password=DEMO_PASSWORD),
        phone="13906128841",
    )
    core_services.role_assign(actor=admin, person=inspector, role=Role.INSPECTOR, organisation=detachment, jurisdiction=city)
    colleagues = [
        core_services.person_create(actor=admin, name=name, organisation=detachment, title="执法人员")
        for name in ("周海峰", "蒋丽娟")
    ]
    manager = core_services.person_create(
        actor=admin,
        name="钱志明",
        organisation=company,
        title="安全经理",
        user=users.create_user(username="transport.manager", password=DEMO_PASSWORD),
        phone="13775201963",
    )
    core_services.role_assign(actor=admin, person=manager, role=Role.ENTERPRISE_MANAGER, organisation=company)
    return users.get(username="transport.inspector"), [inspector, *colleagues]


def _close(hazard: HiddenHazard, *, requested: date, accepted: date, inspector: Any) -> None:
    """The enterprise rectified the hazard and the detachment accepted it, back then (the demo's
    past: the same rows the lifecycle writes, with their historic times)."""
    requested_at, accepted_at = moment(requested), moment(accepted)
    HiddenHazard.objects.filter(pk=hazard.pk).update(
        state=HazardState.ACCEPTED,
        rectification="已按检查意见完成整改，并上传整改照片",
        acceptance_requested_at=requested_at,
        accepted_by=inspector,
        accepted_at=accepted_at,
        acceptance_comment="复查确认整改到位",
    )
    label = inspector.person.name
    HazardTransition.objects.bulk_create(
        [
            HazardTransition(hazard=hazard, action="confirm", from_state=HazardState.TO_CONFIRM,
                             to_state=HazardState.RECTIFYING, actor_label="企业安全员", at=moment(hazard.discovered_at.date())),
            HazardTransition(hazard=hazard, action="request_acceptance", from_state=HazardState.RECTIFYING,
                             to_state=HazardState.AWAITING_ACCEPTANCE, actor_label="企业安全员", at=requested_at),
            HazardTransition(hazard=hazard, action="accept", from_state=HazardState.AWAITING_ACCEPTANCE,
                             to_state=HazardState.ACCEPTED, actor=inspector, actor_label=label, at=accepted_at,
                             comment="复查确认整改到位"),
        ]
    )  # fmt: skip


def _invite(rng: random.Random, company: Organisation, detachment: Organisation, on: date) -> Invitation:
    start = _weekday(on + timedelta(days=rng.randint(5, 12)))
    return svc.invitation_create(
        actor=None,
        enterprise=company,
        authority=detachment,
        topic=rng.choice(TOPICS),
        concerns=rng.choice(CONCERNS),
        preferred_from=start,
        preferred_to=start + timedelta(days=14),
        on=on,
    )


def _schedule(
    rng: random.Random, invitation: Invitation, inspector: Any, team: list[Person], *, late: bool, on: date
) -> Invitation:
    experts = list(Expert.objects.filter(is_active=True).order_by("pk")[:30])
    items = list(CheckItem.objects.order_by("pk")[:60])
    return svc.invitation_schedule(
        actor=inspector,
        invitation=invitation,
        scheduled_on=max(invitation.preferred_from, on),
        inspectors=[team[0], rng.choice(team[1:])],
        experts=rng.sample(experts, 1) if experts else [],
        check_items=rng.sample(items, min(3, len(items))),
        free_items=rng.sample(FREE_ITEMS, 2),
        late_reason=LATE_REASON if late else "",
        on=on,
    )


def _report(
    rng: random.Random, invitation: Invitation, inspector: Any, *, count: int, inspected: date, reported: date
) -> list[Finding]:
    items = list(invitation.items.order_by("position"))
    inputs = [
        svc.FindingInput(
            description=text,
            hazard_type=kind,
            deadline=inspected + timedelta(days=rng.choice((15, 20, 30))),
            item=items[n % len(items)] if items else None,
            first_violation=rng.random() > 0.1,
        )
        for n, (text, kind) in enumerate(rng.sample(FINDINGS, count))
    ]
    svc.invitation_report(
        actor=inspector,
        invitation=invitation,
        inspected_on=inspected,
        advice="建议完善动态监控报警闭环处置制度，定期开展驾驶员安全教育，按期检验消防器材。",
        findings=inputs,
        fatal_accident_3y=False,
        dishonest=False,
        on=reported,
    )
    return list(Finding.objects.filter(invitation=invitation).select_related("hazard").order_by("pk"))


@register_step("invitations.transport", order=68)
def build(rng: random.Random, admin: Any) -> None:
    detachment = Organisation.objects.get(name=DETACHMENT)
    companies = transport_companies()
    _library(get_user_model().objects.get(username="city.admin"))
    inspector, team = _people(admin, detachment, companies[0])
    late = set(rng.sample(range(COMPANIES), 2))
    for n, company in enumerate(companies):
        invited = _weekday(date(2023, 2, 1) + timedelta(days=rng.randint(0, 260)))
        invitation = _invite(rng, company, detachment, invited)
        accepted = add_working_days(invited, 7 if n in late else rng.randint(1, 5))
        invitation = _schedule(rng, invitation, inspector, team, late=n in late, on=accepted)
        inspected = invitation.scheduled_on
        assert inspected is not None
        reported = add_working_days(inspected, rng.randint(1, 4))
        findings = _report(
            rng, invitation, inspector, count=rng.choice((0, 1, 2, 2, 3, 4)), inspected=inspected, reported=reported
        )
        last = reported
        for finding in findings:
            deadline = finding.hazard.deadline
            assert deadline is not None
            requested = deadline - timedelta(days=rng.randint(1, 8))
            accepted_on = deadline + timedelta(days=rng.randint(1, 5))
            _close(finding.hazard, requested=max(requested, reported), accepted=accepted_on, inspector=inspector)
            last = max(last, accepted_on)
        visit = _weekday(last + timedelta(days=rng.randint(1, 7)))
        svc.invitation_follow_up(
            actor=inspector, invitation=invitation, visited_on=visit, note="复查：检查发现的隐患均已按期整改到位。", on=visit
        )
        svc.invitation_rate(
            actor=None, invitation=invitation, rating=rng.choice((4, 5, 5, 5, 3)), comment="检查专业，指导到位。", on=visit
        )
    _this_year(rng, detachment, companies, inspector, team)
    _association(admin, detachment, companies, timezone.localdate())


def _this_year(
    rng: random.Random, detachment: Organisation, companies: list[Organisation], inspector: Any, team: list[Person]
) -> None:
    today = timezone.localdate()
    # Referred: invited two months ago, reported six weeks ago; one finding fixed in time, the
    # other still open after its deadline (a month ago): the daily job refers it to enforcement.
    invited = _weekday(today - timedelta(days=62))
    referred = _invite(rng, companies[0], detachment, invited)
    referred = _schedule(rng, referred, inspector, team, late=False, on=add_working_days(invited, 2))
    inspected = referred.scheduled_on
    assert inspected is not None
    findings = _report(rng, referred, inspector, count=2, inspected=inspected, reported=add_working_days(inspected, 1))
    HiddenHazard.objects.filter(pk__in=[f.hazard_id for f in findings]).update(deadline=inspected + timedelta(days=15))
    fixed = findings[0].hazard
    _close(fixed, requested=inspected + timedelta(days=10), accepted=inspected + timedelta(days=12), inspector=inspector)
    findings_refer_overdue()
    # Scheduled: invited last week, accepted within the deadline, inspection in a few days.
    invited = _weekday(today - timedelta(days=6))
    scheduled = _invite(rng, companies[1], detachment, invited)
    accepted = min(add_working_days(invited, 2), today)
    _schedule(rng, scheduled, inspector, team, late=False, on=accepted)
    # Awaiting scheduling: invited today, the deadline still ahead.
    _invite(rng, companies[2], detachment, today)


ASSOCIATION = "常州市道路运输协会"
MEMBERS = 12


def _association(admin: Any, detachment: Organisation, companies: list[Organisation], today: date) -> None:
    """The road transport association of the city: 12 of the 41 companies are its members; this
    week it invited the detachment for three of them at once (awaiting scheduling)."""
    city = Region.objects.get(code="320400")
    association = core_services.organisation_create(
        actor=admin, name=ASSOCIATION, kind=OrganisationKind.TRADE_ASSOCIATION, region=city, address="常州市天宁区"
    )
    for company in companies[3 : 3 + MEMBERS]:
        svc.association_member_add(actor=None, association=association, enterprise=company, on=date(2023, 1, 1))
    secretary = core_services.person_create(
        actor=admin,
        name="顾立新",
        organisation=association,
        title="协会秘书长",
        user=get_user_model().objects.create_user(username="transport.association", password=DEMO_PASSWORD),
        phone="13961172205",
    )
    core_services.role_assign(actor=admin, person=secretary, role=Role.ENTERPRISE_MANAGER, organisation=association)
    invited = min(_weekday(today - timedelta(days=3)), today)
    svc.invitations_create_for_members(
        actor=None,
        association=association,
        enterprises=companies[3:6],
        authority=detachment,
        topic="会员企业危险货物运输车辆动态监控",
        preferred_from=_weekday(invited + timedelta(days=7)),
        preferred_to=_weekday(invited + timedelta(days=21)),
        concerns="协会会员企业普遍反映动态监控报警处置不规范，希望支队统一上门指导。",
        on=invited,
    )

"""Demo step: the 2023 cooperation of the procuratorate and the fire rescue detachment (消检协作).

Issue 7 / domain-rules §5: 17 units with a major fire hazard, 2 public hearings, 43 procuratorial
suggestion letters, 2 people prosecuted in 2023. Built through the services (inspections with fire
hidden hazards -> leads -> cases -> letters -> replies -> follow-up -> decisions), so the figures are
counted from the records, not typed in.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone

from safecity.core.choices import OrganisationKind
from safecity.core.demo import register_step
from safecity.core.models import Organisation
from safecity.firecases import services
from safecity.firecases.choices import (
    ComprehensiveElement,
    DecisionKind,
    DeterminationMethod,
    DirectItem,
    FollowUpOutcome,
    ParticipantCapacity,
    ReplyAssessment,
    ThreeInOne,
)
from safecity.firecases.models import CaseEvent
from safecity.firecases.rules import add_months
from safecity.hazards.choices import HazardLevel

MAJOR_UNITS, LETTERS, HEARINGS, LATE_REPLIES = 17, 43, 2, 5
FINDINGS = [
    "生产、储存、住宿“三合一”，员工宿舍与仓库同处一栋建筑",
    "疏散通道堆放可燃物，安全出口被锁闭",
    "自动喷水灭火系统末端试水压力不足",
    "火灾自动报警系统主机故障未修复",
    "彩钢夹芯板搭建员工宿舍，芯材燃烧性能低于 A 级",
    "消防车通道被占用",
    "防火门闭门器损坏，常闭式防火门常开",
    "室内消火栓无水",
]


def _at(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def _units(rng: random.Random) -> list[Organisation]:
    """43 enterprises spread over the districts (round robin over regions)."""
    by_district: dict[str, list[Organisation]] = {}
    for org in (
        Organisation.objects.filter(kind=OrganisationKind.ENTERPRISE, is_active=True).select_related("region").order_by("pk")
    ):
        by_district.setdefault(org.region.code[:6], []).append(org)
    for orgs in by_district.values():
        rng.shuffle(orgs)
    picked: list[Organisation] = []
    while len(picked) < LETTERS and any(by_district.values()):
        for code in sorted(by_district):
            if by_district[code] and len(picked) < LETTERS:
                picked.append(by_district[code].pop())
    return picked


def _addressee(unit: Organisation, bureaus: list[Organisation], fire: Organisation) -> Organisation:
    for bureau in bureaus:
        if unit.region.path.startswith(bureau.region.path):
            return bureau
    return fire


@register_step("firecases.2023", order=40)
def build(rng: random.Random, admin: Any) -> None:
    User = get_user_model()
    officer = User.objects.get(username="fire.officer")
    procurator = User.objects.get(username="procurator")
    fire = Organisation.objects.get(name="常州市消防救援支队")
    procuratorate = Organisation.objects.get(name="常州市人民检察院")
    bureaus = list(Organisation.objects.filter(kind=OrganisationKind.DISTRICT_BUREAU).select_related("region"))
    units = _units(rng)
    late = set(rng.sample(range(LETTERS), LATE_REPLIES))
    for index, unit in enumerate(units):
        major = index < MAJOR_UNITS
        inspected = date(2023, 1, 9) + timedelta(days=index * 3 + rng.randint(0, 2))
        findings = [
            {
                "description": FINDINGS[(index + k) % len(FINDINGS)],
                "level": HazardLevel.MAJOR if major and k == 0 else HazardLevel.GENERAL,
            }
            for k in range(rng.randint(1, 3))
        ]
        # The inspection records its three-in-one determination as a fact (the portrait reads it).
        three_in_one = ThreeInOne.PRESENT if any(f["description"] == FINDINGS[0] for f in findings) else ThreeInOne.ABSENT
        inspection = services.fire_inspection_record(
            actor=officer,
            organisation=unit,
            inspected_on=inspected,
            inspectors="黄鹏、李伟",
            findings=findings,
            three_in_one=three_in_one,
        )
        determination = None
        if major:
            direct = index % 3 != 2
            determination = services.major_unit_determine(
                actor=officer,
                organisation=unit,
                method=DeterminationMethod.DIRECT if direct else DeterminationMethod.COMPREHENSIVE,
                direct_items=[rng.choice([DirectItem.D6_2, DirectItem.D6_5, DirectItem.D6_10])] if direct else [],
                comprehensive_elements=[]
                if direct
                else [ComprehensiveElement.E7_3, ComprehensiveElement.E7_4, ComprehensiveElement.E7_7, ComprehensiveElement.E7_8],
                discussion="" if direct else "支队防火监督处集体讨论，专家技术论证后综合判定。",
                evidence=f"消防监督检查记录（{inspected:%Y-%m-%d}），现场照片。",
                determined_on=inspected + timedelta(days=5),
                inspection=inspection,
            )
        lead = services.lead_refer(
            actor=officer,
            organisation=unit,
            description=f"{unit.name}：{findings[0]['description']}，相关行政机关未依法履职。",
            inspection=inspection,
            major_unit=determination,
            referred_at=_at(inspected + timedelta(days=8)),
        )
        filed = inspected + timedelta(days=12)
        case = services.case_file(
            actor=procurator, lead=lead, urgent=index % 11 == 0, filed_at=_at(filed), procuratorate=procuratorate
        )
        services.case_evidence_add(actor=procurator, case=case, title="现场勘查笔录", collected_on=filed + timedelta(days=3))
        issued = filed + timedelta(days=20)
        if index < HEARINGS:
            hearing = services.hearing_schedule(
                actor=procurator,
                case=case,
                scheduled_at=_at(filed + timedelta(days=14), 14),
                location="常州市人民检察院听证室",
                participants=[
                    {"name": "人民监督员 张华", "capacity": ParticipantCapacity.HEARING_MEMBER},
                    {"name": "人大代表 吴静", "capacity": ParticipantCapacity.HEARING_MEMBER},
                    {"name": "郑文", "capacity": ParticipantCapacity.PROCURATOR},
                    {"name": "黄鹏", "capacity": ParticipantCapacity.AGENCY, "affiliation": fire.name},
                    {"name": unit.name, "capacity": ParticipantCapacity.PARTY},
                ],
                notice_sent_at=_at(filed + timedelta(days=8)),
                public_notice=f"本院定于{filed + timedelta(days=14):%Y年%m月%d日}就{unit.name}消防安全公益诉讼案召开公开听证会。",
                published_at=_at(filed + timedelta(days=8)),
            )
            services.hearing_hold(
                actor=procurator,
                hearing=hearing,
                held_at=_at(filed + timedelta(days=14), 15),
                minutes={
                    "minutes_introduction": "承办检察官介绍案件基本情况。",
                    "minutes_positions": "行政机关及当事单位陈述意见。",
                    "minutes_questions": "听证员就整改期限和监管责任发问。",
                    "minutes_deliberation": "听证员闭门评议。",
                    "minutes_opinion": "听证员一致同意制发检察建议。",
                    "minutes_statements": "各方作最后陈述。",
                    "minutes_summary": "主持人总结，听证会结束。",
                },
            )
        letter = services.letter_issue(
            actor=procurator,
            case=case,
            addressee=_addressee(unit, bureaus, fire),
            facts=lead.description,
            suggestions="一、依法督促该单位整改火灾隐患；二、开展辖区同类场所专项排查；三、建立健全长效监管机制。",
            issued_on=issued,
        )
        delivered = issued + timedelta(days=2)
        letter = services.letter_deliver(actor=procurator, letter=letter, delivered_on=delivered)
        due = letter.reply_due or add_months(delivered, 2)
        received = due + timedelta(days=rng.randint(3, 20)) if index in late else delivered + timedelta(days=rng.randint(10, 40))
        received = min(received, due - timedelta(days=1)) if index not in late else received
        reply = services.reply_record(
            actor=procurator, letter=letter, received_on=received, content="已督促整改完毕，并开展专项排查。"
        )
        sue = index == MAJOR_UNITS - 1
        services.reply_assess(
            actor=procurator,
            reply=reply,
            assessment=ReplyAssessment.INADEQUATE if sue else ReplyAssessment.ADEQUATE,
            assessed_on=received + timedelta(days=5),
        )
        if index >= LETTERS - 3:
            _spread(case.pk, filed, received + timedelta(days=5))
            continue  # the last cases still wait for their follow-up review
        reviewed = received + timedelta(days=20)
        services.follow_up_record(
            actor=procurator,
            case=case,
            reviewed_on=reviewed,
            outcome=FollowUpOutcome.NOT_RECTIFIED if sue else FollowUpOutcome.RECTIFIED,
            findings="回头看：现场复查。",
        )
        decided = reviewed + timedelta(days=3)
        if sue:
            services.decision_record(
                actor=procurator, case=case, kind=DecisionKind.SUE, reason="行政机关仍未依法全面履职。", decided_on=decided
            )
            services.prosecution_record(
                actor=procurator,
                case=case,
                filed_on=decided + timedelta(days=10),
                court="常州市中级人民法院",
                persons=[{"name": "钱某某", "description": "法定代表人"}, {"name": "冯某某", "description": "安全负责人"}],
            )
        else:
            services.decision_record(
                actor=procurator,
                case=case,
                kind=DecisionKind.NOT_SUE,
                reason="行政机关已依法履职，火灾隐患整改到位。",
                decided_on=decided,
                notified_on=decided + timedelta(days=rng.choice([2, 4, 6, 9])),
            )
        _spread(case.pk, filed, decided + timedelta(days=10))


def _spread(case_id: int, start: date, end: date) -> None:
    """Date the timeline over the case's real course (services stamp some rows with 'now')."""
    rows = list(CaseEvent.objects.filter(case_id=case_id).order_by("id").values_list("pk", flat=True))
    span = (_at(end) - _at(start)) / max(len(rows) - 1, 1)
    for i, pk in enumerate(rows):
        CaseEvent.objects.filter(pk=pk).update(at=_at(start) + span * i)

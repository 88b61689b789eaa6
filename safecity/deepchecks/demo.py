"""Demo step: Xinbei's expert pool, its 2023 deep safety check of the 67 hazardous-chemical
enterprises with panels from the scheduler, and the 3,026 findings that went through the lifecycle.

Runs after the core city (order 0), the starter dictionary (5) and the hazards registries (10, which
gives the 67 enterprises their risk units). The 3,026 hazards, their timelines, findings and root
causes are written with the audited bulk paths, so the step takes seconds, not minutes.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model

from safecity.core.choices import OrganisationKind
from safecity.core.demo import register_step
from safecity.core.models import Organisation, Person, Region
from safecity.deepchecks import services
from safecity.deepchecks.choices import AffiliationKind, CampaignStatus, CauseCategory, ItemResult, ManagementElement, PanelStatus
from safecity.deepchecks.models import (
    ChecklistItem,
    CheckSession,
    Expert,
    ExpertAffiliation,
    ExpertUnavailability,
    Finding,
    Panel,
    RootCause,
    Specialty,
)
from safecity.deepchecks.scheduling import solve
from safecity.deepchecks.services.checks import checklist_build
from safecity.hazards.choices import HazardLevel, HazardSource, HazardState, HazardType, ManagementType
from safecity.hazards.models import GovernancePlan, HazardTransition, HiddenHazard

TZ = ZoneInfo("Asia/Shanghai")
FINDINGS_2023 = 3026  # the article: 3,026 hidden hazards found and rectified in 2023
OPEN_2023 = 25  # a few still open at the end of the year
CAMPAIGN_NAME = "2023 新北区危险化学品企业深度安全体检"
INSTITUTIONS = [
    ("江苏省化工设计院有限公司", "320400"), ("南京工业大学安全科学与工程学院", "320400"),
    ("常州大学石油化工学院", "320411"), ("江苏省特种设备安全监督检验研究院常州分院", "320404"),
    ("常州市化工安全技术协会", "320402"), ("中国石化安全工程研究院华东中心", "320400"),
    ("江苏安泰安全技术有限公司", "320412"),
]  # fmt: skip
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
GIVEN = "建国华明伟强军平志刚东海红霞丽敏静磊洋勇杰涛斌超波辉鹏宇浩晨琳雪峰松林文武"
FINDING_TEXTS = [
    ("储罐区可燃气体检测报警器未定期标定", HazardType.INSTRUMENT), ("反应釜安全阀校验过期", HazardType.EQUIPMENT),
    ("装卸站台静电接地报警器失效", HazardType.ELECTRICAL), ("动火作业票未落实气体分析", HazardType.SAFETY),
    ("受限空间作业未设监护人", HazardType.SAFETY), ("消防泵房备用泵无法自动启动", HazardType.FIRE),
    ("防火堤内堆放杂物", HazardType.LAYOUT), ("DCS 报警值设定与操作规程不一致", HazardType.PROCESS),
    ("紧急切断阀未纳入 SIS 联锁测试", HazardType.INSTRUMENT), ("配电室防小动物挡板缺失", HazardType.ELECTRICAL),
    ("应急预案未按期演练", HazardType.SAFETY), ("压力管道未按期定期检验", HazardType.EQUIPMENT),
    ("变更管理未履行审批手续", HazardType.SAFETY), ("承包商作业人员未经安全培训", HazardType.SAFETY),
    ("工艺安全信息未及时更新", HazardType.PROCESS), ("操作规程未涵盖开停车步骤", HazardType.PROCESS),
]  # fmt: skip
SPECIALTY_WEIGHTS = {
    "process_safety": 10, "electrical": 8, "instrumentation": 7, "equipment": 9, "fire": 8, "storage": 7,
    "dust": 7, "special_operations": 7, "refrigeration": 1, "gas": 1, "vehicles": 1, "battery": 1, "safety_management": 10,
}  # fmt: skip
CATEGORY_WEIGHTS = {
    CauseCategory.MANAGEMENT: 45,
    CauseCategory.OBJECT: 32,
    CauseCategory.PERSON: 18,
    CauseCategory.ENVIRONMENT: 5,
}


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def _at(day: date, rng: random.Random) -> datetime:
    return datetime.combine(day, time(9 + rng.randint(0, 7), rng.randint(0, 59)), tzinfo=TZ)


def _pool(rng: random.Random, admin: Any, xinbei: Region, enterprises: list[Organisation]) -> list[Expert]:
    regions = {r.code: r for r in Region.objects.filter(code__in={code for _, code in INSTITUTIONS})}
    institutions = list(Organisation.objects.filter(kind=OrganisationKind.EXPERT_INSTITUTION))
    existing = {o.name for o in institutions}
    new = [
        Organisation(name=name, kind=OrganisationKind.EXPERT_INSTITUTION, region=regions[code], address=regions[code].name)
        for name, code in INSTITUTIONS
        if name not in existing and code in regions
    ]
    # A group company: four of the enterprises and a safety technology centre belong to it, so the
    # centre's experts have a conflict of interest with those four (same group company).
    group = Organisation.objects.create(name="常州滨江化工集团有限公司", kind=OrganisationKind.ENTERPRISE, region=xinbei)
    centre = Organisation(name="滨江化工集团安全技术中心", kind=OrganisationKind.EXPERT_INSTITUTION, region=xinbei, parent=group)
    institutions += Organisation.objects.bulk_create([*new, centre])
    for org in enterprises[1:5]:
        org.parent = group
    Organisation.objects.bulk_update(enterprises[1:5], ["parent"])
    user = get_user_model().objects.filter(username="expert.wang").select_related("person").first()
    people = Person.objects.bulk_create(
        [Person(name=_name(rng), organisation=rng.choice(institutions), title="高级工程师") for _ in range(119 if user else 120)]
    )
    if user is not None:
        people.insert(0, user.person)
    levels = ["national"] * 10 + ["provincial"] * 52 + ["city"] * 44 + ["other"] * 14
    rng.shuffle(levels)
    if user is not None:
        levels[levels.index("provincial")], levels[0] = levels[0], "provincial"
    experts = Expert.objects.bulk_create(
        [
            Expert(person=p, region=xinbei, level=levels[i], title="教授级高级工程师" if levels[i] == "national" else p.title)
            for i, p in enumerate(people)
        ]
    )
    specialties = {s.code: s for s in Specialty.objects.all()}
    codes = list(SPECIALTY_WEIGHTS)
    Through = Expert.specialties.through
    links = []
    for expert in experts:
        chosen = set(rng.choices(codes, weights=list(SPECIALTY_WEIGHTS.values()), k=rng.randint(1, 3)))
        links += [Through(expert_id=expert.pk, specialty_id=specialties[c].pk) for c in chosen if c in specialties]
    Through.objects.bulk_create(links)
    affiliations = []
    for expert in rng.sample(experts, 18):
        # Past employers: within 3 years of the 2023 check (a conflict), or long ago (no longer one).
        recent = rng.random() < 0.7
        until = date(2021, rng.randint(1, 12), 28) if recent else date(2016, 6, 30)
        affiliations.append(
            ExpertAffiliation(
                expert=expert, organisation=rng.choice(enterprises), kind=AffiliationKind.EMPLOYER,
                valid_from=until - timedelta(days=365 * 5), valid_until=until,
            )
        )  # fmt: skip
    for expert in rng.sample(experts, 8):
        affiliations.append(ExpertAffiliation(expert=expert, organisation=rng.choice(enterprises), kind=AffiliationKind.RELATED))
    ExpertAffiliation.objects.bulk_create(affiliations)
    off = []
    for expert in experts:
        for _ in range(rng.randint(0, 2)):
            start = date(2023, 3, 1) + timedelta(days=rng.randint(0, 260))
            off.append(
                ExpertUnavailability(expert=expert, start=start, end=start + timedelta(days=rng.randint(2, 12)), note="出差")
            )
    ExpertUnavailability.objects.bulk_create(off)
    return experts


def _split(total: int, parts: int, rng: random.Random) -> list[int]:
    """``total`` findings over ``parts`` enterprises, uneven (a few enterprises have many more)."""
    weights = [rng.uniform(0.5, 1.6) for _ in range(parts)]
    raw = [int(total * w / sum(weights)) for w in weights]
    for i in range(total - sum(raw)):
        raw[i % parts] += 1
    return raw


@register_step("deepchecks.campaign_2023", order=20)
def build(rng: random.Random, admin: Any) -> None:
    User = get_user_model()
    official = User.objects.filter(username="xinbei.official").first() or admin
    xinbei = Region.objects.get(code="320411")
    enterprises = list(
        Organisation.objects.filter(kind=OrganisationKind.ENTERPRISE, address__contains="化工园区")
        .select_related("region")
        .order_by("pk")
    )
    if not enterprises:
        return
    _pool(rng, admin, xinbei, enterprises)
    campaign = services.campaign_create(
        actor=admin, name=CAMPAIGN_NAME, region=xinbei, year=2023, period_start=date(2023, 3, 1),
        period_end=date(2023, 11, 30), min_panel_size=5, min_senior=3, workload_cap=6, days_per_check=1,
    )  # fmt: skip
    services.campaign_targets_add(actor=admin, campaign=campaign, organisations=enterprises)
    solution = solve(services.problem_for(campaign), time_limit=10)
    if not solution.feasible:
        raise RuntimeError(f"demo campaign has no schedule: {[str(r) for r in solution.reasons]}")
    services.schedule_store(campaign=campaign, solution=solution)
    services.schedule_publish(actor=admin, campaign=campaign)
    panels = list(
        Panel.objects.filter(campaign=campaign).select_related("target").prefetch_related("members").order_by("start_date")
    )
    sessions = CheckSession.objects.bulk_create(
        [CheckSession(panel=p, organisation_id=p.target.organisation_id, started_at=_at(p.start_date, rng)) for p in panels]
    )
    for session in sessions:
        checklist_build(session)
    items_by_session: dict[int, list[int]] = {}
    for item_id, session_id in ChecklistItem.objects.filter(session__in=sessions).values_list("pk", "session_id"):
        items_by_session.setdefault(session_id, []).append(item_id)
    liable = {}
    for person_id, org_id in (
        Person.objects.filter(organisation__in=enterprises).order_by("pk").values_list("pk", "organisation_id")
    ):
        liable.setdefault(org_id, person_id)
    counts = _split(FINDINGS_2023, len(panels), rng)
    open_slots = set(rng.sample(range(FINDINGS_2023), OPEN_2023))
    elements = list(ManagementElement.values)
    hazards: list[HiddenHazard] = []
    plans_for: list[int] = []
    meta: list[tuple[CheckSession, Panel, int | None, Any, str, str]] = []
    serial = 0
    for panel, session, count in zip(panels, sessions, counts, strict=True):
        weak = rng.sample(elements, 3)  # the enterprise's own weak points: its root causes
        members = list(panel.members.all())
        for _ in range(count):
            description, hazard_type = rng.choice(FINDING_TEXTS)
            found = _at(panel.start_date, rng)
            deadline = panel.start_date + timedelta(days=rng.randint(7, 45))
            major = serial % 400 == 7
            is_open = serial in open_slots
            requested = _at(deadline - timedelta(days=rng.randint(0, 5)), rng)
            accepted = requested + timedelta(days=rng.randint(1, 6), hours=2)
            hazards.append(
                HiddenHazard(
                    organisation_id=session.organisation_id, code=f"YH2023DC{serial + 1:06d}",
                    level=HazardLevel.MAJOR if major else HazardLevel.GENERAL, source=HazardSource.EXPERT_DIAGNOSIS,
                    management_type=ManagementType.BY_DEADLINE, hazard_type=hazard_type,
                    state=HazardState.RECTIFYING if is_open else HazardState.ACCEPTED, description=description,
                    cause="专家组坐堂会诊发现", measures="按专家组意见限期整改", liable_person_id=liable.get(session.organisation_id),
                    location=f"{session.organisation_id}号企业现场", discovered_at=found, deadline=deadline,
                    rectification="" if is_open else "已按专家组意见完成整改", rectified_by=None if is_open else official,
                    acceptance_requested_at=None if is_open else requested, accepted_by=None if is_open else official,
                    accepted_at=None if is_open else accepted, acceptance_comment="" if is_open else "现场复核，整改到位",
                )
            )  # fmt: skip
            if major:
                plans_for.append(len(hazards) - 1)
            element = rng.choice(weak) if rng.random() < 0.7 else rng.choice(elements)
            category = rng.choices(list(CATEGORY_WEIGHTS), weights=list(CATEGORY_WEIGHTS.values()))[0]
            item = rng.choice(items_by_session.get(session.pk) or [None])
            meta.append((session, panel, item, rng.choice(members).expert_id if members else None, category, element))
            serial += 1
    hazards = HiddenHazard.objects.bulk_create(hazards, batch_size=500)
    GovernancePlan.objects.bulk_create(
        [
            GovernancePlan(
                organisation_id=hazards[i].organisation_id, hazard=hazards[i], responsibility="企业主要负责人牵头",
                measures="停用相关设备，更换并校验后恢复", funds=Decimal(200000), deadline=hazards[i].deadline,
                emergency_plan="执行企业专项应急预案",
            )
            for i in plans_for
        ]
    )  # fmt: skip
    label = getattr(getattr(official, "person", None), "name", official.get_username())
    timeline = []
    for hazard in hazards:
        found = hazard.discovered_at
        timeline.append(
            HazardTransition(hazard=hazard, action="report", to_state=HazardState.TO_CONFIRM, actor_label="专家组", at=found)
        )
        timeline.append(
            HazardTransition(
                hazard=hazard, action="confirm", from_state=HazardState.TO_CONFIRM, to_state=HazardState.RECTIFYING,
                actor=official, actor_label=label, at=found + timedelta(hours=3),
            )
        )  # fmt: skip
        if hazard.state == HazardState.ACCEPTED:
            timeline.append(
                HazardTransition(
                    hazard=hazard, action="request_acceptance", from_state=HazardState.RECTIFYING,
                    to_state=HazardState.AWAITING_ACCEPTANCE, actor_label="企业安全员", at=hazard.acceptance_requested_at,
                )
            )  # fmt: skip
            timeline.append(
                HazardTransition(
                    hazard=hazard, action="accept", from_state=HazardState.AWAITING_ACCEPTANCE, to_state=HazardState.ACCEPTED,
                    actor=official, actor_label=label, at=hazard.accepted_at, comment=hazard.acceptance_comment,
                )
            )  # fmt: skip
    HazardTransition.objects.bulk_create(timeline, batch_size=2000)
    findings = Finding.objects.bulk_create(
        [
            Finding(
                session=session, target_id=panel.target_id, organisation_id=session.organisation_id, checklist_item_id=item,
                hazard=hazard, expert_id=expert_id, found_at=hazard.discovered_at,
            )
            for hazard, (session, panel, item, expert_id, _c, _e) in zip(hazards, meta, strict=True)
        ],
        batch_size=500,
    )  # fmt: skip
    RootCause.objects.bulk_create(
        [
            RootCause(finding=finding, category=category, management_element=element, note="")
            for finding, (_s, _p, _i, _x, category, element) in zip(findings, meta, strict=True)
        ],
        batch_size=500,
    )
    found_items = {item for (_s, _p, item, _x, _c, _e) in meta if item}
    ChecklistItem.objects.filter(session__in=sessions).exclude(pk__in=found_items).update(result=ItemResult.CONFORMING)
    ChecklistItem.objects.filter(pk__in=found_items).update(result=ItemResult.FINDING)
    for session, panel in zip(sessions, panels, strict=True):
        session.completed_at = _at(panel.end_date, rng).replace(hour=17)
        session.summary = "专家组坐堂会诊完成，问题清单已交企业限期整改。"
    CheckSession.objects.bulk_update(sessions, ["completed_at", "summary"])
    for panel in panels:
        panel.status = PanelStatus.COMPLETED
        panel.completed_at = _at(panel.end_date, rng).replace(hour=17)
    Panel.objects.bulk_update(panels, ["status", "completed_at"])
    type(campaign).objects.filter(pk=campaign.pk).update(status=CampaignStatus.CLOSED)

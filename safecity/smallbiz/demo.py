"""Demo step ``smallbiz.luoxi`` (issue 16 §7): 新北区罗溪镇 and its villages, some 300 small and
micro enterprises, two safety service providers and the town's group purchase.

- 罗溪镇 (320411104, from the core demo's regions) gets eight village regions. Their names and
  12-digit codes are ILLUSTRATIVE (the pattern of the statistics division codes, 2xx for village
  committees), not copied from the published division list.
- 300 enterprises (valid 18-character credit codes, GB 32100-2015), each in a village, with a trade
  from the risk dictionary's starter categories (or none: the general items), size and risk level.
- Two providers registered with 新北区, six full-time registered safety engineers each; the
  second's qualification ends in 30 days (it shows "expiring soon" and will lose new work).
- The town's group purchase from the first provider for 120 enterprises, 4 visits a year from
  2023-01-01 to the end of the current year (70 % paid by the town), planned by CP-SAT: past visits
  mostly done on their planned visit day, some a few days later, some late, a few overdue; the
  visits planned before today but not yet due mostly done, the rest still to do; some findings became hidden hazards, most of the older ones
  fixed on the spot and accepted by the district, this year's still open.
- Accounts: ``village.supervisor`` (VILLAGE_SUPERVISOR of the first village's committee) and
  ``service.engineer`` (SERVICE_ENGINEER of the first provider, who does that village's visits).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from safecity.core import services as core_services
from safecity.core.choices import OrganisationKind, RegionLevel, Role
from safecity.core.demo import DEMO_PASSWORD, register_step
from safecity.core.demo.codes import credit_code
from safecity.core.models import Organisation, Region
from safecity.hazards import services as hazards
from safecity.smallbiz.choices import BuyerKind, EnterpriseSize, ScoreBy, VisitState
from safecity.smallbiz.models import ProviderEngineer, SmallEnterprise, Visit
from safecity.smallbiz.selectors import visit_checklist
from safecity.smallbiz.services import contracts, registry, supervision, visits

STREET = "320411104"  # 罗溪镇
# Illustrative names and codes (see the module docstring).
VILLAGES = [
    ("320411104201", "罗溪村"),
    ("320411104202", "空港村"),
    ("320411104203", "王下村"),
    ("320411104204", "黄墅村"),
    ("320411104205", "百丈村"),
    ("320411104206", "圩塘村"),
    ("320411104207", "浦河村"),
    ("320411104208", "西庄村"),
]
ENTERPRISES = 300
SERVED = 120
# (trade category of the starter dictionary, industry code GB/T 4754, what the workshop is)
TRADES = [
    ("05", "C2110", "木制家具厂"),
    ("05", "C3360", "金属抛光加工厂"),
    ("07", "H6210", "饭店"),
    ("08", "G5960", "仓储物流站"),
    ("10", "C3311", "钢结构加工厂"),
    ("04", "C3484", "机械配件厂"),
    ("", "F5274", "五金店"),
    ("", "C2927", "塑料制品厂"),
]
SURNAMES = [
    "王",
    "李",
    "张",
    "刘",
    "陈",
    "杨",
    "黄",
    "赵",
    "吴",
    "周",
    "徐",
    "孙",
    "朱",
    "马",
    "胡",
    "郭",
    "何",
    "林",
    "蒋",
    "恽",
]
FINDINGS = [
    "配电箱未上锁，电线私拉乱接",
    "灭火器过期未更换",
    "安全出口被货物堵塞",
    "打磨工位除尘设施未开启",
    "液化气钢瓶与灶具间距不足",
    "叉车司机无特种设备作业人员证",
    "员工未进行岗前安全培训",
]
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)
CENTRE = (31.935, 119.905)


def _png(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PNG, content_type="image/png")


def _at(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def _account(admin: Any, username: str, name: str, org: Organisation, role: str, jurisdiction: Region | None) -> Any:
    user = get_user_model().objects.create_user(username=username, password=DEMO_PASSWORD)
    person = core_services.person_create(actor=admin, name=name, organisation=org, title="", user=user)
    core_services.role_assign(actor=admin, person=person, role=role, organisation=org, jurisdiction=jurisdiction)
    return user


def _villages(admin: Any, street: Region) -> list[Region]:
    return [
        core_services.region_create(actor=admin, code=code, name=name, level=RegionLevel.VILLAGE, parent=street)
        for code, name in VILLAGES
    ]


def _enterprises(rng: random.Random, admin: Any, villages: list[Region]) -> list[SmallEnterprise]:
    made = []
    for n in range(1, ENTERPRISES + 1):
        village = villages[n % len(villages)]
        trade, industry, what = rng.choice(TRADES)
        made.append(
            registry.enterprise_register(
                actor=admin,
                village=village,
                name=f"常州市新北区罗溪{rng.choice(SURNAMES)}氏{what}（{village.name}{n}号）",
                credit_code=credit_code(rng, region_code="320411", prefix=rng.choice(["91", "92"])),
                industry_code=industry,
                address=f"新北区罗溪镇{village.name}{rng.randint(1, 300)}号",
                latitude=Decimal(f"{CENTRE[0] + rng.uniform(-0.03, 0.03):.6f}"),
                longitude=Decimal(f"{CENTRE[1] + rng.uniform(-0.03, 0.03):.6f}"),
                trade=trade,
                size=EnterpriseSize.MICRO if rng.random() < 0.7 else EnterpriseSize.SMALL,
                risk_level=rng.choice([2, 3, 3, 4, 4, 4]),
                employees=rng.randint(3, 80),
            )
        )
    return made


def _provider(rng: random.Random, admin: Any, name: str, district: Region, until: date, prefix: str) -> Any:
    org = core_services.organisation_create(
        actor=admin,
        name=name,
        kind=OrganisationKind.SAFETY_SERVICE_PROVIDER,
        region=district,
        credit_code=credit_code(rng, region_code="320411"),
        industry_code="M7320",
    )
    provider = registry.provider_register(
        actor=admin, organisation=org, registered_with=district, premises=f"新北区{name[5:9]}路{rng.randint(1, 99)}号"
    )
    registry.qualification_add(
        actor=admin,
        provider=provider,
        name="安全生产技术服务资质",
        number=f"苏安服{prefix}-2022",
        valid_from=date(2022, 1, 1),
        valid_until=until,
    )
    registry.service_area_add(actor=admin, provider=provider, region=district)
    for i in range(6):
        person = core_services.person_create(
            actor=admin,
            name=f"{rng.choice(SURNAMES)}{rng.choice('建国明华伟军磊强静敏')}{rng.choice('一二三平安东')}",
            organisation=org,
            title="注册安全工程师",
        )
        registry.engineer_add(
            actor=admin, provider=provider, person=person, registration_number=f"ZAGC{prefix}{2019 + i}{rng.randint(1000, 9999)}"
        )
    return provider


def _working_day_after(day: date, days: int) -> date:
    """``days`` working days (Mon-Fri) after ``day``: when an engineer who slipped comes instead."""
    while days > 0:
        day += timedelta(days=1)
        if day.weekday() < 5:
            days -= 1
    return day


@dataclass(frozen=True)
class _Draw:
    """The random numbers one visit draws, all of them whichever way it goes."""

    roll: float
    late: int
    early: int
    slip: int
    hour: int
    finding: bool
    latitude: float
    longitude: float
    description: str

    @classmethod
    def of(cls, stream: random.Random) -> _Draw:
        return cls(
            roll=stream.random(),
            late=stream.randint(3, 25),
            early=stream.randint(0, 20),
            slip=stream.randint(1, 3),
            hour=stream.randint(9, 16),
            finding=stream.random() < 0.06,
            latitude=stream.uniform(-0.03, 0.03),
            longitude=stream.uniform(-0.03, 0.03),
            description=stream.choice(FINDINGS),
        )


def _sign_day(visit: Visit, draw: _Draw, contract: Any, today: date) -> date | None:
    """The day the demo signs ``visit`` on, or None (nobody came yet).

    Most on their planned visit day (the CP-SAT plan), some a few working days later but still by
    the due date, some late (after the due date), a few left undone (overdue once the due date has
    passed). A visit without a planned day (no plan was found) is signed up to 20 days before its
    due date, as the even schedule would have it."""
    roll = draw.roll
    not_due_yet = visit.due_on > today
    if roll < 0.04:
        return None  # nobody came: overdue (or, not yet due, still to do)
    if roll < 0.18:
        if not_due_yet:
            return None  # slipped, still within its window: it shows as due
        return min(visit.due_on + timedelta(days=draw.late), today, contract.ends_on)
    if visit.planned_on is None:
        return max(visit.due_on - timedelta(days=draw.early), contract.starts_on)
    if roll < 0.90:
        return visit.planned_on
    # A few working days after the planned day, never after the due date nor after yesterday.
    later = _working_day_after(visit.planned_on, draw.slip)
    return visit.planned_on if later > visit.due_on or later >= today else later


def _sign_history(rng: random.Random, admin: Any, contract: Any, today: date) -> list[Any]:
    """Sign the visits due so far and those planned before today: most on their planned day,
    some late, a few left overdue; some with findings.

    Every visit draws the same random numbers whichever branch it takes, and the visits planned
    before today but not yet due draw from a stream of their own: which visits are late, overdue or
    have findings does not depend on the plan the solver found in its time limit."""
    checklists: dict[str, list[dict[str, Any]]] = {}
    found = []
    scheduled = Visit.objects.filter(contract=contract).select_related("enterprise").order_by("due_on", "pk")
    current = random.Random(rng.random())
    due = [(v, rng) for v in scheduled.filter(due_on__lte=today)]
    planned = [(v, current) for v in scheduled.filter(due_on__gt=today, planned_on__lt=today)]
    for visit, stream in due + planned:
        draw = _Draw.of(stream)
        day = _sign_day(visit, draw, contract, today)
        if day is None:
            continue
        trade = visit.enterprise.trade
        if trade not in checklists:
            checklists[trade] = visit_checklist(visit.enterprise)[:8]
        finding = draw.finding
        items = [
            {"item": c["item"], "content": c["content"], "ok": not (finding and k == 0)} for k, c in enumerate(checklists[trade])
        ]
        visits.visit_sign(
            actor=None,
            visit=visit,
            latitude=f"{CENTRE[0] + draw.latitude:.6f}",
            longitude=f"{CENTRE[1] + draw.longitude:.6f}",
            checklist=items,
            done_at=_at(day, draw.hour),
            findings=[{"description": draw.description}] if finding else [],
        )
        if finding:
            found.append(visit)
    return found


def _hazards(rng: random.Random, admin: Any, found: list[Any], today: date) -> None:
    """Older findings fixed on the spot and accepted by the district; this year's: some confirmed
    and rectifying, the rest still to be confirmed."""
    official = get_user_model().objects.filter(username="xinbei.official").first() or admin
    for visit in found:
        for finding in visit.findings.select_related("hazard"):
            hazard = finding.hazard
            if visit.due_on.year < today.year:
                hazard = hazards.hazard_fix_on_the_spot(
                    actor=admin, hazard=hazard, rectification="已当场整改", evidence=[_png("fix.png")]
                )
                if official is not admin:
                    hazards.hazard_accept(actor=official, hazard=hazard, comment="复查合格，同意销号")
            elif rng.random() < 0.5:
                hazards.hazard_confirm(actor=admin, hazard=hazard, deadline=today + timedelta(days=rng.randint(5, 30)))


@register_step("smallbiz.luoxi", order=68)
def build_luoxi(rng: random.Random, admin: Any) -> None:
    today = timezone.localdate()
    street = Region.objects.get(code=STREET)
    district = Region.objects.get(code="320411")
    villages = _villages(admin, street)
    office = core_services.organisation_create(
        actor=admin,
        name="常州市新北区罗溪镇人民政府",
        kind=OrganisationKind.STREET_OFFICE,
        region=street,
        credit_code=credit_code(rng, region_code="320411", prefix="11"),
    )
    committees = [
        core_services.organisation_create(
            actor=admin,
            name=f"罗溪镇{v.name}村民委员会",
            kind=OrganisationKind.VILLAGE_COMMITTEE,
            region=v,
            credit_code=credit_code(rng, region_code="320411", prefix="54"),
        )
        for v in villages
    ]
    enterprises = _enterprises(rng, admin, villages)
    first = _provider(rng, admin, "常州市新北区安泰安全技术服务有限公司", district, date(2027, 12, 31), "A")
    _provider(rng, admin, "常州市新北区恒安安全生产技术咨询有限公司", district, today + timedelta(days=30), "B")
    served = sorted(rng.sample(enterprises, SERVED), key=lambda e: e.pk)
    contract = contracts.contract_create(
        actor=admin,
        number="LX-2023-001",
        title="罗溪镇小微企业安全生产社会化服务团购",
        buyer_kind=BuyerKind.STREET,
        buyer=office,
        region=street,
        provider=first,
        enterprises=served,
        price=Decimal(SERVED * 2400),
        government_share="0.70",
        starts_on=date(2023, 1, 1),
        ends_on=date(today.year, 12, 31),
        visits_per_year=4,
        training=True,
        emergency_plan=True,
    )
    contracts.contract_activate(actor=admin, contract=contract)
    found = _sign_history(rng, admin, contract, today)
    _hazards(rng, admin, found, today)
    for visit in Visit.objects.filter(contract=contract, state=VisitState.DONE).order_by("pk")[::7]:
        visits.visit_score(actor=None, visit=visit, by=ScoreBy.ENTERPRISE, score=rng.choice([4, 5, 5, 3]))
        visits.visit_score(actor=None, visit=visit, by=ScoreBy.STREET, score=rng.choice([4, 4, 5, 3]))
    _account(admin, "village.supervisor", "蒋丽华", committees[0], Role.VILLAGE_SUPERVISOR, villages[0])
    engineer = (
        ProviderEngineer.objects.filter(provider=first, visits__enterprise__organisation__region=villages[0]).distinct().first()
    )
    assert engineer is not None
    user = get_user_model().objects.create_user(username="service.engineer", password=DEMO_PASSWORD)
    engineer.person.user = user
    engineer.person.save(update_fields=["user"])
    core_services.role_assign(actor=admin, person=engineer.person, role=Role.SERVICE_ENGINEER, organisation=first.organisation)
    for months_back in (2, 1):
        month = (today.replace(day=1) - timedelta(days=28 * months_back)).replace(day=1)
        supervision.supervision_round_record(
            actor=admin, village=villages[0], month=month, done_on=month + timedelta(days=20), note="逐户检查消防通道与用电安全"
        )

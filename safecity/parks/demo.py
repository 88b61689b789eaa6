"""Demo step ``parks.campaign`` (issue 17 part 1, domain-rules §6): Jiangsu's factory-within-a-factory
(厂中厂) campaign in 武进区 and 新北区.

- Four parks, each run by a landlord enterprise registered here (valid credit codes, GB 32100-2015)
  in a town of its district: 湖塘纺织工业园 (武进区湖塘镇, the biggest: inspects every 30 days),
  牛塘五金产业园 (武进区牛塘镇, every 90 days), 薛家创业园 (新北区薛家镇, every 90 days) and
  西夏墅工具产业园 (新北区西夏墅镇: set no period, coordinates none of its tenants).
- Each park has 3-6 buildings and a generated site plan (a PNG, buildings as shapes, no words) with
  every tenant's area, one or two escape routes, a pedestrian way, a vehicle way and an assembly point.
- 60 tenants in the parks (small firms, valid credit codes, the park's unified numbers such as
  HT-A-01, moved in one to four years ago; some with dangerous processes such as 喷涂 or 焊接), and
  three that left (with the reason): their records stay as history.
- Safety-management agreements: most tenants one in force (with the earlier ones before it), five
  none, three expired, two expiring within 30 days.
- The landlords' inspections with the checklist over the last months: every tenant of a park with
  a period inspected within it except four (one never inspected); some inspections failed items,
  each reported as a hidden hazard of the tenant. Two tenants have people living where they produce
  (three-in-one), one each in 薛家 and 西夏墅.
- Trainings and drills with each tenant's attendance.
- Finally the register's sweep raises its hidden hazards: 5 agreements missing, 3 expired, 4 tenants
  not inspected in time, 1 landlord coordinating none, 2 three-in-one.

The records are entered park by park, not in the order they happened; the services' writes only
clear findings (the daily sweep raises them), so nothing is raised before the final sweep.

Accounts: ``park.landlord`` (enterprise manager of 常州湖塘纺织集团有限公司, which records its park's
agreements and inspections) and ``park.tenant`` (enterprise manager of its tenant HT-A-01).
"""

from __future__ import annotations

import io
import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone

from safecity.core import services as core_services
from safecity.core.choices import OrganisationKind, Role
from safecity.core.demo import DEMO_PASSWORD, register_step
from safecity.core.demo.codes import organisation_code
from safecity.core.models import Organisation, Region
from safecity.core.validators import credit_code_check_character
from safecity.parks import services
from safecity.parks.choices import ShapeKind, TrainingKind
from safecity.parks.models import Building, Park, Tenant
from safecity.parks.rules import checklist_codes

PLAN_WIDTH, PLAN_HEIGHT = 1200, 860


@dataclass(frozen=True)
class ParkPlan:
    name: str
    landlord: str
    street: str
    centre: tuple[float, float]
    address: str
    prefix: str
    interval: int | None
    buildings: int
    tenants: int  # in the park today
    trades: tuple[int, ...]  # indexes into TRADES, drawn from
    # Tenant index (0-based, in the park today) -> condition shown by the demo.
    missing: tuple[int, ...] = ()
    expired: tuple[int, ...] = ()
    expiring: tuple[int, ...] = ()
    overdue: tuple[int, ...] = ()
    never_inspected: tuple[int, ...] = ()
    three_in_one: tuple[int, ...] = ()
    left: int = 0
    trainings: int = 3


# (business scope, the word in the firm's name, dangerous processes it may have, storage only)
TRADES: list[tuple[str, str, str, bool]] = [
    ("五金加工：紧固件、冲压件的生产与销售", "五金制品", "焊接", False),
    ("塑料制品：注塑件、塑料包装容器的生产", "塑料制品", "", False),
    ("纺织：化纤面料织造、坯布加工", "纺织品", "", False),
    ("家具制造：板式家具、实木家具的生产", "家具", "喷涂", False),
    ("仓储物流：普通货物仓储、装卸、配送（不含危险品）", "仓储物流", "", True),
    ("机械配件加工：机械零部件的切削、焊接加工", "机械配件", "焊接", False),
    ("服装加工：针织服装、工作服的缝制", "服饰", "", False),
    ("电子元件组装：线束、电子元器件的组装", "电子科技", "", False),
    ("包装材料：纸箱、包装材料的生产", "包装材料", "", False),
    ("金属表面处理：金属件的喷涂、打磨抛光", "金属表面处理", "喷涂、打磨抛光（铝镁粉尘）", False),
    ("刀具制造：硬质合金刀具、量具的生产", "工具", "热处理、打磨抛光", False),
]

PARKS: list[ParkPlan] = [
    ParkPlan(
        name="常州市武进区湖塘纺织工业园",
        landlord="常州湖塘纺织集团有限公司",
        street="320412100",
        centre=(31.712, 119.962),
        address="武进区湖塘镇长虹路118号",
        prefix="HT-",
        interval=30,
        buildings=6,
        tenants=19,
        trades=(2, 2, 2, 6, 6, 4, 8, 1, 3),
        missing=(4,),
        expired=(9,),
        expiring=(13,),
        overdue=(6, 15),
        left=1,
        trainings=4,
    ),
    ParkPlan(
        name="常州市武进区牛塘五金产业园",
        landlord="常州牛塘工贸实业有限公司",
        street="320412102",
        centre=(31.742, 119.912),
        address="武进区牛塘镇人民西路66号",
        prefix="NT-",
        interval=90,
        buildings=4,
        tenants=14,
        trades=(0, 0, 5, 5, 9, 1, 4),
        missing=(3,),
        expiring=(8,),
        overdue=(11,),
        left=1,
    ),
    ParkPlan(
        name="常州市新北区薛家创业园",
        landlord="常州市新北区薛家工业发展有限公司",
        street="320411103",
        centre=(31.838, 119.932),
        address="新北区薛家镇顺园路28号",
        prefix="XJ-",
        interval=90,
        buildings=5,
        tenants=15,
        trades=(7, 7, 1, 8, 0, 3, 4, 6),
        missing=(5,),
        expired=(10,),
        never_inspected=(12,),
        three_in_one=(7,),
        left=1,
    ),
    ParkPlan(
        name="常州市新北区西夏墅工具产业园",
        landlord="常州西夏墅工具产业园管理有限公司",
        street="320411105",
        centre=(31.928, 119.846),
        address="新北区西夏墅镇东青路9号",
        prefix="XXS-",
        interval=None,
        buildings=3,
        tenants=12,
        trades=(10, 10, 10, 0, 5, 3),
        missing=(2, 9),
        expired=(6,),
        three_in_one=(4,),
        trainings=1,
    ),
]

FIRM_HEADS = "恒鑫永盛宏泰嘉凯润锦天诚德汇明金信安祥丰博远宇达通华瑞新龙东"
FIRM_TAILS = "达源盛丰泰信诚发辉隆昌兴旺利和顺通宝益美"
FAILED_NOTES: dict[str, list[str]] = {
    "exits": ["二楼安全出口被成品堆放堵塞", "疏散指示标志损坏未修复"],
    "fire_equipment": ["部分灭火器压力不足", "室内消火栓箱被货物遮挡"],
    "electrical": ["车间私拉临时电线", "配电箱未上锁、无警示标识"],
    "storage": ["稀释剂超量存放于车间内", "易燃包装材料紧贴电气设备堆放"],
    "separation": ["叉车通道与人行通道未划线分隔"],
    "training": ["新入职员工未进行三级安全教育"],
    "dangerous_processes": ["喷涂作业区通风设施未开启", "焊接作业未办理动火审批"],
}
LEFT_REASONS = [
    "租赁合同到期，迁往武进高新区自有厂房",
    "经营不善停产，协商退租",
    "喷涂工序不符合园区消防要求，协商退租",
]
TRAINING_TOPICS: list[tuple[str, str]] = [
    (TrainingKind.TRAINING, "新《安全生产法》与承租单位安全生产职责"),
    (TrainingKind.DRILL, "园区火灾疏散及初起火灾扑救演练"),
    (TrainingKind.TRAINING, "消防安全培训与灭火器实操"),
    (TrainingKind.TRAINING, "动火作业与喷涂作业安全管理"),
    (TrainingKind.DRILL, "厂房停电及触电事故应急演练"),
]
LANDLORD_DUTIES = (
    "出租方对园区安全生产工作统一协调、管理，定期对承租方进行安全检查，督促整改发现的问题；"
    "保障园区公共消防设施、疏散通道和人车分流设施完好有效；组织承租方开展安全培训和应急演练。"
)
TENANT_DUTIES = (
    "承租方对其租赁场所内的安全生产负主体责任：建立安全生产责任制，如实申报危险工艺，"
    "不得在生产、储存场所内设置员工宿舍，配合出租方的安全检查并按期整改。"
)
GATE_NOTICE = (
    "入园须知：园区实行人车分流，车辆限速5公里/小时；严禁在厂房、仓库内住宿；动火作业须经园区审批；"
    "发现隐患请拨打园区安全值班电话。"
)


def _credit_code(rng: random.Random, district: str, used: set[str]) -> str:
    while True:
        first17 = "91" + district + organisation_code(rng)
        code = first17 + credit_code_check_character(first17)
        if code not in used and not Organisation.objects.filter(credit_code=code).exists():
            used.add(code)
            return code


def _point(rng: random.Random, centre: tuple[float, float]) -> tuple[Decimal, Decimal]:
    lat, lon = centre
    return Decimal(f"{lat + rng.uniform(-0.006, 0.006):.6f}"), Decimal(f"{lon + rng.uniform(-0.006, 0.006):.6f}")


def _account(admin: Any, username: str, name: str, title: str, organisation: Organisation) -> Any:
    user = get_user_model().objects.create_user(username=username, password=DEMO_PASSWORD)
    person = core_services.person_create(actor=admin, name=name, organisation=organisation, title=title, user=user)
    core_services.role_assign(actor=admin, person=person, role=Role.ENTERPRISE_MANAGER, organisation=organisation)
    return user


# --- the site plan ------------------------------------------------------------------------------

Box = tuple[int, int, int, int]


def _building_boxes(count: int) -> list[Box]:
    """Where each building stands on the plan: three along the top, the others below the main road
    left and right of the gate's road (x 540-660), an open square along the bottom."""
    top = [(60, 60, 380, 330), (440, 60, 760, 330), (820, 60, 1140, 330)][: min(count, 3)]
    below = {0: [], 1: [(60, 470, 520, 740)], 2: [(60, 470, 520, 740), (680, 470, 1140, 740)]}.get(
        count - 3, [(60, 470, 280, 740), (300, 470, 520, 740), (680, 470, 1140, 740)]
    )
    return top + below


def _plan_png(boxes: list[Box]) -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (PLAN_WIDTH, PLAN_HEIGHT), (244, 244, 238))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 380, PLAN_WIDTH, 420), fill=(200, 200, 200))  # the main road
    draw.rectangle((580, 380, 620, PLAN_HEIGHT), fill=(200, 200, 200))  # the road to the gate
    draw.rectangle((700, 770, 1100, 840), fill=(206, 232, 200), outline=(120, 170, 110), width=2)  # the square
    draw.rectangle((560, PLAN_HEIGHT - 12, 640, PLAN_HEIGHT), fill=(90, 96, 110))  # the gate
    for box in boxes:
        draw.rectangle(box, fill=(214, 218, 228), outline=(90, 96, 110), width=3)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def _areas(box: Box, count: int) -> list[list[list[int]]]:
    """``count`` side-by-side tenant areas inside a building's box."""
    x0, y0, x1, y1 = box
    width = (x1 - x0 - 16) // max(count, 1)
    return [
        [
            [x0 + 8 + i * width, y0 + 8],
            [x0 + 8 + (i + 1) * width - 6, y0 + 8],
            [x0 + 8 + (i + 1) * width - 6, y1 - 8],
            [x0 + 8 + i * width, y1 - 8],
        ]
        for i in range(count)
    ]


# --- the records --------------------------------------------------------------------------------


@dataclass
class TenantPlan:
    index: int
    building: int
    number: str
    name: str
    trade: tuple[str, str, str, bool]
    entered_on: date
    dangerous: str = ""
    living: bool = False
    tenant: Tenant | None = None
    inspections: list[date] = field(default_factory=list)


def _agreement_periods(rng: random.Random, entered_on: date, last_until: date, today: date) -> list[tuple[date, date, date]]:
    """(signed, from, until) of a tenant's agreements from the day it moved in, the last ending on
    ``last_until``: periods of one to three years, each signed a few days before it starts."""
    periods: list[tuple[date, date, date]] = []
    until = last_until
    while True:
        start = until - timedelta(days=rng.choice((365, 730, 1095)) - 1)
        if not periods:
            start = min(start, today - timedelta(days=rng.randint(20, 200)))  # the current one began in the past
        start = max(start, entered_on)
        periods.append((start - timedelta(days=rng.randint(0, 10)), start, until))
        if start <= entered_on:
            break
        until = start - timedelta(days=1)
    return list(reversed(periods))


def _results(fail: list[tuple[str, str]]) -> dict[str, Any]:
    results: dict[str, Any] = {code: {"ok": True} for code in checklist_codes()}
    for code, note in fail:
        results[code] = {"ok": False, "note": note}
    return results


def _random_failures(rng: random.Random, plan: TenantPlan) -> list[tuple[str, str]]:
    if rng.random() >= 0.12:
        return []
    codes = [c for c in FAILED_NOTES if c != "dangerous_processes" or plan.dangerous]
    code = rng.choice(codes)
    return [(code, rng.choice(FAILED_NOTES[code]))]


def _inspection_days(rng: random.Random, park: ParkPlan, plan: TenantPlan, today: date) -> list[date]:
    """The days the landlord inspected the tenant, latest first: within its period of today (or
    well past it for an overdue tenant), then back at about that period, at most four."""
    interval = park.interval
    if interval is None or plan.index in park.never_inspected:
        return []
    if plan.index in park.overdue:
        last = today - timedelta(days=interval + rng.randint(10, 40))
    else:
        last = today - timedelta(days=rng.randint(1, interval - 3))
    days: list[date] = []
    day = last
    while day >= plan.entered_on and len(days) < 4:
        days.append(day)
        day -= timedelta(days=interval - rng.randint(0, 5))
    return days


def _firm_name(rng: random.Random, word: str, used: set[str]) -> str:
    while True:
        name = f"常州{rng.choice(FIRM_HEADS)}{rng.choice(FIRM_TAILS)}{word}有限公司"
        if name not in used:
            used.add(name)
            return name


class _ParkBuilder:
    """Enters one park's register through the parks services, as ``actor`` (the landlord's user, or
    the platform)."""

    def __init__(
        self, rng: random.Random, spec: ParkPlan, landlord: Organisation, actor: Any, inspector: str, used: dict[str, set[str]]
    ) -> None:
        self.rng, self.spec, self.landlord, self.actor, self.inspector, self.used = rng, spec, landlord, actor, inspector, used
        self.today = timezone.localdate()
        self.district = spec.street[:6]
        self.boxes = _building_boxes(spec.buildings)
        self.park: Park | None = None
        self.buildings: list[Building] = []
        self.tenants: list[Tenant] = []  # every tenant record, those that left first
        self.current: list[TenantPlan] = []

    def build(self) -> Park:
        rng, spec = self.rng, self.spec
        lat, lon = _point(rng, spec.centre)
        park = services.park_create(
            actor=self.actor,
            landlord=self.landlord,
            name=spec.name,
            address=spec.address,
            latitude=lat,
            longitude=lon,
            number_prefix=spec.prefix,
            inspection_interval_days=spec.interval,
            gate_notice=GATE_NOTICE,
        )
        self.park = park
        self.buildings = [
            services.building_save(
                actor=self.actor,
                park=park,
                name=f"{chr(65 + i)}栋",
                floors=rng.randint(1, 4),
                area_m2=Decimal(rng.randrange(1500, 6000, 100)),
            )
            for i in range(spec.buildings)
        ]
        park = self.park = services.site_plan_upload(actor=self.actor, park=park, file=io.BytesIO(_plan_png(self.boxes)))
        counts = [spec.tenants // spec.buildings + (1 if i < spec.tenants % spec.buildings else 0) for i in range(spec.buildings)]
        for n in range(spec.left):
            building = rng.randrange(spec.buildings)
            self._left(self._plan(-1 - n, building, f"{chr(65 + building)}-{counts[building] + 1 + n:02d}"), LEFT_REASONS[n])
        index = 0
        for building, count in enumerate(counts):
            for k in range(1, count + 1):
                plan = self._plan(index, building, f"{chr(65 + building)}-{k:02d}")
                self._current(plan)
                index += 1
        self._shapes()
        self._trainings()
        return park

    def _plan(self, index: int, building: int, number: str) -> TenantPlan:
        rng, spec = self.rng, self.spec
        trade = TRADES[rng.choice(spec.trades)]
        return TenantPlan(
            index=index,
            building=building,
            number=number,
            name=_firm_name(rng, trade[1], self.used["names"]),
            trade=trade,
            entered_on=self.today - timedelta(days=rng.randint(1100, 1450) if index < 0 else rng.randint(380, 1450)),
            dangerous=trade[2] if trade[2] and rng.random() < 0.6 else "",
            living=index in spec.three_in_one,
        )

    def _register(self, plan: TenantPlan) -> Tenant:
        rng = self.rng
        scope, _word, _processes, storage_only = plan.trade
        assert self.park is not None
        tenant = services.tenant_register(
            actor=self.actor,
            park=self.park,
            credit_code=_credit_code(rng, self.district, self.used["codes"]),
            unified_number=plan.number,
            entered_on=plan.entered_on,
            name=plan.name,
            business_scope=scope,
            building=self.buildings[plan.building],
            area_m2=Decimal(rng.randrange(200, 3000, 50)),
            workers=rng.randint(4, 80),
            dangerous_processes=plan.dangerous,
            uses_production=not storage_only,
            uses_storage=storage_only or rng.random() < 0.3,
            uses_living=plan.living,
            safety_notice=f"本单位主要风险：{plan.dangerous or '火灾、触电'}。发现险情立即报告园区安全值班室并组织人员疏散。",
        )
        plan.tenant = tenant
        self.tenants.append(tenant)
        return tenant

    def _agreements(self, tenant: Tenant, periods: list[tuple[date, date, date]]) -> None:
        in_lease = self.rng.random() < 0.2
        for signed_on, valid_from, valid_until in periods:
            services.agreement_record(
                actor=self.actor,
                tenant=tenant,
                signed_on=signed_on,
                valid_from=valid_from,
                valid_until=valid_until,
                landlord_duties=LANDLORD_DUTIES,
                tenant_duties=TENANT_DUTIES,
                in_lease=in_lease,
            )

    def _inspect(self, tenant: Tenant, day: date, fail: list[tuple[str, str]]) -> None:
        services.inspection_record(
            actor=self.actor,
            tenant=tenant,
            inspected_on=day,
            results=_results(fail),
            inspector_name=self.inspector,
            note="检查发现问题已当场告知承租单位负责人，限期整改。" if fail else "",
        )

    def _left(self, plan: TenantPlan, reason: str) -> None:
        rng = self.rng
        tenant = self._register(plan)
        left_on = self.today - timedelta(days=rng.randint(150, 450))
        start = plan.entered_on
        self._agreements(tenant, [(start - timedelta(days=rng.randint(0, 10)), start, start + timedelta(days=729))])
        if self.spec.interval is not None:
            for back in (rng.randint(100, 200), rng.randint(20, 60)):
                self._inspect(tenant, left_on - timedelta(days=back), _random_failures(rng, plan))
        self.tenants[self.tenants.index(tenant)] = services.tenant_leave(
            actor=self.actor, tenant=tenant, left_on=left_on, reason=reason
        )

    def _current(self, plan: TenantPlan) -> None:
        rng, spec, today = self.rng, self.spec, self.today
        tenant = self._register(plan)
        self.current.append(plan)
        last_until = None
        if plan.index not in spec.missing:
            if plan.index in spec.expired:
                last_until = today - timedelta(days=rng.randint(15, 150))
            elif plan.index in spec.expiring:
                last_until = today + timedelta(days=rng.randint(5, 25))
            else:
                last_until = today + timedelta(days=rng.randint(45, 600))
            self._agreements(tenant, _agreement_periods(rng, plan.entered_on, last_until, today))
        days = _inspection_days(rng, spec, plan, today)
        for n, day in reversed(list(enumerate(days))):
            fail = _random_failures(rng, plan)
            if n == 0:  # the latest inspection saw what the register shows
                if last_until is None:
                    fail.append(("agreement", "未与园区签订安全生产管理协议"))
                elif day > last_until:
                    fail.append(("agreement", "安全生产管理协议已过期，未续签"))
                if plan.living:
                    fail.append(("no_living", "厂房二层隔出员工宿舍，有人员住宿"))
            self._inspect(tenant, day, fail)

    def _shapes(self) -> None:
        assert self.park is not None
        park, actor = self.park, self.actor
        for building, box in enumerate(self.boxes):
            plans = [p for p in self.current if p.building == building]
            for plan, points in zip(plans, _areas(box, len(plans)), strict=True):
                assert plan.tenant is not None
                services.shape_add(
                    actor=actor,
                    park=park,
                    kind=ShapeKind.TENANT_AREA,
                    points=points,
                    label=plan.tenant.full_number,
                    tenant=plan.tenant,
                )
        routes = [[[220, 330], [220, 430], [640, 430], [640, 805], [900, 805]]]
        if len(self.boxes) >= 4:
            routes.append([[980, 330], [980, 430], [1170, 430], [1170, 805], [900, 805]])
        for n, points in enumerate(routes, start=1):
            services.shape_add(actor=actor, park=park, kind=ShapeKind.ESCAPE_ROUTE, points=points, label=f"疏散路线{n}")
        services.shape_add(
            actor=actor, park=park, kind=ShapeKind.PEDESTRIAN_WAY, points=[[560, 855], [560, 440], [40, 440]], label="人行通道"
        )
        services.shape_add(
            actor=actor, park=park, kind=ShapeKind.VEHICLE_WAY, points=[[600, 855], [600, 400], [1160, 400]], label="车行通道"
        )
        services.shape_add(actor=actor, park=park, kind=ShapeKind.ASSEMBLY_POINT, points=[[900, 805]], label="紧急集合点")

    def _trainings(self) -> None:
        rng, today = self.rng, self.today
        assert self.park is not None
        if self.spec.interval is None:  # the landlord that coordinates nobody held one drill, long ago
            days = [today - timedelta(days=rng.randint(280, 330))]
        else:
            days = sorted(today - timedelta(days=rng.randint(15, 360)) for _ in range(self.spec.trainings))
        first = rng.randrange(len(TRAINING_TOPICS))
        for n, held_on in enumerate(days):
            kind, topic = TRAINING_TOPICS[(first + n) % len(TRAINING_TOPICS)]
            present = [t for t in self.tenants if t.entered_on <= held_on and (t.left_on is None or t.left_on >= held_on)]
            attendance = {t.pk: rng.randint(1, 6) for t in present if rng.random() < 0.75} or {present[0].pk: 2}
            services.training_record(
                actor=self.actor,
                park=self.park,
                kind=kind,
                held_on=held_on,
                topic=topic,
                hours=Decimal("1.5") if kind == TrainingKind.DRILL else Decimal("2.0"),
                attendance=attendance,
            )


def _landlord(rng: random.Random, admin: Any, spec: ParkPlan, used: dict[str, set[str]]) -> Organisation:
    lat, lon = _point(rng, spec.centre)
    return core_services.organisation_create(
        actor=admin,
        name=spec.landlord,
        kind=OrganisationKind.ENTERPRISE,
        credit_code=_credit_code(rng, spec.street[:6], used["codes"]),
        region=Region.objects.get(code=spec.street),
        address=spec.address,
        latitude=lat,
        longitude=lon,
        industry_code="L7221",  # 园区管理服务
    )


INSPECTORS = ["蒋国良", "陆建平", "沈晓东", ""]


@register_step("parks.campaign", order=71)
def build(rng: random.Random, admin: Any) -> None:
    used: dict[str, set[str]] = {"codes": set(), "names": set(Organisation.objects.values_list("name", flat=True))}
    for n, spec in enumerate(PARKS):
        landlord = _landlord(rng, admin, spec, used)
        actor = None
        if n == 0:  # the biggest park: its landlord's safety manager keeps the register
            actor = _account(admin, "park.landlord", INSPECTORS[0], "安全生产管理部经理", landlord)
        builder = _ParkBuilder(rng, spec, landlord, actor, INSPECTORS[n], used)
        builder.build()
        if n == 0:
            first = builder.current[0].tenant
            assert first is not None
            _account(admin, "park.tenant", "周丽华", "负责人", first.organisation)
    services.findings_sweep()

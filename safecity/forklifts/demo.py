"""Demo step: the forklift platform in 武进区 and 新北区 (issue 14, domain-rules §4).

Four plants: 常州凌迪电子科技有限公司 and one of its tenants in 武进经济开发区, the hazardous-chemical
enterprise of the ``enterprise.manager`` persona and a neighbour in 新北区; each with a generated
site plan (SVG), its zones and speed limits (indoor 5 km/h, yard 10, walkways 3, a forbidden
store), 40 trucks and 60 drivers, the safety director and officers, and the daily / weekly /
monthly checks of the last weeks. Generated relative to the day it runs, so the flags are true
today: a few trucks overdue for inspection or due within the month, two unregistered 45 days
after first use, three registered late, drivers with expired or expiring N1 certificates, missed
days, a missed week and a missed month. The ``forklift.director`` persona is 凌迪's safety director.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal
from typing import Any
from xml.sax.saxutils import escape

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.utils import timezone

from safecity.core import services as core_services
from safecity.core.choices import Role
from safecity.core.demo import DEMO_PASSWORD, register_step
from safecity.core.models import Organisation, Person
from safecity.forklifts import compliance, services
from safecity.forklifts.choices import CheckKind, ForkliftAction, InspectionResult, SafetyRole, VehicleType, ZoneKind
from safecity.forklifts.models import Plant

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜敏静强磊军洋勇艳杰涛明超华平刚建国文斌波鹏"
MODELS = [
    # (manufacturer, model, type, rated load kg)
    ("杭叉集团股份有限公司", "CPD30", VehicleType.COUNTERBALANCE_BATTERY, 3000),
    ("杭叉集团股份有限公司", "CPCD50", VehicleType.COUNTERBALANCE_ENGINE, 5000),
    ("安徽合力股份有限公司", "CPD25", VehicleType.COUNTERBALANCE_BATTERY, 2500),
    ("安徽合力股份有限公司", "CQD16", VehicleType.REACH, 1600),
    ("诺力智能装备股份有限公司", "CDD15", VehicleType.PALLET_STACKER, 1500),
]
FINDINGS = [
    "制动踏板自由行程过大",
    "倒车蜂鸣器不响",
    "货叉磨损超过原厚度10%",
    "灭火器压力不足",
    "座椅安全带卡扣损坏",
    "护顶架螺栓松动",
]
# (in-plant width, height) of the plan in degrees: about 380 m x 330 m at Changzhou's latitude.
SPAN = (Decimal("0.004"), Decimal("0.003"))
# Zones in plan fractions (x0, y0, x1, y1 from the south-west corner).
ZONES = [
    ("一号仓库", ZoneKind.INDOOR, (0.08, 0.55, 0.45, 0.92)),
    ("二号车间", ZoneKind.INDOOR, (0.55, 0.55, 0.92, 0.92)),
    ("装卸货场", ZoneKind.OUTDOOR, (0.08, 0.12, 0.70, 0.45)),
    ("人行通道", ZoneKind.PEDESTRIAN, (0.46, 0.50, 0.54, 0.95)),
    ("危险化学品库", ZoneKind.FORBIDDEN, (0.76, 0.12, 0.92, 0.40)),
]
KIND_FILL = {"indoor": "#d6e4f5", "outdoor": "#dcefd9", "pedestrian": "#ffe3c2", "forbidden": "#f6c9cc"}


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def site_plan_svg(plant_name: str) -> str:
    """A simple site plan: fence, buildings, yard, walkway and the forbidden store, labelled."""
    w, h = 800, 600
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}">',
        f'<rect x="0" y="0" width="{w}" height="{h}" fill="#f4f1ea"/>',
        f'<rect x="20" y="20" width="{w - 40}" height="{h - 40}" fill="none" stroke="#7a7a7a" stroke-width="4" stroke-dasharray="12 6"/>',
    ]
    for name, kind, (x0, y0, x1, y1) in ZONES:
        x, y = x0 * w, (1 - y1) * h
        parts.append(
            f'<rect x="{x:.0f}" y="{y:.0f}" width="{(x1 - x0) * w:.0f}" height="{(y1 - y0) * h:.0f}" '
            f'fill="{KIND_FILL[kind]}" stroke="#55606e" stroke-width="2"/>'
        )
        parts.append(
            f'<text x="{x + (x1 - x0) * w / 2:.0f}" y="{y + (y1 - y0) * h / 2:.0f}" font-size="20" text-anchor="middle" '
            f'font-family="sans-serif" fill="#1d2733">{escape(name)}</text>'
        )
    parts.append(f'<rect x="{w * 0.45:.0f}" y="{h - 24:.0f}" width="{w * 0.1:.0f}" height="8" fill="#55606e"/>')  # the gate
    parts.append(f'<text x="30" y="52" font-size="18" font-family="sans-serif" fill="#1d2733">{escape(plant_name)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _polygon(plant: Plant, box: tuple[float, float, float, float]) -> list[list[float]]:
    x0, y0, x1, y1 = box
    lon = lambda f: round(float(plant.west) + f * float(plant.east - plant.west), 6)  # noqa: E731
    lat = lambda f: round(float(plant.south) + f * float(plant.north - plant.south), 6)  # noqa: E731
    return [[lon(x0), lat(y0)], [lon(x1), lat(y0)], [lon(x1), lat(y1)], [lon(x0), lat(y1)]]


def _plant(org: Organisation, name: str) -> Plant:
    lat = (org.latitude or Decimal("31.78")).quantize(Decimal("0.000001"))
    lon = (org.longitude or Decimal("119.95")).quantize(Decimal("0.000001"))
    plant = services.plant_create(
        actor=None, organisation=org, name=name, address=org.address,
        south=lat - SPAN[1] / 2, west=lon - SPAN[0] / 2, north=lat + SPAN[1] / 2, east=lon + SPAN[0] / 2,
    )  # fmt: skip
    plant.site_plan.save("plan.svg", ContentFile(site_plan_svg(name).encode()), save=True)
    for zone_name, kind, box in ZONES:
        services.plant_zone_add(actor=None, plant=plant, name=zone_name, kind=kind, polygon=_polygon(plant, box))
    return plant


def _director_account(org: Organisation, admin: Any) -> Person:
    """The ``forklift.director`` persona: 凌迪's safety director (an enterprise manager)."""
    user = get_user_model().objects.create_user(username="forklift.director", password=DEMO_PASSWORD)
    person = core_services.person_create(
        actor=admin, name="蒋立伟", organisation=org, title="安全总监（叉车）", user=user, phone="13961120458"
    )
    core_services.role_assign(actor=admin, person=person, role=Role.ENTERPRISE_MANAGER, organisation=org)
    return person


class _Fleet:
    def __init__(self, rng: random.Random, today: date, admin: Any) -> None:
        self.rng, self.today, self.admin = rng, today, admin
        self.n_trucks = 0
        self.n_drivers = 0
        self.report = 0

    def people(self, org: Organisation, director: Person | None) -> list[Person]:
        rng = self.rng
        director = director or core_services.person_create(actor=self.admin, name=_name(rng), organisation=org, title="安全总监")
        officers = [
            core_services.person_create(actor=self.admin, name=_name(rng), organisation=org, title="叉车安全员") for _ in range(2)
        ]
        appointed = self.today - timedelta(days=rng.randint(200, 400))
        services.safety_appoint(actor=None, organisation=org, person=director, role=SafetyRole.DIRECTOR, appointed_on=appointed)
        for officer in officers:
            services.safety_appoint(actor=None, organisation=org, person=officer, role=SafetyRole.OFFICER, appointed_on=appointed)
        return officers

    def truck(self, org: Organisation, plant: Plant, officers: list[Person], flaw: str) -> None:
        rng, today = self.rng, self.today
        self.n_trucks += 1
        maker, model, vehicle_type, load = rng.choice(MODELS)
        made = today - timedelta(days=rng.randint(150, 6 * 365))
        if flaw == "new":
            made = today - timedelta(days=70)
        first_use = made + timedelta(days=rng.randint(10, 60))
        registered: date | None = first_use + timedelta(days=rng.randint(3, 25))
        if flaw == "new":
            first_use, registered = today - timedelta(days=45), None  # unregistered 45 days after first use
        elif flaw == "late":
            registered = first_use + timedelta(days=rng.randint(40, 90))
        truck = services.forklift_add(
            actor=None, organisation=org, plant=plant, number=f"CC-{self.n_trucks:03d}",
            product_number=f"{model}-{made:%y%m}{rng.randint(1000, 9999)}", manufacturer=maker, model_name=model,
            vehicle_type=vehicle_type, rated_load_kg=load, manufactured_on=made, first_used_on=first_use,
            registration_number=f"车11苏D{20000 + self.n_trucks * 7:05d}" if registered else "", registered_on=registered,
            safety_officer=rng.choice(officers),
        )  # fmt: skip
        # The inspections: every 2 years from first use; the last one sets today's flag.
        last = first_use
        while compliance.add_months(last, 24) < today - timedelta(days=40):
            last = compliance.add_months(last, 24)
        if flaw == "overdue":
            last = compliance.add_months(today, -26)
        elif flaw == "due_soon":
            last = compliance.add_months(today, -24) + timedelta(days=rng.randint(3, 20))
        inspections = sorted({first_use, last})
        for day in inspections:
            self.report += 1
            services.forklift_inspection_record(
                actor=None, forklift=truck, inspected_on=day, result=InspectionResult.PASS,
                report_number=f"CZTJ-{day.year}-C{self.report:04d}", inspection_body="常州市特种设备检验检测站",
            )  # fmt: skip
        if flaw == "stopped":
            services.forklift_transition(actor=None, forklift=truck, action=ForkliftAction.STOP, comment="电瓶更换，暂停使用")
        elif flaw == "scrapped":
            services.forklift_transition(actor=None, forklift=truck, action=ForkliftAction.SCRAP, comment="使用年限届满，报废")

    def driver(self, org: Organisation, flaw: str) -> None:
        rng, today = self.rng, self.today
        self.n_drivers += 1
        issued = today - timedelta(days=rng.randint(60, 3 * 365))
        if flaw == "expired":
            issued = compliance.add_months(today, -48) - timedelta(days=rng.randint(5, 200))
        elif flaw == "expiring":
            issued = compliance.add_months(today, -48) + timedelta(days=rng.randint(3, 25))
        services.operator_add(
            actor=None, organisation=org, name=_name(rng), certificate_number=f"TS3204{issued:%y}{self.n_drivers:06d}",
            certificate_issued_on=issued, card_id=f"CZ-IC-{rng.randint(10_000_000, 99_999_999)}",
            face_id=f"FACE{self.n_drivers:05d}" if rng.random() < 0.4 else "", phone=f"139{rng.randint(10_000_000, 99_999_999)}",
        )  # fmt: skip

    def checks(self, org: Organisation, person: Person, *, missed_days: int, missed_week: bool, missed_month: bool) -> None:
        """The last 35 days' daily checks, 8 weeks' investigations, 5 months' meetings (a few missed)."""
        rng, today = self.rng, self.today
        days = [today - timedelta(days=n) for n in range(1, 36)]
        skipped = set(rng.sample(days, missed_days))
        for day in days:
            if day in skipped:
                continue
            findings = [services.Finding(rng.choice(FINDINGS))] if rng.random() < 0.06 else []
            services.safety_check_record(
                actor=self.admin, organisation=org, kind=CheckKind.DAILY, performed_on=day, findings=findings,
                summary="班前检查：制动、转向、灯光、喇叭、货叉、安全带", performed_by=person, historic=True,
            )  # fmt: skip
        monday = compliance.period_start(CheckKind.WEEKLY, today)
        for n in range(1, 9):
            if missed_week and n == 3:
                continue
            week = monday - timedelta(days=7 * n)
            services.safety_check_record(
                actor=self.admin, organisation=org, kind=CheckKind.WEEKLY, performed_on=week + timedelta(days=4),
                summary="周排查：全部叉车及作业区域隐患排查", performed_by=person, historic=True,
            )  # fmt: skip
        first = today.replace(day=1)
        for n in range(1, 6):
            if missed_month and n == 2:
                continue
            month = compliance.add_months(first, -n)
            services.safety_check_record(
                actor=self.admin, organisation=org, kind=CheckKind.MONTHLY, performed_on=month + timedelta(days=25),
                minutes=f"{month:%Y年%m月}叉车安全月调度会：通报本月日管控、周排查情况，部署下月重点工作。", attendees="安全总监、安全员、车间主任",
                performed_by=person, historic=True,
            )  # fmt: skip


@register_step("forklifts.platform", order=75)
def build(rng: random.Random, admin: Any) -> None:
    today = timezone.localdate()
    lingdi = Organisation.objects.get(name="常州凌迪电子科技有限公司")
    tenant = Organisation.objects.filter(region=lingdi.region, name__endswith="精密机械有限公司").order_by("pk").first() or lingdi
    hazchem = Person.objects.get(user__username="enterprise.manager").organisation
    district = "/".join(hazchem.region.path.split("/")[:3]) + "/"  # 新北区
    neighbour = (
        Organisation.objects.filter(kind="enterprise", region__path__startswith=district, industry_code__startswith="C26")
        .exclude(pk=hazchem.pk)
        .order_by("pk")
        .first()
    )
    director = _director_account(lingdi, admin)
    fleet = _Fleet(rng, today, admin)
    plan = [
        # (enterprise, plant, trucks, drivers, truck flaws, driver flaws, missed days, week, month, director)
        (lingdi, "凌迪电子一号厂区", 14, 20, ["overdue", "due_soon", "new", "late", "stopped", "scrapped"], ["expired", "expiring"], 2, False, False, director),
        (tenant, "精密机械厂区", 8, 12, ["overdue", "late"], ["expired"], 6, True, False, None),
        (hazchem, "滨江化工园区厂区", 10, 16, ["overdue", "due_soon", "new"], ["expired", "expiring", "expired"], 4, False, True, None),
        (neighbour or hazchem, "新北仓储厂区", 8, 12, ["due_soon", "late", "overdue"], ["expiring"], 1, False, False, None),
    ]  # fmt: skip
    for org, plant_name, n_trucks, n_drivers, truck_flaws, driver_flaws, missed_days, missed_week, missed_month, boss in plan:
        plant = _plant(org, plant_name)
        officers = fleet.people(org, boss)
        flaws = truck_flaws + [""] * (n_trucks - len(truck_flaws))
        rng.shuffle(flaws)
        for flaw in flaws:
            fleet.truck(org, plant, officers, flaw)
        for flaw in driver_flaws + [""] * (n_drivers - len(driver_flaws)):
            fleet.driver(org, flaw)
        fleet.checks(org, officers[0], missed_days=missed_days, missed_week=missed_week, missed_month=missed_month)


from safecity.forklifts import demo_telemetry as _telemetry  # noqa: E402,F401  (registers the telemetry step)

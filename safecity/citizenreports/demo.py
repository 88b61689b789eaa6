"""Demo step ``citizenreports.demo`` (issue 17 part 3): citizens' hazard reports of this year.

Thirty reports since 1 January across the six districts, each at a point inside its district,
with small generated photos (PNG, re-encoded by the service like any upload) and, for about half,
a phone number. The district's people triaged all but the four most recent: some dismissed (with
the reason the citizen reads), some merged with a hidden hazard already known in the district, the
rest recorded as new hidden hazards of the nearest enterprise or place. ``safecity figures`` shows
them under ``citizenreports.*``.

Triage accounts: ``xinbei.official`` and ``inspector.xinbei`` (新北区), ``wujin.official``
(武进区); the other districts' inspectors are people of their bureau without a login.
"""

from __future__ import annotations

import io
import random
from datetime import datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image, ImageDraw

from safecity.citizenreports import selectors
from safecity.citizenreports.geo import district_code_at
from safecity.citizenreports.models import RECEIPT_ALPHABET, RECEIPT_LENGTH
from safecity.citizenreports.services.submit import report_submit
from safecity.citizenreports.services.triage import report_dismiss, report_merge, report_to_hazard
from safecity.core import services as core_services
from safecity.core.choices import OrganisationKind, Role
from safecity.core.demo import register_step
from safecity.core.demo.regions import CENTRES
from safecity.core.models import Organisation, Region
from safecity.hazards.choices import HazardType

PER_DISTRICT = {"320411": 8, "320412": 7, "320402": 4, "320404": 4, "320413": 4, "320481": 3}
AWAITING = 4

SIGHTINGS: list[tuple[str, str, int]] = [
    ("商铺后门的消防通道被货物堵死，消防车进不来。", "沿街商铺后巷", HazardType.FIRE),
    ("小区楼道里有人给电动自行车充电，电线从窗户拉出来。", "小区单元楼道", HazardType.ELECTRICAL),
    ("饭店门口堆放了十几个液化气钢瓶，没有人看管。", "饭店门口", HazardType.EQUIPMENT),
    ("工地围挡倒了一段，基坑边没有护栏，晚上很危险。", "工地东侧", HazardType.LAYOUT),
    ("厂房外墙的配电箱门坏了，里面的线裸露在外。", "厂区围墙边", HazardType.ELECTRICAL),
    ("仓库里闻到很重的油漆味，门口还有人抽烟。", "仓库大门", HazardType.FIRE),
    ("路边的燃气管道标志桩被撞歪了，旁边在挖沟。", "道路施工段", HazardType.EQUIPMENT),
    ("商场安全出口的指示灯不亮，疏散门上了锁。", "商场二楼", HazardType.FIRE),
    ("厂里叉车在人行道上倒车，没有人指挥。", "厂区大门口", HazardType.EQUIPMENT),
    ("出租屋里住了很多人，楼下是小作坊，堆满纸箱。", "沿街三层小楼", HazardType.FIRE),
]
DISMISS_REASONS = [
    "现场核查时未发现所述情况，通道已畅通。",
    "所述地点不在安全生产监管范围内，已转城市管理部门处理。",
    "照片与描述无法确认具体位置，欢迎补充后重新举报。",
]


def _photo(rng: random.Random, n: int) -> SimpleUploadedFile:
    image = Image.new("RGB", (96, 72), (rng.randint(150, 230), rng.randint(150, 230), rng.randint(150, 230)))
    draw = ImageDraw.Draw(image)
    for _ in range(4):
        x, y = rng.randint(0, 80), rng.randint(0, 56)
        draw.rectangle((x, y, x + rng.randint(8, 30), y + rng.randint(8, 20)), fill=(rng.randint(0, 200), 60, 40))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return SimpleUploadedFile(f"photo-{n}.png", out.getvalue(), content_type="image/png")


def _point(rng: random.Random, code: str) -> tuple[Decimal, Decimal]:
    lat0, lon0 = CENTRES[code]
    for _ in range(200):
        lat, lon = lat0 + rng.uniform(-0.03, 0.03), lon0 + rng.uniform(-0.03, 0.03)
        if district_code_at(lat, lon) == code:
            return Decimal(f"{lat:.6f}"), Decimal(f"{lon:.6f}")
    return Decimal(f"{lat0:.6f}"), Decimal(f"{lon0:.6f}")


def _triagers(admin: Any) -> dict[str, list[Any]]:
    """The users who triage in each district: the demo's accounts in 新北 and 武进, and an inspector
    of each other district's bureau (a person whose account has no password: not a login)."""
    users = get_user_model().objects
    found: dict[str, list[Any]] = {
        "320411": [users.get(username="xinbei.official"), users.get(username="inspector.xinbei")],
        "320412": [users.get(username="wujin.official")],
    }
    names = {
        "320402": ("tianning.inspector", "顾晓峰"),
        "320404": ("zhonglou.inspector", "陆文斌"),
        "320413": ("jintan.inspector", "汤建平"),
        "320481": ("liyang.inspector", "史国强"),
    }
    for code, (username, name) in names.items():
        region = Region.objects.get(code=code)
        bureau = Organisation.objects.filter(kind=OrganisationKind.DISTRICT_BUREAU, region=region).order_by("pk").first()
        user = users.create_user(username=username, password=None)
        person = core_services.person_create(actor=admin, name=name, organisation=bureau, title="执法检查员", user=user)
        core_services.role_assign(actor=admin, person=person, role=Role.INSPECTOR, organisation=bureau, jurisdiction=region)
        found[code] = [user]
    return found


@register_step("citizenreports.demo", order=69)
def build(rng: random.Random, admin: Any) -> None:
    now = timezone.localtime()
    start = timezone.make_aware(datetime.combine(now.date().replace(month=1, day=1), time(8)))
    span = max(int((now - start).total_seconds()) - 6 * 3600, 3600 * 30)
    triagers = _triagers(admin)
    plan: list[tuple[int, str]] = []
    for code, count in PER_DISTRICT.items():
        plan += [(rng.randint(0, span), code) for _ in range(count)]
    plan.sort()
    made = []
    for n, (offset, code) in enumerate(plan):
        at = min(start + timedelta(seconds=offset), now - timedelta(minutes=30 + n))
        lat, lon = _point(rng, code)
        text, place, _kind = SIGHTINGS[rng.randrange(len(SIGHTINGS))]
        report = report_submit(
            latitude=lat,
            longitude=lon,
            description=text,
            place=place,
            phone=f"13{rng.randint(3, 9)}{rng.randint(1000_0000, 9999_9999)}" if rng.random() < 0.5 else "",
            photos=[_photo(rng, i) for i in range(rng.choice((0, 1, 1, 2)))],
            at=at,
            code_source=lambda: "".join(rng.choice(RECEIPT_ALPHABET) for _ in range(RECEIPT_LENGTH)),
        )
        made.append((report, _kind))
    # The most recent ones still await triage; the others were triaged a few hours to days later.
    for report, kind in sorted(made, key=lambda m: m[0].submitted_at)[:-AWAITING]:
        actor = rng.choice(triagers[report.district.code])
        when = min(report.submitted_at + timedelta(hours=rng.uniform(1.5, 60)), now - timedelta(minutes=5))
        roll = rng.random()
        if roll < 0.25:
            report_dismiss(actor=actor, report=report, reason=rng.choice(DISMISS_REASONS), at=when)
            continue
        known = list(selectors.hazards_near(user=actor, report=report, limit=10))
        if roll < 0.5 and known:
            report_merge(actor=actor, report=report, hazard=rng.choice(known), at=when)
            continue
        places = [o for o in selectors.organisations_near(user=actor, report=report, limit=10) if o.kind == "enterprise"]
        places = places or selectors.organisations_near(user=actor, report=report, limit=3)
        report_to_hazard(
            actor=actor,
            report=report,
            organisation=Organisation.objects.select_related("region").get(pk=places[0].pk),
            hazard_type=kind,
            description=report.description,
            deadline=(when + timedelta(days=15)).date(),
            at=when,
        )

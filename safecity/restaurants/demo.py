"""Demo steps: 金坛区丰田路, the bottle-to-pipeline / bottle-to-electric demonstration street
(issue 15 §6, domain-rules §7a).

``restaurants.programme`` (before the cylinder ledger's step, which delivers to these restaurants):
the 147 restaurants of 丰田路 (made by the city step) and 36 restaurants of the old town (西城街道,
金城镇) that still cook on bottled LPG, each with its profile; the 2023 campaign of the street and the
147 restaurants' way through it (surveyed in spring, converted to piped gas or to electric, accepted
between June and November 2023 with their certificates, subsidised at 30 % of the cost up to
5,000 yuan and paid twice a year), so ``safecity figures --year 2023`` shows 147 converted.

``restaurants.detectors`` (after the ledger): the restaurants on cylinders buy from 常州金坛液化气充装站
(their contracted supplier) and each has a combustible-gas detector with an automatic shut-off valve
on the telemetry engine, reporting; one reported a leak this morning (the valve closed, the alarm is
waiting for its disposition; an earlier one, nine days ago, was dispositioned as a leak found and
fixed). Then the cross-check runs over the signed ledger: the cylinder demo
kept delivering to two of the converted restaurants (丰田路17号店 and 96号店) after their acceptance,
and the cross-check catches both.
"""

from __future__ import annotations

import random
import time
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from safecity.core import services as core_services
from safecity.core.choices import OrganisationKind
from safecity.core.demo import register_step
from safecity.core.demo.codes import credit_code
from safecity.core.models import Organisation, Region
from safecity.restaurants.choices import Acceptor, ConversionTarget, KitchenFuel, LeakOutcome
from safecity.restaurants.models import Conversion, ConversionEvent, LeakAlarm, Restaurant
from safecity.restaurants.services import conversion as steps

DEMO_STREET = "320413400"  # 金坛经济开发区: 丰田路
OLD_TOWN = ("320413001", "320413100")  # 西城街道, 金城镇
ON_CYLINDERS = 36
CAUGHT = ("（丰田路17号店）", "（丰田路96号店）")  # still supplied after their acceptance (cylinders demo)
SUPPLIER = "常州金坛液化气充装站"
GAS_COMPANY = "常州港华燃气有限公司"
DETECTOR_PREFIX = "CZGD"
# A one-pixel PNG: the acceptance certificate's photo in the demo.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)
DISHES = ["面馆", "小吃店", "餐厅", "饭店", "火锅店", "烧烤店", "快餐店", "酒家"]
SURNAMES = ["王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "朱", "马", "胡", "郭", "何", "林"]


def on_cylinder_restaurants() -> Any:
    """The old town's restaurants that stay on bottled LPG (the cylinder demo delivers to them)."""
    return Organisation.objects.filter(
        kind=OrganisationKind.ENTERPRISE, region__code__in=OLD_TOWN, industry_code__startswith="H62"
    ).order_by("pk")


def _day(year: int, start: tuple[int, int], end: tuple[int, int], rng: random.Random) -> date:
    first, last = date(year, *start), date(year, *end)
    return first + timedelta(days=rng.randint(0, (last - first).days))


def _old_town(rng: random.Random, admin: Any) -> list[Organisation]:
    streets = {code: Region.objects.get(code=code) for code in OLD_TOWN}
    made = []
    for n in range(1, ON_CYLINDERS + 1):
        code = OLD_TOWN[n % 2]
        street = streets[code]
        made.append(
            core_services.organisation_create(
                actor=admin,
                name=f"金坛区{rng.choice(SURNAMES)}记{rng.choice(DISHES)}（{street.name}{n}号）",
                kind=OrganisationKind.ENTERPRISE,
                region=street,
                credit_code=credit_code(rng, region_code="320413", prefix="92"),
                industry_code=rng.choice(["H6210", "H6220", "H6291"]),
                address=f"金坛区{street.name}东门大街{n * 3}号",
                latitude=Decimal(f"{31.735 + rng.uniform(-0.012, 0.012):.6f}"),
                longitude=Decimal(f"{119.573 + rng.uniform(-0.015, 0.015):.6f}"),
            )
        )
    return made


@register_step("restaurants.programme", order=65)
def build_programme(rng: random.Random, admin: Any) -> None:
    street = Region.objects.get(code=DEMO_STREET)
    demo_street = list(Organisation.objects.filter(name__contains="（丰田路", region=street).order_by("pk"))
    old_town = _old_town(rng, admin)
    Restaurant.objects.bulk_create(
        [Restaurant(organisation=org, cylinders_on_site=rng.choice((1, 2, 2))) for org in demo_street + old_town]
    )
    campaign = steps.campaign_create(
        actor=admin,
        name="金坛区丰田路“瓶改管/瓶改电”示范街区",
        region=street,
        deadline=date(2023, 11, 30),
        subsidy_cap="5000",
        subsidy_rate="0.30",
        description="丰田路沿线餐饮单位全部由瓶装液化气改用管道燃气或电，2023 年完成，改造费用按 30% 补贴（每户不超过 5000 元），每半年拨付一次。",
    )
    restaurants = list(Restaurant.objects.filter(organisation__in=demo_street).select_related("organisation__region"))
    conversions = steps.campaign_add_restaurants(actor=admin, campaign=campaign, restaurants=restaurants)
    dates: list[tuple[int, dict[str, date]]] = []
    for conversion in conversions:
        pipe = rng.random() < 0.62  # the street's gas main reaches most kitchens; the rest go electric
        surveyed = _day(2023, (3, 1), (4, 15), rng)
        planned = surveyed + timedelta(days=rng.randint(5, 20))
        started = planned + timedelta(days=rng.randint(10, 60))
        accepted = min(started + timedelta(days=rng.randint(7, 45)), date(2023, 11, 28))
        cost = Decimal(rng.choice([8000, 9500, 11000, 12600, 14800, 16500, 18000, 21000]))
        steps.conversion_survey(
            actor=admin,
            conversion=conversion,
            surveyed_on=surveyed,
            appliances=rng.choice(["双眼灶、蒸箱", "单眼灶", "三眼灶、炒炉", "汤炉、炸炉"]),
            pipe_feasible=pipe,
            electric_feasible=True,
            willing=True,
        )
        target = ConversionTarget.PIPE if pipe else ConversionTarget.ELECTRIC
        steps.conversion_plan(actor=admin, conversion=conversion, target=target, planned_on=planned)
        steps.conversion_start(actor=admin, conversion=conversion, started_on=started)
        steps.conversion_accept(
            actor=admin,
            conversion=conversion,
            acceptor=Acceptor.GAS_COMPANY if pipe else Acceptor.DISTRICT,
            acceptor_name=GAS_COMPANY if pipe else "金坛区应急管理局",
            cost=cost,
            accepted_on=accepted,
            evidence=[SimpleUploadedFile(f"验收证书-{conversion.pk}.png", PNG)],
        )
        applied = accepted + timedelta(days=rng.randint(3, 15))
        approved = applied + timedelta(days=rng.randint(5, 20))
        # Paid twice a year: at the end of June and of December (approved later: the next round).
        paid = date(2023, 6, 28) if approved <= date(2023, 6, 20) else date(2023, 12, 27)
        conversion = Conversion.objects.select_related("campaign").get(pk=conversion.pk)
        amount = steps.subsidy_limit(conversion)
        steps.conversion_subsidy_apply(
            actor=admin, conversion=conversion, amount=amount, applied_on=min(applied, date(2023, 12, 20))
        )
        steps.conversion_subsidy_approve(actor=admin, conversion=conversion, approved_on=min(approved, date(2023, 12, 22)))
        steps.conversion_subsidy_pay(actor=admin, conversion=conversion, paid_on=paid)
        dates.append(
            (
                conversion.pk,
                {"survey": surveyed, "plan": planned, "start": started, "accept": accepted, "apply": min(applied, date(2023, 12, 20)),
                 "approve": min(approved, date(2023, 12, 22)), "pay": paid},
            )
        )  # fmt: skip
    # The timeline shows when each step was recorded: on its day, not on the day the demo ran.
    tz = timezone.get_current_timezone()
    events = list(ConversionEvent.objects.filter(conversion__campaign=campaign))
    by_conversion = dict(dates)
    for event in events:
        day = by_conversion[event.conversion_id][event.action]
        event.at = datetime(day.year, day.month, day.day, 10, rng.randint(0, 59), tzinfo=tz)
    ConversionEvent.objects.bulk_update(events, ["at"])


@register_step("restaurants.detectors", order=77)
def build_detectors(rng: random.Random, admin: Any) -> None:
    from safecity.restaurants.services.crosscheck import crosscheck_run, detector_check_run
    from safecity.restaurants.services.detectors import detector_register
    from safecity.restaurants.services.leaks import leak_dispose
    from safecity.telemetry.ingest.store import Ingestor, Message

    supplier = Organisation.objects.get(name=SUPPLIER)
    on_cylinders = list(
        Restaurant.objects.filter(organisation__in=on_cylinder_restaurants(), fuel=KitchenFuel.BOTTLED_LPG).select_related(
            "organisation"
        )
    )
    Restaurant.objects.filter(pk__in=[r.pk for r in on_cylinders]).update(supplier=supplier)
    now = time.time()
    messages: list[Message] = []
    for n, restaurant in enumerate(on_cylinders, start=1):
        serial = f"{DETECTOR_PREFIX}{n:04d}"
        detector_register(actor=admin, restaurant=restaurant, serial=serial, name=f"{restaurant.organisation.name} 燃气报警器")
        # A signal report every 6 hours over the last day (GB/T 45839-2025: at least every 24 h).
        for k, hours in enumerate((18, 12, 6, 0.5), start=20):
            at = now - hours * 3600 - rng.uniform(0, 600)
            values: dict[str, Any] = {"status": 1, "valve_closed": False, "gas_lel": 0.0}
            messages.append(Message(f"safecity/v1/{serial}/readings", _payload(k, at, values), at))
    # Nine days ago one kitchen's detector went into alarm (a hose joint), closed its valve and was
    # back to normal after ventilation; the inspector dispositioned it. This morning another one went
    # into alarm: its valve closed, the detector repeated its alarm every minute and has been normal
    # again for a few minutes; the alarm waits for its disposition.
    serials = rng.sample(range(1, len(on_cylinders) + 1), 2)
    old_serial, leak_serial = (f"{DETECTOR_PREFIX}{n:04d}" for n in serials)
    messages += _leak_messages(old_serial, now - 9 * 86400 - 4 * 3600, seq=1, minutes=6)
    messages += _leak_messages(leak_serial, now - 900, seq=30, minutes=10)
    messages.sort(key=lambda m: m.received)
    ingestor = Ingestor()
    for start in range(0, len(messages), 500):
        ingestor.store(messages[start : start + 500])
    leak_dispose(
        actor=admin,
        leak=LeakAlarm.objects.get(alarm__device__serial=old_serial, alarm__rule_id="gas-leak"),
        outcome=LeakOutcome.LEAK_FIXED,
        note="灶具连接软管接头松动漏气，已更换软管并紧固；通风后报警器恢复正常，燃气公司检查后重新开阀。",
    )
    crosscheck_run()
    detector_check_run()
    _accounts(admin, LeakAlarm.objects.select_related("restaurant__organisation").get(alarm__device__serial=leak_serial))


def _accounts(admin: Any, leak: LeakAlarm) -> None:
    """The programme's two personas: ``inspector.jintan``, who surveys and accepts kitchens on the
    street with a phone and dispositions leak alarms; ``restaurant.manager``, the manager of the
    restaurant whose detector went into alarm this morning."""
    from django.contrib.auth import get_user_model

    from safecity.core.choices import Role
    from safecity.core.demo import DEMO_PASSWORD

    users = get_user_model().objects
    bureau = Organisation.objects.get(name="常州市金坛区应急管理局")
    inspector = core_services.person_create(
        actor=admin,
        name="钱晓东",
        organisation=bureau,
        title="执法检查员（燃气安全）",
        user=users.create_user(username="inspector.jintan", password=DEMO_PASSWORD),
        phone="13861120317",
        email="qian.xiaodong@jintan.example.cn",
    )
    core_services.role_assign(
        actor=admin, person=inspector, role=Role.INSPECTOR, organisation=bureau, jurisdiction=Region.objects.get(code="320413")
    )
    restaurant = leak.restaurant.organisation
    manager = core_services.person_create(
        actor=admin,
        name="黄建华",
        organisation=restaurant,
        title="店长",
        user=users.create_user(username="restaurant.manager", password=DEMO_PASSWORD),
        phone="13912260854",
    )
    core_services.role_assign(actor=admin, person=manager, role=Role.ENTERPRISE_MANAGER, organisation=restaurant)


def _leak_messages(serial: str, at: float, *, seq: int, minutes: int) -> list[Any]:
    """A leak alarm as a detector reports it: alarm with the valve closing within 3 s, the alarm
    repeated every minute, then normal again after ``minutes``."""
    from safecity.telemetry.ingest.store import Message

    steps: list[tuple[float, dict[str, Any]]] = [
        (0, {"status": 2, "valve_closed": False, "gas_lel": 28.0}),
        (3, {"status": 2, "valve_closed": True, "gas_lel": 31.0}),
    ]
    steps += [(60.0 * m, {"status": 2, "valve_closed": True, "gas_lel": 30.0 - 3 * m}) for m in range(1, minutes)]
    steps.append((60.0 * minutes, {"status": 1, "valve_closed": True, "gas_lel": 0.0}))
    return [Message(f"safecity/v1/{serial}/readings", _payload(seq + k, at + dt, v), at + dt) for k, (dt, v) in enumerate(steps)]


def _payload(seq: int, at: float, values: dict[str, Any]) -> bytes:
    import json

    return json.dumps({"seq": seq, "ts": round(at * 1000), "values": values}).encode()

"""Demo step: Changzhou's LPG cylinders on the ledger (issue 6, domain-rules §3).

About 2,000 LPG steel cylinders (GB 5842: YSP35.5 "15 kg" and YSP118 "50 kg") owned by the 4
filling units, manufactured over the last 12 years, with a history that ENDS AT TODAY'S DATE (the
filling gate always judges against today, so the demo is generated relative to the day it runs):
registration, every periodic inspection by 常州市特种设备检验检测站 (some failures, repairs,
scrappings at the end of the service life), one fill cycle (fill, dispatch, delivery to one of the
147 restaurants of 金坛区丰田路 or to a household, return) per inspection period and one or two
recent cycles. About 1 % of the cylinders are overdue for inspection and a few are past their scrap
age; several refusals at the gate, among them 常州新北液化气充装站 refused an overdue cylinder this
morning. The history is signed by keys the import tool holds (registered as active since before the
oldest registration) and appended by the platform on the ledger's historic path (actor None) in
batches through the bulk service (which applies the same rules as the one-by-one services, judging
the gate on each historic day); then each organisation's key is rotated to a custodial key that
signs what people record from now on, judged at the server's clock.
Older fill cycles are left out on purpose to keep the demo near 9,500 events (and the step within ~8 s).
"""

from __future__ import annotations

import base64
import hashlib
import json
import random
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from django.utils import timezone

from safecity.core.choices import OrganisationKind
from safecity.core.demo import register_step
from safecity.core.models import Organisation
from safecity.cylinders import rules
from safecity.cylinders.choices import EventKind, InspectionResult, Medium, MediumClass, RecipientKind
from safecity.cylinders.rules import PrefillCheck
from safecity.cylinders.services import (
    ImportCylinder,
    ImportEvent,
    ImportRefusal,
    cylinder_history_import,
    new_cylinder,
)
from safecity.cylinders.services.common import household_ref
from safecity.ledger.services import Statement, signing_key_register_public, signing_key_rotate

CYLINDERS_PER_UNIT = 500
# Share of inspection periods with a (sample) fill cycle, and of active cylinders with a recent one.
OLD_CYCLE_SHARE = 0.1
RECENT_CYCLE_SHARE = 0.6
MANUFACTURERS = [
    "浙江金盾压力容器有限公司",
    "宁波明欣化工机械有限责任公司",
    "江苏民生重工有限公司",
    "山东永安特种装备有限公司",
    "常州市长江压力容器有限公司",
]
MODELS = [
    # (model, water volume L, wall thickness mm, share): GB 5842 YSP35.5 and YSP118.
    ("YSP35.5", "35.5", "2.5", 0.85),
    ("YSP118", "118", "3.0", 0.15),
]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
ESTATES = ["华山花园", "龙锦苑", "新城域", "丽华新村", "花园街社区", "湖塘新村", "东方之珠", "常发豪庭"]
DEFECTS = ["瓶体腐蚀深度超标", "护罩变形", "瓶阀密封面损伤", "底座开焊", "钢印标志模糊"]
REPAIRS = ["更换瓶阀", "更换护罩", "修复底座", "重新打制标志"]


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


# The bottle-to-pipeline / bottle-to-electric programme of 丰田路 (issue 15; safecity.restaurants.demo).
PROGRAMME_START = date(2023, 3, 1)
OLD_TOWN = ("320413001", "320413100")  # 西城街道, 金城镇: restaurants still on LPG
STILL_SUPPLIED = ("（丰田路17号店）", "（丰田路96号店）")  # converted, yet still delivered to
AFTER_PROGRAMME_RESTAURANT_SHARE = 0.2


class _Builder:
    def __init__(self, rng: random.Random, today: date, units: list[Organisation], station: Organisation, market: Organisation):
        self.rng = rng
        self.today = today
        self.now = timezone.now().replace(microsecond=0)
        self.units = units
        self.station = station
        self.market = market
        self.restaurants = list(
            Organisation.objects.filter(kind=OrganisationKind.ENTERPRISE, name__contains="丰田路").order_by("pk")
        )
        # From the conversion programme on (2023), 丰田路's kitchens are on piped gas or electric: the
        # cylinders go to the old town's restaurants still on LPG (made by the restaurants demo), all
        # supplied by the 金坛 station, and, as the cross-check is to find, to two converted ones.
        self.after_programme = list(
            Organisation.objects.filter(
                kind=OrganisationKind.ENTERPRISE, region__code__in=OLD_TOWN, industry_code__startswith="H62"
            ).order_by("pk")
        ) + [r for r in self.restaurants if any(mark in r.name for mark in STILL_SUPPLIED)]
        self.report = 0
        self.n_households = 0

    def report_number(self, day: date) -> str:
        self.report += 1
        return f"CZTJ-{day.year}-{self.report:05d}"

    def cycle(self, unit: Organisation, start: date, volume: str, *, returned: bool = True) -> list[ImportEvent]:
        """Fill, dispatch, deliver and (usually) return, starting on ``start``."""
        rng = self.rng
        fill_at = _at(start, rng.randint(7, 10), rng.randint(0, 59))
        net = rules.max_fill_kg(Decimal(volume)) - Decimal(rng.choice(["0.0", "0.1", "0.2", "0.3"]))
        events = [
            ImportEvent(
                kind=EventKind.FILLING,
                organisation=unit,
                at=fill_at,
                body={
                    "station_id": unit.pk,
                    "pre_check": {"marks_legible": True, "accessories_ok": True, "appearance_ok": True},
                    "net_kg": str(net),
                    "post_check": {"leak_free": True, "mass_ok": True},
                },
            ),
            ImportEvent(
                kind=EventKind.DISPATCH,
                organisation=unit,
                at=fill_at + timedelta(hours=2),
                body={"waybill": f"PS{start:%Y%m%d}{rng.randint(1000, 9999)}"},
            ),
        ]
        delivered_at = fill_at + timedelta(hours=rng.randint(3, 6))
        if delivered_at > self.now:
            return events[:1] if fill_at + timedelta(hours=2) > self.now else events
        jintan = unit.name.startswith("常州金坛")
        to_restaurant = bool(self.restaurants) and (jintan or rng.random() < 0.25)
        after = delivered_at.date() >= PROGRAMME_START and bool(self.after_programme)
        if to_restaurant and after:
            # The restaurants still on LPG buy from the 金坛 station only, and are a few dozen: most of
            # the station's cylinders now go to households.
            to_restaurant = jintan and rng.random() < AFTER_PROGRAMME_RESTAURANT_SHARE
        if to_restaurant:
            restaurant = rng.choice(self.after_programme if after else self.restaurants)
            body: dict[str, Any] = {
                "recipient_kind": RecipientKind.RESTAURANT,
                "recipient_organisation_id": restaurant.pk,
                "recipient_name": restaurant.name,
            }
            private: dict[str, Any] = {}
        else:
            self.n_households += 1
            name = f"{rng.choice(SURNAMES)}{rng.choice(['建华', '秀英', '伟', '芳', '军', '丽'])}"
            address = (
                f"{rng.choice(ESTATES)}{rng.randint(1, 40)}幢{rng.randint(1, 3)}单元{rng.randint(1, 18)}0{rng.randint(1, 4)}室"
            )
            nonce = f"{rng.getrandbits(128):032x}"
            body = {
                "recipient_kind": RecipientKind.HOUSEHOLD,
                "recipient_ref": household_ref(name=name, address=address, nonce=nonce),
            }
            private = {"household_name": name, "household_address": address, "nonce": nonce}
        events.append(ImportEvent(kind=EventKind.DELIVERY, organisation=unit, at=delivered_at, body=body, private=private))
        back = delivered_at + timedelta(days=rng.randint(8, 30))
        if returned and back < self.now:
            events.append(
                ImportEvent(
                    kind=EventKind.RETURN, organisation=unit, at=back, body={"residual_kg": rng.choice(["0.2", "0.3", "0.5"])}
                )
            )
        return events

    def cylinder(self, unit: Organisation, code: str) -> ImportCylinder | None:
        rng, today = self.rng, self.today
        model, volume, wall, _share = MODELS[0] if rng.random() < MODELS[0][3] else MODELS[1]
        age_days = rng.randint(200, int(12.6 * 365))
        made = today - timedelta(days=age_days)
        cylinder = new_cylinder(
            code=code,
            serial_number=f"{made:%y}{rng.randint(100000, 999999)}",
            manufacturer=rng.choice(MANUFACTURERS),
            manufactured_on=made,
            medium=Medium.LPG,
            model_name=model,
            nominal_pressure_mpa="2.1",
            volume_l=volume,
            wall_thickness_mm=wall,
            product_standard="GB 5842",
            owner=unit,
            on=today,
        )
        registered = made + timedelta(days=rng.randint(7, 40))
        item = ImportCylinder(cylinder=cylinder, registered_by=unit, registered_at=_at(registered, 9))
        events = item.events
        cls = MediumClass.LPG_STEEL
        scrap = rules.scrap_on(made, cls)
        due = rules.next_inspection_on(made, cls)
        cursor = registered + timedelta(days=1)
        overdue = rng.random() < 0.035
        keep_past_scrap = rng.random() < 0.02
        while True:
            extended = scrap > rules.design_life_end(made, cls)
            # At the end of the 8-year design life most cylinders pass the inspection that extends it.
            end_of_life = due >= scrap and (extended or rng.random() < 0.3)
            # One fill cycle in this period (more would make the demo too large, see the docstring).
            period_end = min(due, today)
            if (period_end - cursor).days > 80 and rng.random() < OLD_CYCLE_SHARE:
                start = cursor + timedelta(days=rng.randint(1, (period_end - cursor).days - 60))
                events.extend(self.cycle(unit, start, volume))
                cursor = events[-1].at.date() + timedelta(days=1)
            if end_of_life:
                if scrap > today or keep_past_scrap:
                    break
                day = max(cursor, scrap - timedelta(days=rng.randint(0, 20)))
                if day > today:
                    break
                org = self.market if rng.random() < 0.5 else self.station
                events.append(
                    ImportEvent(
                        kind=EventKind.SCRAPPING, organisation=org, at=_at(day, 14), body={"reason": "达到设计使用年限，强制报废"}
                    )
                )
                return item
            if due > today - timedelta(days=3) or (overdue and due > today - timedelta(days=400)):
                break  # not yet due, or (3 %) left overdue
            day = max(cursor, due - timedelta(days=rng.randint(0, 40)))
            result = InspectionResult.FAIL if rng.random() < 0.06 else InspectionResult.PASS
            events.append(
                ImportEvent(
                    kind=EventKind.INSPECTION,
                    organisation=self.station,
                    at=_at(day, 10),
                    body={
                        "result": result,
                        "report_number": self.report_number(day),
                        "defects": [rng.choice(DEFECTS)] if result == InspectionResult.FAIL else [],
                    },
                )
            )
            if result == InspectionResult.FAIL:
                if rng.random() < 0.45 or day + timedelta(days=12) > today:
                    scrap_day = day + timedelta(days=3)
                    if scrap_day > today:
                        return item  # failed recently: waiting for repair or scrapping
                    events.append(
                        ImportEvent(
                            kind=EventKind.SCRAPPING,
                            organisation=self.station,
                            at=_at(scrap_day, 15),
                            body={"reason": "定期检验不合格，无维修价值"},
                        )
                    )
                    return item
                events.append(
                    ImportEvent(
                        kind=EventKind.REPAIR,
                        organisation=self.station,
                        at=_at(day + timedelta(days=5), 11),
                        body={"work": rng.choice(REPAIRS)},
                    )
                )
                day = day + timedelta(days=10)
                events.append(
                    ImportEvent(
                        kind=EventKind.INSPECTION,
                        organisation=self.station,
                        at=_at(day, 10),
                        body={"result": InspectionResult.PASS, "report_number": self.report_number(day), "defects": []},
                    )
                )
            outcome = rules.inspection_outcome(
                manufactured_on=made, medium_class=cls, current_scrap_on=scrap, inspected_on=day, result=InspectionResult.PASS
            )
            scrap = outcome.scrap_on
            due = outcome.next_inspection_on or scrap
            cursor = day + timedelta(days=1)
        # Recent use: one cycle in the last weeks when the gate allows it.
        idle = not events or events[-1].kind in (EventKind.RETURN, EventKind.INSPECTION)
        if (
            idle
            and rng.random() < RECENT_CYCLE_SHARE
            and rules.fill_gate_decision(
                rules.CylinderFacts(unit.pk, "empty", False, due, scrap, InspectionResult.PASS), station_id=unit.pk, today=today
            ).allowed
        ):
            start = max(cursor, today - timedelta(days=rng.randint(0, 45)))
            if start <= today and (not events or events[-1].at.date() < start):
                events.extend(self.cycle(unit, start, volume, returned=rng.random() < 0.5))
        return item


def _import_signer(organisation: Organisation, active_from: datetime) -> Any:
    """The key the import tool holds for ``organisation`` (its public key registered in the ledger,
    active since ``active_from`` so that it covers the whole history it signs)."""
    private = Ed25519PrivateKey.generate()
    public = private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    signing_key_register_public(
        actor=None, organisation=organisation, public_key_b64=base64.b64encode(public).decode(), active_from=active_from
    )
    key_id = hashlib.sha256(public).digest()[:16].hex()

    def sign(*, kind: str, subject: str, body: dict[str, Any], idempotency_key: str, signed_at: datetime) -> Statement:
        fields = {
            "kind": kind,
            "subject": subject,
            "body": body,
            "organisation_id": organisation.pk,
            "key_id": key_id,
            "signed_at": signed_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "idempotency_key": idempotency_key,
        }
        # The contract's canonical JSON (= Statement.signed_bytes()), without a deep copy per statement.
        signed = json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
        return Statement(**fields, signature=base64.b64encode(private.sign(signed)).decode())

    return sign


@register_step("cylinders.ledger", order=70)
def build(rng: random.Random, admin: Any) -> None:
    today = timezone.localdate()
    units = list(Organisation.objects.filter(kind=OrganisationKind.FILLING_UNIT, name__endswith="液化气充装站").order_by("pk"))
    station = Organisation.objects.get(name="常州市特种设备检验检测站")
    market = Organisation.objects.get(name="常州市市场监督管理局")
    orgs = [*units, station, market]
    # The years of history arrive as a bulk import signed by keys the import tool holds (their
    # public keys are published in the ledger); then each organisation's key is rotated to a
    # custodial key, which signs what its people record in the UI from now on. Signing locally keeps
    # the step within its time budget (custodial signing reads and unseals the key per statement).
    # The platform imports on the ledger's historic path (actor None): the keys must have been active
    # since the oldest registration (cylinders are at most ~12.6 years old, registered after making).
    since = _at(today - timedelta(days=14 * 365), 0)
    signers = {org.pk: _import_signer(org, since) for org in orgs}
    builder = _Builder(rng, today, units, station, market)
    items: list[ImportCylinder] = []
    for u, unit in enumerate(units):
        for n in range(CYLINDERS_PER_UNIT):
            item = builder.cylinder(unit, f"CZ{u + 1}{n + 1:06d}")
            if item is not None:
                # History ends now: a step scheduled later today (the demo runs at any hour) is left out.
                cut = next((i for i, e in enumerate(item.events) if e.at > builder.now), None)
                if cut is not None:
                    del item.events[cut:]
                items.append(item)
    refusals = _refusals(items, units, today)
    cylinder_history_import(actor=None, cylinders=items, refusals=refusals, signers=signers)
    for org in orgs:
        signing_key_rotate(actor=None, organisation=org)


def _refusals(items: list[ImportCylinder], units: list[Organisation], today: date) -> list[ImportRefusal]:
    """Refused attempts, the last one being 新北 refused an overdue cylinder this morning."""
    now = timezone.now().replace(microsecond=0)
    xinbei = next(u for u in units if u.name == "常州新北液化气充装站")
    wujin = next(u for u in units if u.name == "常州武进液化气充装站")
    # This morning, and never before today's midnight (a run just after midnight, local time).
    morning = max(_at(today, 0, 0), min(now - timedelta(minutes=30), _at(today, 8, 12)))

    def last_state(item: ImportCylinder) -> str:
        return item.events[-1].kind if item.events else EventKind.REGISTRATION

    out: list[ImportRefusal] = []
    idle = {EventKind.REGISTRATION, EventKind.RETURN, EventKind.INSPECTION}
    overdue = [
        i
        for i in items
        if i.cylinder.owner_id == xinbei.pk
        and last_state(i) in idle
        and _is_overdue(i, today - timedelta(days=7))
        and not _past_scrap(i, today)
    ]
    if len(overdue) > 1:
        out.append(ImportRefusal(station=xinbei, code=overdue[1].cylinder.code, at=morning - timedelta(days=6)))
    foreign = next(i for i in items if i.cylinder.owner_id == xinbei.pk and last_state(i) in idle and not _is_overdue(i, today))
    out.append(ImportRefusal(station=wujin, code=foreign.cylinder.code, at=morning - timedelta(days=3)))
    out.append(ImportRefusal(station=wujin, code="CZ9999999", at=morning - timedelta(days=2, hours=1)))
    scrapped = next((i for i in items if last_state(i) == EventKind.SCRAPPING and i.cylinder.owner_id == wujin.pk), None)
    if scrapped is not None:
        out.append(ImportRefusal(station=wujin, code=scrapped.cylinder.code, at=morning - timedelta(days=2)))
    good = next(
        i
        for i in items
        if i.cylinder.owner_id == xinbei.pk and last_state(i) in idle and not _is_overdue(i, today) and not _past_scrap(i, today)
    )
    out.append(
        ImportRefusal(
            station=xinbei,
            code=good.cylinder.code,
            at=morning - timedelta(days=1),
            check=PrefillCheck(marks_legible=False, accessories_ok=False),
        )
    )
    if overdue:
        out.append(ImportRefusal(station=xinbei, code=overdue[0].cylinder.code, at=morning))
    return out


def _final(item: ImportCylinder) -> tuple[date | None, date | None]:
    """The next-inspection and scrap dates after the item's history (as the import will compute)."""
    cls = MediumClass.LPG_STEEL
    made = item.cylinder.manufactured_on
    scrap = rules.scrap_on(made, cls)
    due: date | None = rules.next_inspection_on(made, cls)
    for event in item.events:
        if event.kind == EventKind.INSPECTION and event.body.get("result") == InspectionResult.PASS:
            day = timezone.localtime(event.at).date()
            outcome = rules.inspection_outcome(
                manufactured_on=made, medium_class=cls, current_scrap_on=scrap, inspected_on=day, result=InspectionResult.PASS
            )
            scrap, due = outcome.scrap_on, outcome.next_inspection_on
    return due, scrap


def _is_overdue(item: ImportCylinder, today: date) -> bool:
    due, _scrap = _final(item)
    return due is not None and today > due


def _past_scrap(item: ImportCylinder, today: date) -> bool:
    _due, scrap = _final(item)
    return scrap is not None and today >= scrap

"""Demo step ``hall.bookings`` (issue 17 part 2, domain-rules §7d): the city's public-safety
experience hall (常州市公共安全体验馆, 新北区).

The hall opened in July 2023; that year 20 groups visited (``safecity figures --year 2023`` shows
``hall.groups`` 20): school classes of the off-campus safety classroom, villages, enterprises'
staff and communities, each booked at least 3 working days ahead, checked in by its code (heads
counted, a school class's guardians), most leaving feedback. This year: visits in the months
past, and ahead the weekday sessions of the next weeks with some groups booked, one session full
with a group on its waiting list, and one booking cancelled by its group.

Account: ``hall.staff`` (the hall's staff). Deterministic: the seeded ``rng`` chooses days, groups
and booking codes.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone

from safecity.core import services as core_services
from safecity.core.calendar import WorkingCalendar, working_calendar
from safecity.core.choices import OrganisationKind, Role
from safecity.core.demo import DEMO_PASSWORD, register_step
from safecity.core.models import Organisation, Region
from safecity.hall.choices import GroupType
from safecity.hall.models import Booking, HallSession
from safecity.hall.services import bookings as svc
from safecity.hall.services import sessions as session_svc

HALL = "常州市公共安全体验馆"
REGION = "320411"  # 新北区
OPENED = date(2023, 7, 3)
GROUPS_2023 = 20
EXHIBITS = "消防安全（烟雾逃生、灭火器使用）、交通安全（安全带、盲区体验）、地震体验、用电与燃气安全、心肺复苏"
GUIDES = ["陈晓燕", "刘志强", "周婷"]
SCHOOLS = ["常州市第一中学", "常州市第二中学", "新北区三井实验小学", "新北区龙虎塘实验小学", "常州市河海中学"]
GROUPS: dict[str, list[str]] = {
    GroupType.VILLAGE: ["罗溪镇罗溪村村民", "孟河镇万绥村村民", "薛家镇顺园村村民"],
    GroupType.ENTERPRISE: ["常州新北化工有限公司员工", "江苏龙城精密机械有限公司员工", "常州天合物流有限公司驾驶员"],
    GroupType.COMMUNITY: ["三井街道晋陵社区居民", "河海街道春江社区居民", "新桥街道新桥社区老年居民"],
}
CONTACTS = ["王老师", "李主任", "张经理", "赵书记", "孙老师", "周女士"]
COMMENTS = [
    "地震体验很震撼，孩子们印象深刻。",
    "讲解员讲得细致，灭火器实操很有用。",
    "希望增加燃气安全的互动项目。",
    "流程安排紧凑，收获很大。",
]


def _group(rng: random.Random, kind: str) -> tuple[str, int]:
    if kind == GroupType.SCHOOL:
        grade = rng.choice(["三", "四", "五", "六", "初一", "初二"])
        name = f"{rng.choice(SCHOOLS)}{grade}年级({rng.randint(1, 8)})班".replace("初一年级", "初一").replace("初二年级", "初二")
        return name, rng.randint(38, 48)
    return rng.choice(GROUPS[kind]), rng.randint(20, 45)


def _details(rng: random.Random, kind: str, **extra: Any) -> svc.GroupDetails:
    name, people = _group(rng, kind)
    values: dict[str, Any] = {
        "group_type": kind,
        "group_name": name,
        "people": people,
        "contact_name": rng.choice(CONTACTS),
        "contact_phone": f"139{rng.randint(10**7, 10**8 - 1)}",
    }
    values.update(extra)
    return svc.GroupDetails(**values)


def _visit(rng: random.Random, session: HallSession, kind: str, cal: WorkingCalendar, *, feedback: bool = True) -> Booking:
    """A group books ahead (5-15 working days), comes, is counted, and mostly gives feedback."""
    booked_on = session.date
    for _n in range(rng.randint(5, 15)):
        booked_on -= timedelta(days=1)
        while not cal.is_working(booked_on):
            booked_on -= timedelta(days=1)
    booking = svc.booking_create(session=session, details=_details(rng, kind), rng=rng, on=booked_on)
    arrived = booking.people - rng.choice((0, 0, 1, 2))
    guardians = rng.randint(2, 4) if kind == GroupType.SCHOOL else None
    svc.booking_check_in(actor=None, hall=session.hall, code=booking.code, arrived=arrived, guardians=guardians, on=session.date)
    if feedback and rng.random() < 0.8:
        svc.booking_feedback(booking=booking, rating=rng.choice((5, 5, 4, 5, 3)), comment=rng.choice(COMMENTS), on=session.date)
    return booking


def _session(rng: random.Random, hall: Organisation, day: date, period: str, *, opened: date, capacity: int = 100) -> HallSession:
    return session_svc.session_create(
        actor=None, hall=hall, day=day, period=period, capacity=capacity, guide=rng.choice(GUIDES), exhibits=EXHIBITS, on=opened
    )


def _kinds(rng: random.Random, n: int) -> list[str]:
    kinds: list[str] = [str(GroupType.SCHOOL)] * (n * 2 // 5) + [
        str(k) for k in (GroupType.VILLAGE, GroupType.ENTERPRISE, GroupType.COMMUNITY)
    ] * n
    kinds = kinds[:n]
    rng.shuffle(kinds)
    return kinds


@register_step("hall.bookings", order=69)
def build(rng: random.Random, admin: Any) -> None:
    cal = working_calendar()
    region = Region.objects.get(code=REGION)
    hall = core_services.organisation_create(
        actor=admin, name=HALL, kind=OrganisationKind.EXPERIENCE_HALL, region=region, address="常州市新北区锦绣路2号",
        contact_phone="0519-85100119",
    )  # fmt: skip
    person = core_services.person_create(
        actor=admin,
        name="陈晓燕",
        organisation=hall,
        title="体验馆讲解主管",
        user=get_user_model().objects.create_user(username="hall.staff", password=DEMO_PASSWORD),
        phone="13961170119",
    )
    core_services.role_assign(actor=admin, person=person, role=Role.HALL_STAFF, organisation=hall)
    # 2023: from the opening on, 20 groups on 20 distinct working days.
    days = sorted(rng.sample(cal.working_days(OPENED, date(2023, 12, 22)), GROUPS_2023))
    for day, kind in zip(days, _kinds(rng, GROUPS_2023), strict=True):
        session = _session(rng, hall, day, rng.choice(["morning", "afternoon"]), opened=date(2023, 6, 20))
        _visit(rng, session, kind, cal)
    _this_year(rng, hall, cal)


def _this_year(rng: random.Random, hall: Organisation, cal: WorkingCalendar) -> None:
    today = timezone.localdate()
    # Visits of the months past this year: about two a month.
    start = date(today.year, 1, 15)
    past = list(cal.working_days(start, today - timedelta(days=7)))
    for day, kind in zip(sorted(rng.sample(past, min(len(past), 2 * (today.month - 1) or 1))), _kinds(rng, 24), strict=False):
        session = _session(rng, hall, day, rng.choice(["morning", "afternoon"]), opened=date(today.year, 1, 2))
        _visit(rng, session, kind, cal)
    # Ahead: a morning and an afternoon on each of the next 15 working days from the first bookable.
    first = cal.add_working_days(today, 3)
    upcoming: list[HallSession] = []
    for day in cal.working_days(first, cal.add_working_days(first, 14)):
        for period in ("morning", "afternoon"):
            upcoming.append(_session(rng, hall, day, period, opened=today, capacity=60))
    booked_on = today
    full = upcoming[2]
    svc.booking_create(session=full, details=_details(rng, GroupType.SCHOOL, people=48), rng=rng, on=booked_on)
    # A second class asks for the full session and waits for a place.
    svc.booking_create(session=full, details=_details(rng, GroupType.SCHOOL, people=40, wait_if_full=True), rng=rng, on=booked_on)
    for session, kind in zip(
        upcoming[4:16:3], [GroupType.ENTERPRISE, GroupType.COMMUNITY, GroupType.VILLAGE, GroupType.SCHOOL], strict=True
    ):
        svc.booking_create(session=session, details=_details(rng, kind), rng=rng, on=booked_on)
    cancelled = svc.booking_create(session=upcoming[9], details=_details(rng, GroupType.ENTERPRISE), rng=rng, on=booked_on)
    svc.booking_cancel(actor=None, booking=cancelled, phone=cancelled.contact_phone, on=booked_on)

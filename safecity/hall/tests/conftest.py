"""Hall fixtures: the city hall (新北区) with its staff, another hall (武进区) with its own staff,
sessions far enough ahead to book, and helpers that book through the services."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest

from conftest import City, Personas, make_org, make_user
from safecity.core.calendar import working_calendar
from safecity.core.choices import OrganisationKind, Role
from safecity.core.models import Organisation
from safecity.hall import rules
from safecity.hall.choices import GroupType
from safecity.hall.models import Booking, HallSession
from safecity.hall.services import bookings as svc
from safecity.hall.services import sessions as session_svc
from safecity.hall.services.common import today


def bookable_day(extra: int = 0) -> date:
    """A working day a group may book today (``extra`` working days after the first such day)."""
    cal = working_calendar()
    return cal.add_working_days(rules.earliest_bookable(today(), cal), extra)


def details(**extra: Any) -> svc.GroupDetails:
    values: dict[str, Any] = {
        "group_type": GroupType.SCHOOL,
        "group_name": "常州市第一中学初二(3)班",
        "people": 40,
        "contact_name": "王老师",
        "contact_phone": "13912345678",
        "wait_if_full": False,
    }
    values.update(extra)
    return svc.GroupDetails(**values)


@dataclass
class H:
    city: City
    personas: Personas
    hall: Organisation
    staff: Any
    other_hall: Organisation
    other_staff: Any

    def session(
        self, *, day: date | None = None, period: str = "morning", capacity: int = 60, hall: Organisation | None = None
    ) -> HallSession:
        return session_svc.session_create(
            actor=None, hall=hall or self.hall, day=day or bookable_day(), period=period, capacity=capacity,
            guide="李讲解员", exhibits="消防安全、交通安全、地震体验",
        )  # fmt: skip

    def book(self, session: HallSession, **extra: Any) -> Booking:
        return svc.booking_create(session=session, details=details(**extra))


@pytest.fixture
def h(city: City, personas: Personas) -> H:
    hall = make_org("常州市公共安全体验馆", OrganisationKind.EXPERIENCE_HALL, city.district_a, actor=city.superuser)
    other = make_org("武进区公共安全体验馆", OrganisationKind.EXPERIENCE_HALL, city.district_b, actor=city.superuser)
    staff = make_user(city, "hall_staff", hall, Role.HALL_STAFF)
    other_staff = make_user(city, "other_hall_staff", other, Role.HALL_STAFF)
    return H(city=city, personas=personas, hall=hall, staff=staff, other_hall=other, other_staff=other_staff)

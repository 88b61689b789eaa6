"""Per-phone limits: verification codes a minute and an hour, one active booking per session, a
few upcoming bookings in all; each refused in words."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import override_settings

from safecity.hall.models import PhoneVerification
from safecity.hall.services import bookings as svc
from safecity.hall.services.common import HallError

from .conftest import H, bookable_day, details

pytestmark = pytest.mark.django_db


def test_one_code_a_minute_per_phone(h: H) -> None:
    afternoon = h.session(period="afternoon")
    svc.booking_request(session=h.session(), details=details())
    with pytest.raises(HallError, match="wait a minute"):
        svc.booking_request(session=afternoon, details=details())
    svc.booking_request(session=afternoon, details=details(contact_phone="13800000001"))
    assert PhoneVerification.objects.count() == 2


@override_settings(SAFECITY_HALL_CODES_PER_MINUTE=100)
def test_five_codes_an_hour_per_phone(h: H) -> None:
    session = h.session()
    for _n in range(5):
        svc.booking_request(session=session, details=details())
    with pytest.raises(HallError, match="5 codes were sent to this phone within the hour"):
        svc.booking_request(session=session, details=details())


def test_one_active_booking_per_session_and_phone(h: H) -> None:
    session = h.session(capacity=100)
    h.book(session)
    with pytest.raises(HallError, match="already has a booking for this session"):
        svc.booking_request(session=session, details=details(people=20))
    with pytest.raises(HallError, match="already has a booking for this session"):
        h.book(session, people=20, wait_if_full=True)
    h.book(session, people=20, contact_phone="13800000002")


def test_at_most_three_upcoming_bookings_per_phone(h: H) -> None:
    sessions = [h.session(day=bookable_day(n)) for n in range(4)]
    booked: list[Any] = [h.book(s) for s in sessions[:3]]
    with pytest.raises(HallError, match="already has 3 upcoming bookings"):
        h.book(sessions[3])
    svc.booking_cancel(actor=None, booking=booked[0], phone="13912345678")
    h.book(sessions[3])

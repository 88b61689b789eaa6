"""Every booking rule of domain-rules §7d, allowed and refused, through the services: each refusal
is in words and leaves nothing written."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied

from safecity.core.calendar import working_calendar
from safecity.hall import rules, sms
from safecity.hall.choices import BookingState, GroupType, SessionState
from safecity.hall.models import Booking, HallSession, PhoneVerification, TextMessage
from safecity.hall.services import bookings as svc
from safecity.hall.services import sessions as session_svc
from safecity.hall.services.common import HallError, today

from .conftest import H, bookable_day, details

pytestmark = pytest.mark.django_db


def _code(phone: str = "13912345678") -> str:
    match = re.search(r"\b(\d{6})\b", sms.last_text(phone))
    assert match, sms.last_text(phone)
    return match.group(1)


# --- sessions ------------------------------------------------------------------------------------


def test_staff_create_a_session_on_a_working_day_only(h: H) -> None:
    day = bookable_day()
    session = session_svc.session_create(actor=h.staff, hall=h.hall, day=day, period="afternoon")
    assert (session.starts_at.hour, session.capacity) == (14, rules.default_capacity())
    with pytest.raises(HallError, match="already has a session"):
        session_svc.session_create(actor=h.staff, hall=h.hall, day=day, period="afternoon")
    saturday = day + timedelta(days=(5 - day.weekday()) % 7)
    with pytest.raises(HallError, match="working days only"):
        session_svc.session_create(actor=h.staff, hall=h.hall, day=saturday, period="morning")
    with pytest.raises(HallError, match="past"):
        session_svc.session_create(actor=h.staff, hall=h.hall, day=today() - timedelta(days=1), period="morning")
    assert HallSession.objects.count() == 1


def test_staff_of_another_hall_may_not_create_its_sessions(h: H) -> None:
    with pytest.raises(PermissionDenied):
        session_svc.session_create(actor=h.other_staff, hall=h.hall, day=bookable_day(), period="morning")
    with pytest.raises(PermissionDenied):
        session_svc.session_create(actor=h.personas.district_a, hall=h.hall, day=bookable_day(), period="morning")
    assert not HallSession.objects.exists()


def test_generate_a_month_of_weekday_mornings_and_afternoons(h: H) -> None:
    first = today().replace(day=1) + timedelta(days=32)
    year, month = first.year, first.month
    made = session_svc.sessions_generate_month(actor=h.staff, hall=h.hall, year=year, month=month, capacity=80)
    cal = working_calendar()
    days = cal.working_days(date(year, month, 1), (date(year, month, 28) + timedelta(days=4)).replace(day=1) - timedelta(days=1))
    assert len(made) == 2 * len(days)
    assert all(cal.is_working(s.date) and s.capacity == 80 for s in made)
    assert session_svc.sessions_generate_month(actor=h.staff, hall=h.hall, year=year, month=month) == []


def test_cancelling_a_session_cancels_and_tells_its_bookings(h: H, django_capture_on_commit_callbacks: Any) -> None:
    session = h.session(capacity=50)
    booked = h.book(session, people=40)
    waiting = h.book(session, people=30, wait_if_full=True, contact_phone="13800000001")
    with django_capture_on_commit_callbacks(execute=True):
        session_svc.session_cancel(actor=h.staff, session=session, reason="场馆设备检修")
    assert {b.state for b in Booking.objects.filter(pk__in=[booked.pk, waiting.pk])} == {BookingState.CANCELLED}
    assert "场馆设备检修" in sms.last_text("13912345678") and "13800000001" in set(
        TextMessage.objects.values_list("phone", flat=True)
    )
    assert HallSession.objects.get(pk=session.pk).state == SessionState.CANCELLED
    with pytest.raises(HallError, match="already cancelled"):
        session_svc.session_cancel(actor=h.staff, session=session, reason="x")


def test_cancelling_a_session_needs_a_reason(h: H) -> None:
    session = h.session()
    with pytest.raises(HallError, match="Say why"):
        session_svc.session_cancel(actor=h.staff, session=session, reason=" ")
    assert HallSession.objects.get(pk=session.pk).state == SessionState.OPEN


# --- booking rules -------------------------------------------------------------------------------


def test_a_booking_within_capacity_gets_its_code(h: H, django_capture_on_commit_callbacks: Any) -> None:
    session = h.session(capacity=60)
    with django_capture_on_commit_callbacks(execute=True):
        booking = h.book(session, people=40)
    assert booking.state == BookingState.BOOKED and re.fullmatch(r"[A-Z2-9]{8}", booking.code)
    assert booking.code in sms.last_text("13912345678")


def test_over_capacity_is_refused_unless_the_group_waits(h: H) -> None:
    session = h.session(capacity=60)
    h.book(session, people=40)
    with pytest.raises(HallError, match="room for 20 more people") as refused:
        h.book(session, people=30, contact_phone="13800000002")
    assert refused.value.error_code == "full"
    assert Booking.objects.count() == 1
    waiting = h.book(session, people=30, contact_phone="13800000002", wait_if_full=True)
    assert waiting.state == BookingState.WAITING
    assert svc.booked_people(session) == 40


def test_a_group_larger_than_the_session_is_refused_even_to_wait(h: H) -> None:
    session = h.session(capacity=30)
    with pytest.raises(HallError, match="holds 30 people"):
        h.book(session, people=40, wait_if_full=True)
    assert not Booking.objects.exists()


def test_the_waiting_list_moves_up_in_order_when_a_booking_is_cancelled(h: H, django_capture_on_commit_callbacks: Any) -> None:
    session = h.session(capacity=60)
    first = h.book(session, people=50)
    big = h.book(session, people=45, wait_if_full=True, contact_phone="13800000003")
    small = h.book(session, people=20, wait_if_full=True, contact_phone="13800000004")
    with django_capture_on_commit_callbacks(execute=True):
        svc.booking_cancel(actor=None, booking=first, phone="13912345678")
    states = dict(Booking.objects.values_list("pk", "state"))
    assert states == {first.pk: BookingState.CANCELLED, big.pk: BookingState.BOOKED, small.pk: BookingState.WAITING}
    assert "now booked" in sms.last_text("13800000003")
    assert svc.booked_people(session) == 45


@pytest.mark.parametrize("people", [19, 51, 0])
def test_a_group_is_20_to_50_people(h: H, people: int) -> None:
    with pytest.raises(HallError, match="20 to 50 people"):
        h.book(h.session(), people=people)
    assert not Booking.objects.exists()


def test_a_session_is_booked_at_least_3_working_days_ahead(h: H) -> None:
    cal = working_calendar()
    too_soon = cal.add_working_days(today(), 2)
    session = HallSession.objects.create(
        hall=h.hall, date=too_soon, period="morning", starts_at="09:00", ends_at="11:00", capacity=60
    )
    with pytest.raises(HallError, match="at least 3 working days ahead"):
        h.book(session)
    past = HallSession.objects.create(
        hall=h.hall, date=today() - timedelta(days=3), period="morning", starts_at="09:00", ends_at="11:00", capacity=60
    )
    with pytest.raises(HallError, match="already taken place"):
        h.book(past)
    assert not Booking.objects.exists()
    assert h.book(h.session(day=cal.add_working_days(today(), 3))).state == BookingState.BOOKED


def test_the_working_days_follow_the_public_holiday_calendar(h: H) -> None:
    # 2026-09-30 (Wed): counted Monday to Friday, 3 working days later would be 10-05; the National
    # Day holiday (10-01 to 10-07) and its make-up Saturday put it on 10-10.
    assert rules.earliest_bookable(date(2026, 9, 30)) == date(2026, 10, 10)


def test_a_cancelled_session_is_not_booked(h: H) -> None:
    session = h.session()
    session_svc.session_cancel(actor=h.staff, session=session, reason="检修")
    with pytest.raises(HallError, match="cancelled"):
        h.book(session)


def test_bad_contact_and_group_details_are_refused_in_words(h: H) -> None:
    with pytest.raises(HallError) as refused:
        h.book(h.session(), contact_phone="12345", group_name=" ", group_type="zoo")
    assert set(refused.value.message_dict) == {"contact_phone", "group_name", "group_type"}


# --- verification code ---------------------------------------------------------------------------


def test_the_phone_is_confirmed_by_a_code_before_booking(h: H, django_capture_on_commit_callbacks: Any) -> None:
    session = h.session()
    with django_capture_on_commit_callbacks(execute=True):
        verification = svc.booking_request(session=session, details=details())
    assert not Booking.objects.exists()
    code = _code()
    assert code not in verification.code_hash
    with django_capture_on_commit_callbacks(execute=True):
        booking = svc.booking_confirm(token=verification.token, code=code)
    assert booking.state == BookingState.BOOKED and booking.code in sms.last_text("13912345678")
    with pytest.raises(HallError, match="already used"):
        svc.booking_confirm(token=verification.token, code=code)
    assert Booking.objects.count() == 1


def test_a_wrong_code_has_limited_tries(h: H, django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        verification = svc.booking_request(session=h.session(), details=details())
    right = _code()
    wrong = "000000" if right != "000000" else "111111"
    with pytest.raises(HallError, match="4 tries left"):
        svc.booking_confirm(token=verification.token, code=wrong)
    for _n in range(3):
        with pytest.raises(HallError, match="tries left"):
            svc.booking_confirm(token=verification.token, code=wrong)
    with pytest.raises(HallError, match="Too many wrong codes"):
        svc.booking_confirm(token=verification.token, code=wrong)
    with pytest.raises(HallError, match="Too many wrong codes"):
        svc.booking_confirm(token=verification.token, code=right)
    assert not Booking.objects.exists()
    assert PhoneVerification.objects.get(pk=verification.pk).attempts == 5


def test_an_expired_code_is_refused(h: H, django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        verification = svc.booking_request(session=h.session(), details=details())
    PhoneVerification.objects.filter(pk=verification.pk).update(expires_at=verification.created_at - timedelta(minutes=1))
    with pytest.raises(HallError, match="expired"):
        svc.booking_confirm(token=verification.token, code=_code())
    assert not Booking.objects.exists()


def test_a_full_session_is_said_before_the_code_is_sent(h: H) -> None:
    session = h.session(capacity=50)
    h.book(session, people=40)
    with pytest.raises(HallError, match="waiting list"):
        svc.booking_request(session=session, details=details(people=30, contact_phone="13800000005"))
    assert not PhoneVerification.objects.exists()


# --- cancel, check-in, feedback ------------------------------------------------------------------


def test_a_group_cancels_at_least_a_day_ahead_with_its_phone(h: H) -> None:
    session = h.session()
    booking = h.book(session)
    with pytest.raises(HallError, match="phone number"):
        svc.booking_cancel(actor=None, booking=booking, phone="13800000009")
    with pytest.raises(HallError, match="at least 1 day before"):
        svc.booking_cancel(actor=None, booking=booking, phone="13912345678", on=session.date)
    assert Booking.objects.get(pk=booking.pk).state == BookingState.BOOKED
    svc.booking_cancel(actor=None, booking=booking, phone="13912345678", on=session.date - timedelta(days=1))
    assert Booking.objects.get(pk=booking.pk).state == BookingState.CANCELLED


def test_staff_cancel_a_booking_with_the_reason(h: H) -> None:
    booking = h.book(h.session())
    with pytest.raises(HallError, match="Say why"):
        svc.booking_cancel(actor=h.staff, booking=booking)
    with pytest.raises(PermissionDenied):
        svc.booking_cancel(actor=h.other_staff, booking=booking, reason="x")
    svc.booking_cancel(actor=h.staff, booking=booking, reason="学校临时调课")
    assert Booking.objects.get(pk=booking.pk).cancel_reason == "学校临时调课"


def test_check_in_counts_heads_and_guardians_once(h: H) -> None:
    session = h.session()
    booking = h.book(session, people=42)
    day = session.date
    with pytest.raises(HallError, match="guardians"):
        svc.booking_check_in(actor=h.staff, hall=h.hall, code=booking.code, arrived=41, on=day)
    with pytest.raises(HallError, match="counted among"):
        svc.booking_check_in(actor=h.staff, hall=h.hall, code=booking.code, arrived=41, guardians=45, on=day)
    with pytest.raises(HallError, match="not today"):
        svc.booking_check_in(actor=h.staff, hall=h.hall, code=booking.code, arrived=41, guardians=3, on=day - timedelta(days=1))
    assert Booking.objects.get(pk=booking.pk).state == BookingState.BOOKED
    done = svc.booking_check_in(actor=h.staff, hall=h.hall, code=booking.code.lower(), arrived=41, guardians=3, on=day)
    assert (done.state, done.arrived, done.guardians, done.pupils) == (BookingState.ATTENDED, 41, 3, 38)
    with pytest.raises(HallError, match="already checked in") as twice:
        svc.booking_check_in(actor=h.staff, hall=h.hall, code=booking.code, arrived=41, guardians=3, on=day)
    assert twice.value.error_code == "conflict"


def test_check_in_finds_only_the_hall_s_own_bookings(h: H) -> None:
    session = h.session()
    booking = h.book(session, group_type=GroupType.ENTERPRISE)
    with pytest.raises(HallError, match="No booking of this hall"):
        svc.booking_check_in(actor=h.other_staff, hall=h.other_hall, code=booking.code, arrived=30, on=session.date)
    with pytest.raises(PermissionDenied):
        svc.booking_check_in(actor=h.other_staff, hall=h.hall, code=booking.code, arrived=30, on=session.date)
    waiting = h.book(session, people=50, wait_if_full=True, contact_phone="13800000006")
    with pytest.raises(HallError, match="cannot be checked in"):
        svc.booking_check_in(actor=h.staff, hall=h.hall, code=waiting.code, arrived=30, on=session.date)


def test_feedback_after_the_visit_once(h: H) -> None:
    session = h.session()
    booking = h.book(session, group_type=GroupType.COMMUNITY)
    with pytest.raises(HallError, match="after the visit"):
        svc.booking_feedback(booking=booking, rating=5)
    svc.booking_check_in(actor=h.staff, hall=h.hall, code=booking.code, arrived=38, on=session.date)
    with pytest.raises(HallError, match="1 to 5"):
        svc.booking_feedback(booking=booking, rating=6)
    svc.booking_feedback(booking=booking, rating=5, comment="地震体验很真实")
    with pytest.raises(HallError, match="already given"):
        svc.booking_feedback(booking=booking, rating=4)
    assert Booking.objects.get(pk=booking.pk).rating == 5

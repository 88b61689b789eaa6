"""The pages: the public booking flow without signing in (choose a session → details → the code
sent to the phone → the booking code), finding the booking again to cancel or give feedback, the
per-IP limit; the staff pages (sessions, a session, new, generate, cancel, bookings, check-in)
for the hall's staff, read-only for officials, closed to others."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from safecity.hall import sms
from safecity.hall.choices import BookingState, SessionState
from safecity.hall.models import Booking, HallSession, PhoneVerification
from safecity.hall.services import bookings as svc

from .conftest import H, bookable_day

pytestmark = pytest.mark.django_db


def _signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_public_booking_end_to_end_without_signing_in(h: H, django_capture_on_commit_callbacks: Any) -> None:
    session = h.session()
    client = Client()
    page = client.get(reverse("hall:book"))
    assert page.status_code == 200 and f'data-testid="session-{session.pk}"' in page.text
    details = client.get(reverse("hall:book-details", args=[session.pk]))
    assert details.status_code == 200 and 'data-testid="booking-form"' in details.text
    form = {
        "group_type": "school", "group_name": "三井实验小学五(2)班", "people": "45",
        "contact_name": "王老师", "contact_phone": "13912345678",
    }  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(reverse("hall:book-details", args=[session.pk]), form)
    assert sent.status_code == 302 and "/book/verify/" in sent["Location"]
    verify_url = sent["Location"]
    assert 'data-testid="code-form"' in client.get(verify_url).text
    wrong = client.post(verify_url, {"code": "99999x"})
    assert wrong.status_code == 200 and 'data-testid="error-code"' in wrong.text
    code = re.search(r"\b(\d{6})\b", sms.last_text("13912345678")).group(1)  # type: ignore[union-attr]
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(verify_url, {"code": code}, follow=True)
    booking = Booking.objects.get()
    assert done.status_code == 200 and booking.code in done.text and 'data-testid="booking-code"' in done.text
    assert booking.state == BookingState.BOOKED and booking.people == 45
    # Found again by its code and phone, and cancelled (more than a day ahead).
    other = Client()
    wrong_phone = other.post(reverse("hall:my-booking"), {"code": booking.code, "phone": "13800000000"})
    assert wrong_phone.status_code == 200 and 'data-testid="booking-facts"' not in wrong_phone.text
    assert 'data-testid="form-errors"' in wrong_phone.text
    found = other.post(reverse("hall:my-booking"), {"code": booking.code, "phone": "13912345678"})
    assert 'data-testid="cancel-form"' in found.text
    other.post(reverse("hall:my-booking"), {"code": booking.code, "phone": "13912345678", "action": "cancel"})
    assert Booking.objects.get().state == BookingState.CANCELLED


def test_public_booking_refusals_are_words_on_the_form(h: H) -> None:
    session = h.session(capacity=50)
    h.book(session, people=40)
    client = Client()
    form = {
        "group_type": "village",
        "group_name": "罗溪村",
        "people": "30",
        "contact_name": "赵书记",
        "contact_phone": "13912345600",
    }
    full = client.post(reverse("hall:book-details", args=[session.pk]), form)
    assert full.status_code == 200 and "waiting list" in full.text and 'data-testid="form-errors"' in full.text
    small = client.post(reverse("hall:book-details", args=[session.pk]), {**form, "people": "12"})
    assert 'data-testid="error-people"' in small.text
    assert not PhoneVerification.objects.exists()
    waits = client.post(reverse("hall:book-details", args=[session.pk]), {**form, "wait_if_full": "on"})
    assert waits.status_code == 302


def test_a_session_not_bookable_is_not_offered(h: H) -> None:
    session = h.session()
    from safecity.hall.services import sessions as session_svc

    session_svc.session_cancel(actor=h.staff, session=session, reason="检修")
    client = Client()
    assert f"session-{session.pk}" not in client.get(reverse("hall:book")).text
    assert client.get(reverse("hall:book-details", args=[session.pk])).status_code == 404


@override_settings(SAFECITY_HALL_RATE_LIMIT=3)
def test_public_booking_is_rate_limited_per_ip(h: H) -> None:
    session = h.session()
    client = Client(REMOTE_ADDR="203.0.113.7")
    bad = {"group_type": "village", "people": "5"}
    for _n in range(3):
        assert client.post(reverse("hall:book-details", args=[session.pk]), bad).status_code == 200
    limited = client.post(reverse("hall:book-details", args=[session.pk]), bad)
    assert limited.status_code == 429 and limited["Retry-After"] == "3600"
    assert Client(REMOTE_ADDR="203.0.113.8").post(reverse("hall:book-details", args=[session.pk]), bad).status_code == 200
    for _n in range(3):
        client.post(reverse("hall:book-verify", args=["x"]), {"code": "123456"})
    assert client.post(reverse("hall:book-verify", args=["x"]), {"code": "123456"}).status_code == 429


def test_feedback_by_booking_code_after_the_visit(h: H) -> None:
    session = h.session()
    booking = h.book(session)
    svc.booking_check_in(actor=h.staff, hall=h.hall, code=booking.code, arrived=40, guardians=2, on=session.date)
    client = Client()
    page = client.post(reverse("hall:my-booking"), {"code": booking.code, "phone": "13912345678"})
    assert 'data-testid="feedback-form"' in page.text and 'data-testid="cancel-form"' not in page.text
    client.post(
        reverse("hall:my-booking"),
        {"code": booking.code, "phone": "13912345678", "action": "feedback", "rating": "5", "comment": "很好"},
    )
    assert Booking.objects.get().rating == 5


def test_staff_pages(h: H) -> None:
    session = h.session()
    booking = h.book(session)
    staff = _signed_in(h.staff)
    listing = staff.get(reverse("hall:sessions") + f"?month={session.date:%Y-%m}")
    assert listing.status_code == 200 and reverse("hall:session", args=[session.pk]) in listing.text
    detail = staff.get(reverse("hall:session", args=[session.pk]))
    assert booking.group_name in detail.text and 'data-testid="session-cancel"' in detail.text
    assert staff.get(reverse("hall:bookings")).status_code == 200
    assert staff.get(reverse("hall:booking", args=[booking.pk])).status_code == 200
    day = bookable_day(2)
    made = staff.post(
        reverse("hall:session-new"), {"hall": h.hall.pk, "day": day.isoformat(), "period": "afternoon", "capacity": "80"}
    )
    assert made.status_code == 302 and HallSession.objects.filter(date=day, period="afternoon", capacity=80).exists()
    again = staff.post(reverse("hall:session-new"), {"hall": h.hall.pk, "day": day.isoformat(), "period": "afternoon"})
    assert (again.status_code == 200 and "form-errors" in again.text) or "error-day" in again.text
    month = session.date.replace(day=1)
    generated = staff.post(reverse("hall:sessions-generate"), {"hall": h.hall.pk, "month": f"{month:%Y-%m}"})
    assert generated.status_code == 302 and HallSession.objects.count() > 3
    check_in = staff.post(reverse("hall:check-in"), {"hall": h.hall.pk, "code": booking.code, "arrived": "40", "guardians": "2"})
    # The session is not today: refused in words, nothing written.
    assert check_in.status_code == 200 and "not today" in check_in.text
    assert Booking.objects.get(pk=booking.pk).state == BookingState.BOOKED
    cancelled = staff.post(reverse("hall:session-cancel", args=[session.pk]), {"reason": "消防设施检修"})
    assert cancelled.status_code == 302 and HallSession.objects.get(pk=session.pk).state == SessionState.CANCELLED


def test_officials_read_others_are_kept_out(h: H) -> None:
    session = h.session()
    booking = h.book(session)
    official = _signed_in(h.personas.district_a)
    assert official.get(reverse("hall:session", args=[session.pk])).status_code == 200
    assert official.get(reverse("hall:session-new")).status_code == 403
    assert official.get(reverse("hall:check-in")).status_code == 403
    assert official.post(reverse("hall:booking", args=[booking.pk]), {"reason": "x"}).status_code == 403
    other_district = _signed_in(h.personas.district_b)
    assert other_district.get(reverse("hall:session", args=[session.pk])).status_code == 404
    other_staff = _signed_in(h.other_staff)
    assert other_staff.get(reverse("hall:booking", args=[booking.pk])).status_code == 404
    assert other_staff.get(reverse("hall:session-cancel", args=[session.pk])).status_code == 404
    outsider = _signed_in(h.personas.outsider)
    assert outsider.get(reverse("hall:sessions")).status_code == 403
    assert Client().get(reverse("hall:sessions")).status_code == 302


def test_list_pages_do_not_query_per_row(h: H, django_assert_max_num_queries: Any) -> None:
    session = h.session(capacity=100)
    for n in range(2):
        h.book(session, contact_phone=f"1380000002{n}", people=30)
    staff = _signed_in(h.staff)
    staff.get(reverse("hall:bookings"))  # warm the session and principal
    with django_assert_max_num_queries(12) as few:
        staff.get(reverse("hall:bookings"))
    for n in range(2, 5):
        h.book(h.session(period="afternoon") if n == 2 else session, contact_phone=f"1380000002{n}", people=20, wait_if_full=True)
    with django_assert_max_num_queries(len(few.captured_queries)):
        staff.get(reverse("hall:bookings"))
    with django_assert_max_num_queries(len(few.captured_queries)):
        staff.get(reverse("hall:sessions") + f"?month={session.date:%Y-%m}")
    assert Client().get(reverse("hall:book")).status_code == 200


def test_an_old_link_to_a_session_too_soon_says_why(h: H) -> None:
    from safecity.core.calendar import working_calendar
    from safecity.hall.models import HallSession as S
    from safecity.hall.services.common import today

    soon = S.objects.create(
        hall=h.hall, date=working_calendar().add_working_days(today(), 1), period="morning",
        starts_at="09:00", ends_at="11:00", capacity=60,
    )  # fmt: skip
    client = Client()
    assert f"session-{soon.pk}" not in client.get(reverse("hall:book")).text
    form = {
        "group_type": "village",
        "group_name": "罗溪村",
        "people": "30",
        "contact_name": "赵书记",
        "contact_phone": "13912345600",
    }
    refused = client.post(reverse("hall:book-details", args=[soon.pk]), form)
    assert refused.status_code == 200 and "at least 3 working days ahead" in refused.text
    assert not PhoneVerification.objects.exists()

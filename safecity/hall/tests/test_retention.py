"""The daily housekeeping: phone verifications and text messages deleted after the days kept (and
audited without the phone or code); waiting bookings of a past session closed."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from safecity.core.models import AuditEntry
from safecity.hall.choices import BookingState
from safecity.hall.models import Booking, PhoneVerification, TextMessage
from safecity.hall.services import bookings as svc
from safecity.hall.services.retention import waiting_close
from safecity.hall.tasks import housekeeping

from .conftest import H, details

pytestmark = pytest.mark.django_db


def test_verifications_and_texts_older_than_30_days_are_deleted(h: H, django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        svc.booking_request(session=h.session(), details=details())
        svc.booking_request(session=h.session(period="afternoon"), details=details(contact_phone="13800000004"))
    old = timezone.now() - timedelta(days=31)
    PhoneVerification.objects.filter(phone="13912345678").update(created_at=old)
    TextMessage.objects.filter(phone="13912345678").update(sent_at=old)
    result = housekeeping.call()
    assert (result["verifications"], result["texts"]) == (1, 1)
    assert list(PhoneVerification.objects.values_list("phone", flat=True)) == ["13800000004"]
    assert list(TextMessage.objects.values_list("phone", flat=True)) == ["13800000004"]


def test_the_audit_trail_never_holds_the_phone_or_the_code(h: H, django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        svc.booking_request(session=h.session(), details=details())
    text = TextMessage.objects.get().text
    rows = AuditEntry.objects.filter(content_type__app_label="hall", content_type__model__in=["textmessage", "phoneverification"])
    assert rows.count() == 2
    entries = [str(e.__dict__) for e in AuditEntry.objects.all()]
    assert not any("13912345678" in e or text in e for e in entries)


def test_waiting_groups_of_a_past_session_are_closed(h: H) -> None:
    session = h.session()
    booked = h.book(session, people=50)
    waiting = h.book(session, people=40, wait_if_full=True, contact_phone="13800000005")
    assert waiting_close(on=session.date) == 0
    assert waiting_close(on=session.date + timedelta(days=1)) == 1
    waiting.refresh_from_db()
    assert waiting.state == BookingState.CANCELLED and "not admitted" in waiting.cancel_reason
    assert Booking.objects.get(pk=booked.pk).state == BookingState.BOOKED

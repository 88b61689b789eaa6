"""Text messages: which backend sends, what the log shows, and that a failing gateway never undoes
a committed booking nor stops the other messages of a cancelled session."""

from __future__ import annotations

import logging
import re
from typing import Any

import pytest
from django.test import override_settings

from safecity.core import delivery
from safecity.hall import sms
from safecity.hall.choices import BookingState
from safecity.hall.models import Booking, TextMessage
from safecity.hall.services import bookings as svc
from safecity.hall.services import sessions as session_svc
from safecity.hall.services.common import HallError

from .conftest import H, details

pytestmark = pytest.mark.django_db


def test_the_log_never_holds_the_code_and_masks_the_phone(h: H, caplog: Any, django_capture_on_commit_callbacks: Any) -> None:
    with caplog.at_level(logging.DEBUG, logger="safecity.hall.sms"), django_capture_on_commit_callbacks(execute=True):
        svc.booking_request(session=h.session(), details=details())
    code = re.search(r"\b(\d{6})\b", sms.last_text("13912345678"))
    assert code is not None
    assert "139****5678" in caplog.text
    assert code.group(1) not in caplog.text and "13912345678" not in caplog.text


def test_the_backend_is_chosen_by_the_settings() -> None:
    with override_settings(SAFECITY_HALL_SMS_BACKEND="", SAFECITY_SMS_GATEWAY_URL="https://sms.example/send"):
        assert sms.backend_path() == sms.GATEWAY
    with override_settings(SAFECITY_HALL_SMS_BACKEND="", SAFECITY_SMS_GATEWAY_URL="", PRODUCTION=False, DEBUG=False):
        assert sms.backend_path() == sms.OUTBOX
    with override_settings(SAFECITY_HALL_SMS_BACKEND="", SAFECITY_SMS_GATEWAY_URL="", PRODUCTION=True, DEBUG=False):
        assert sms.backend_path() == "" and not sms.available()
    with override_settings(SAFECITY_HALL_SMS_BACKEND="outbox", SAFECITY_SMS_GATEWAY_URL="", PRODUCTION=True, DEBUG=False):
        assert sms.backend_path() == sms.OUTBOX


def test_production_without_a_gateway_refuses_the_booking_in_words(h: H) -> None:
    session = h.session()
    with (
        override_settings(SAFECITY_HALL_SMS_BACKEND="", SAFECITY_SMS_GATEWAY_URL="", PRODUCTION=True, DEBUG=False),
        pytest.raises(HallError, match=r"Text messages cannot be sent now.*book by phone"),
    ):
        svc.booking_request(session=session, details=details())
    assert not TextMessage.objects.exists()


@override_settings(SAFECITY_HALL_SMS_BACKEND="gateway", SAFECITY_SMS_GATEWAY_URL="https://sms.example/send")
def test_a_failing_gateway_keeps_the_booking_and_retries(h: H, monkeypatch: Any, django_capture_on_commit_callbacks: Any) -> None:
    sent: list[tuple[str, str]] = []

    def down(phone: str, text: str) -> None:
        raise OSError("gateway unreachable")

    monkeypatch.setattr(delivery, "_post_text", down)
    with django_capture_on_commit_callbacks(execute=True):
        booking = h.book(h.session())
    assert Booking.objects.get(pk=booking.pk).state == BookingState.BOOKED
    message = TextMessage.objects.get()
    assert (message.status, message.attempts, message.error) == ("failed", 1, "gateway unreachable")

    monkeypatch.setattr(delivery, "_post_text", lambda phone, text: sent.append((phone, text)))
    assert sms.texts_send(None) == {"sent": 1, "failed": 0}
    assert sent == [("13912345678", message.text)] and booking.code in message.text
    assert TextMessage.objects.get().status == "sent"


class _FailsForOnePhone:
    def send(self, phone: str, text: str) -> None:
        if phone == "13900000001":
            raise OSError("gateway down")
        sms.OutboxBackend().send(phone, text)


def test_one_failed_text_does_not_stop_the_others_of_a_cancelled_session(
    h: H, monkeypatch: Any, django_capture_on_commit_callbacks: Any
) -> None:
    session = h.session()
    h.book(session, contact_phone="13900000001", people=20)
    h.book(session, contact_phone="13900000002", people=20)
    monkeypatch.setattr(sms, "backend", _FailsForOnePhone)
    with django_capture_on_commit_callbacks(execute=True):
        session_svc.session_cancel(actor=h.staff, session=session, reason="停电检修")
    assert "停电检修" in sms.last_text("13900000002")
    assert set(Booking.objects.values_list("state", flat=True)) == {BookingState.CANCELLED}

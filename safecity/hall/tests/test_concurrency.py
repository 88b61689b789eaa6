"""Eight groups confirm their codes for the same session at the same moment, as parallel requests
to the public page: the session row lock (``select_for_update``) serialises them on PostgreSQL;
SQLite's IMMEDIATE write transactions on a file copy of the test database (the hazards'
concurrency helpers). The capacity is never exceeded and no booking is lost: every group told it
is booked or waiting has its row, every other group was refused in words."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from safecity.hall.choices import BookingState
from safecity.hall.models import Booking, TextMessage
from safecity.hall.services import bookings as svc
from safecity.hazards.tests.test_concurrency import run_in_threads, thread_database

from .conftest import H, details

GROUPS = 8


@pytest.mark.django_db(transaction=True)
def test_parallel_bookings_never_exceed_capacity_nor_lose_one(h: H, tmp_path: Any) -> None:
    session = h.session(capacity=100)
    urls: list[tuple[str, str]] = []
    for n in range(GROUPS):
        phone = f"1380000{n:04d}"
        verification = svc.booking_request(
            session=session, details=details(people=30, contact_phone=phone, wait_if_full=n >= GROUPS // 2)
        )
        text = TextMessage.objects.filter(phone=phone).order_by("-id").first()
        assert text is not None
        code = re.search(r"\b(\d{6})\b", text.text).group(1)  # type: ignore[union-attr]
        urls.append((reverse("hall:book-verify", args=[verification.token]), code))

    def confirm(url: str, code: str) -> Callable[[], int]:
        def post() -> int:
            return Client().post(url, {"code": code}).status_code

        return post

    def stored() -> list[tuple[str, str, int]]:
        return list(Booking.objects.filter(session_id=session.pk).values_list("contact_phone", "state", "people"))

    with thread_database(tmp_path):
        statuses = run_in_threads([confirm(url, code) for url, code in urls])
        rows = run_in_threads([stored])[0]

    assert all(isinstance(s, int) for s in statuses), statuses
    booked = [r for r in rows if r[1] == BookingState.BOOKED]
    waiting = [r for r in rows if r[1] == BookingState.WAITING]
    assert sum(r[2] for r in booked) <= 100 and len(booked) == 3
    # Told "booked" (a redirect to the booking code) exactly as often as a row was written.
    assert statuses.count(302) == len(rows)
    # Every group that asked to wait has a row; the others that did not fit were refused.
    waiting_phones = {f"1380000{n:04d}" for n in range(GROUPS // 2, GROUPS)}
    assert waiting_phones <= {r[0] for r in rows}
    assert len(rows) == len(booked) + len(waiting) == 3 + len(waiting)
    assert statuses.count(200) == GROUPS - len(rows)

"""The staff API: sessions (list, detail, create, generate, cancel) and bookings (list, cancel,
check-in by code): the hall's staff write, officials read, others get nothing; refusals in the
core error format (409 for checked in twice)."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from safecity.hall.choices import BookingState

from .conftest import H, bookable_day

pytestmark = pytest.mark.django_db


def _api(user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_staff_api(h: H) -> None:
    session = h.session()
    booking = h.book(session)
    h.book(h.session(hall=h.other_hall), contact_phone="13800000020")
    staff = _api(h.staff)
    rows = staff.get("/api/hall/sessions/").json()["results"]
    assert [r["id"] for r in rows] == [session.pk] and rows[0]["booked"] == 40
    detail = staff.get(f"/api/hall/sessions/{session.pk}/").json()
    assert [b["code"] for b in detail["bookings"]] == [booking.code]
    made = staff.post(
        "/api/hall/sessions/", {"hall": h.hall.pk, "day": bookable_day(1).isoformat(), "period": "afternoon"}, format="json"
    )
    assert made.status_code == 201, made.json()
    bad = staff.post("/api/hall/sessions/", {"hall": h.hall.pk, "day": "2020-01-06", "period": "morning"}, format="json")
    assert bad.status_code == 400 and "day" in bad.json()["fields"]
    month = bookable_day(5)
    generated = staff.post(
        "/api/hall/sessions/generate/", {"hall": h.hall.pk, "year": month.year, "month": month.month}, format="json"
    )
    assert generated.status_code == 201 and len(generated.json()) > 0
    assert [b["id"] for b in staff.get("/api/hall/bookings/").json()["results"]] == [booking.pk]
    checked = staff.post(
        "/api/hall/bookings/check-in/", {"hall": h.hall.pk, "code": booking.code, "arrived": 40, "guardians": 2}, format="json"
    )
    assert checked.status_code == 409 and "not today" in checked.json()["message"]
    cancelled = staff.post(f"/api/hall/bookings/{booking.pk}/cancel/", {"reason": "学校调课"}, format="json")
    assert cancelled.status_code == 200 and cancelled.json()["state"] == BookingState.CANCELLED
    gone = staff.post(f"/api/hall/sessions/{session.pk}/cancel/", {"reason": "检修"}, format="json")
    assert gone.status_code == 200 and gone.json()["state"] == "cancelled"
    assert staff.post(f"/api/hall/sessions/{session.pk}/cancel/", {"reason": "检修"}, format="json").status_code == 409


def test_check_in_twice_is_a_conflict(h: H, monkeypatch: Any) -> None:
    session = h.session()
    booking = h.book(session)
    monkeypatch.setattr("safecity.hall.services.bookings.today", lambda: session.date)
    staff = _api(h.staff)
    body = {"hall": h.hall.pk, "code": booking.code, "arrived": 39, "guardians": 3}
    first = staff.post("/api/hall/bookings/check-in/", body, format="json")
    assert first.status_code == 200 and first.json()["pupils"] == 36
    assert staff.post("/api/hall/bookings/check-in/", body, format="json").status_code == 409


def test_others_read_or_nothing(h: H) -> None:
    session = h.session()
    official = _api(h.personas.district_a)
    assert [r["id"] for r in official.get("/api/hall/sessions/").json()["results"]] == [session.pk]
    made = official.post(
        "/api/hall/sessions/", {"hall": h.hall.pk, "day": bookable_day(1).isoformat(), "period": "morning"}, format="json"
    )
    assert made.status_code == 403
    assert official.post(f"/api/hall/sessions/{session.pk}/cancel/", {"reason": "x"}, format="json").status_code == 403
    assert _api(h.personas.district_b).get(f"/api/hall/sessions/{session.pk}/").status_code == 404
    assert _api(h.other_staff).get("/api/hall/sessions/").json()["results"] == []
    assert APIClient().get("/api/hall/sessions/").status_code in (401, 403)

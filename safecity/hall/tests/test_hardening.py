"""Races and junk input answer in words or 404, never a server error: two staff opening the same
session, two bookings drawing the same code, a NUL in the verification address, an organisation id
outside the caller's reach."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from conftest import make_org
from safecity.core.choices import OrganisationKind
from safecity.hall.choices import SessionState
from safecity.hall.models import Booking, HallSession
from safecity.hall.services import sessions as session_svc
from safecity.hall.services.common import HallError

from .conftest import H, bookable_day

pytestmark = pytest.mark.django_db


def _opened_meanwhile(monkeypatch: Any) -> None:
    """Another request opens the same period between the service's check and its insert."""
    original = HallSession.full_clean

    def full_clean(self: HallSession, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        if self.pk is None and not HallSession.objects.filter(hall=self.hall, date=self.date, period=self.period).exists():
            HallSession.objects.create(
                hall=self.hall, date=self.date, period=self.period, starts_at=self.starts_at, ends_at=self.ends_at,
                capacity=self.capacity, state=SessionState.OPEN,
            )  # fmt: skip

    monkeypatch.setattr(HallSession, "full_clean", full_clean)


def test_a_session_opened_meanwhile_is_refused_in_words(h: H, monkeypatch: Any) -> None:
    _opened_meanwhile(monkeypatch)
    with pytest.raises(HallError, match="already has a session"):
        session_svc.session_create(actor=h.staff, hall=h.hall, day=bookable_day(), period="morning")


def test_a_month_generated_meanwhile_is_refused_in_words(h: H, monkeypatch: Any) -> None:
    _opened_meanwhile(monkeypatch)
    day = bookable_day(5)
    with pytest.raises(HallError, match="already has a session"):
        session_svc.sessions_generate_month(actor=h.staff, hall=h.hall, year=day.year, month=day.month)


def test_a_booking_code_taken_meanwhile_is_drawn_again(h: H, monkeypatch: Any) -> None:
    other = h.book(h.session(period="afternoon"), contact_phone="13800000003")
    original = Booking.full_clean

    def full_clean(self: Booking, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        if self.pk is None:
            Booking.objects.filter(pk=other.pk).update(code=self.code)

    monkeypatch.setattr(Booking, "full_clean", full_clean)
    booking = h.book(h.session())
    assert booking.pk is not None and booking.code != Booking.objects.get(pk=other.pk).code


def test_junk_in_the_verification_address_is_404(h: H) -> None:
    good = reverse("hall:book-verify", args=["abc_DEF-123"])
    client = Client()
    for junk in ("abc%00def", "%00", "abc%20def", "a.b"):
        assert client.get(good.replace("abc_DEF-123", junk)).status_code == 404


def test_an_organisation_out_of_reach_reads_like_one_that_does_not_exist(h: H) -> None:
    outside = make_org("武进区某化工有限公司", OrganisationKind.ENTERPRISE, h.city.district_b, actor=h.city.superuser)
    api = APIClient()
    api.force_authenticate(h.staff)
    body = {"day": bookable_day().isoformat(), "period": "morning"}
    probed = api.post("/api/hall/sessions/", {**body, "hall": outside.pk}, format="json")
    missing = api.post("/api/hall/sessions/", {**body, "hall": 999999}, format="json")
    assert probed.status_code == missing.status_code == 400
    assert "武进区某化工" not in probed.content.decode()
    assert probed.json()["fields"]["hall"] == [m.replace("999999", str(outside.pk)) for m in missing.json()["fields"]["hall"]]
    check_in = api.post("/api/hall/bookings/check-in/", {"hall": h.other_hall.pk, "code": "X", "arrived": 1}, format="json")
    assert check_in.status_code == 400 and "武进区公共安全体验馆" not in check_in.content.decode()

"""Who sees what of the hall: its staff their hall only; the officials over its region its sessions
and bookings (and figures); other officials, enterprises, experts and outsiders nothing; a citizen
only the booking whose code and phone they give."""

from __future__ import annotations

import pytest

from safecity.core.scoping import CHANGE, can
from safecity.hall import selectors

from .conftest import H

pytestmark = pytest.mark.django_db


def test_each_persona_sees_what_it_should(h: H) -> None:
    own = h.book(h.session())
    other = h.book(h.session(hall=h.other_hall), contact_phone="13800000010")
    p = h.personas

    def seen(user: object) -> set[int]:
        return set(selectors.booking_list(user=user).values_list("pk", flat=True))

    assert seen(h.staff) == {own.pk}
    assert seen(h.other_staff) == {other.pk}
    assert seen(p.city_official) == {own.pk, other.pk}
    assert seen(p.district_a) == {own.pk}
    assert seen(p.district_b) == {other.pk}
    for outsider in (p.enterprise_user, p.expert, p.outsider):
        assert seen(outsider) == set()
        assert not selectors.session_list(user=outsider).exists()
    assert set(selectors.session_list(user=h.staff).values_list("hall", flat=True)) == {h.hall.pk}
    assert can(h.staff, own, CHANGE) and not can(h.staff, other, CHANGE)
    assert not can(p.district_a, own, CHANGE)
    assert list(selectors.halls_of(h.staff)) == [h.hall]


def test_a_citizen_reaches_a_booking_by_its_code_and_phone_only(h: H) -> None:
    booking = h.book(h.session())
    assert selectors.public_booking(code=booking.code.lower(), phone="13912345678") == booking
    assert selectors.public_booking(code=booking.code, phone="13800000000") is None
    assert selectors.public_booking(code="", phone="") is None

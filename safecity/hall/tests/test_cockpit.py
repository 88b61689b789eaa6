"""The hall's figures (issue 17 part 2): groups, visitors, school classes and pupils of the year,
panels by month and group type; the city and the hall's district see them, the hall's staff their
hall's, another district or an outsider "no access" or zero of their own."""

from __future__ import annotations

from typing import Any

import pytest

from safecity.core.figures import NO_ACCESS, FigureContext, indicator_values, panel_values
from safecity.hall.choices import GroupType
from safecity.hall.services import bookings as svc

from .conftest import H

pytestmark = pytest.mark.django_db


def _figures(h: H, user: Any, year: int) -> dict[str, Any]:
    ctx = FigureContext(region=h.city.city, year=year, user=user)
    return {k: v for k, v in indicator_values(ctx).items() if k.startswith("hall.")}


def test_figures_count_the_visits_for_the_viewer(h: H) -> None:
    school = h.session()
    other = h.session(period="afternoon")
    away = h.session(hall=h.other_hall)
    a = h.book(school, people=42)
    b = h.book(other, group_type=GroupType.VILLAGE, people=30, contact_phone="13800000011")
    c = h.book(away, group_type=GroupType.ENTERPRISE, people=25, contact_phone="13800000012")
    h.book(
        school, people=20, contact_phone="13800000013", group_type=GroupType.COMMUNITY, wait_if_full=True
    )  # waiting: not counted
    svc.booking_check_in(actor=h.staff, hall=h.hall, code=a.code, arrived=41, guardians=3, on=school.date)
    svc.booking_check_in(actor=h.staff, hall=h.hall, code=b.code, arrived=29, on=other.date)
    svc.booking_check_in(actor=h.other_staff, hall=h.other_hall, code=c.code, arrived=25, on=away.date)
    year = school.date.year
    p = h.personas
    city = _figures(h, p.city_official, year)
    assert (city["hall.groups"], city["hall.visitors"], city["hall.school_classes"], city["hall.pupils"]) == (3, 95, 1, 38)
    district_a = _figures(h, p.district_a, year)
    assert (district_a["hall.groups"], district_a["hall.visitors"]) == (2, 70)
    staff = _figures(h, h.staff, year)
    assert staff["hall.groups"] == 2
    assert set(_figures(h, p.outsider, year).values()) == {NO_ACCESS}
    assert set(_figures(h, p.enterprise_user, year).values()) == {NO_ACCESS}
    panels = panel_values(FigureContext(region=h.city.city, year=year, user=p.city_official))
    month = f"{year}-{school.date.month:02d}"
    assert panels["hall.by_month"]["counts"][month] >= 70
    by_type = panels["hall.by_group_type"]["counts"]
    assert (by_type["School class"], by_type["Village"], by_type["Enterprise staff"], by_type["Community"]) == (1, 1, 1, 0)

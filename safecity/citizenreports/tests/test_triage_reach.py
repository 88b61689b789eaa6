"""Who triages and who reads the reporter's phone (review of issue 17 §2): a triage grant at the
report's district or below, never one of an ancestor region. A city-level inspector, a district
official whose grant is the whole city, a city official and a superuser read and count the
reports, but triage none and never see the phone (page, API detail, export); the district's
official does both; once triaged, the phone is the triaging official's only."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client

from conftest import make_user
from safecity.citizenreports.choices import ReportState
from safecity.citizenreports.models import CitizenReport
from safecity.citizenreports.selectors import may_triage, phone_visible, report_list
from safecity.citizenreports.services.triage import report_dismiss
from safecity.core.choices import Role

from .conftest import CR, IN_B

pytestmark = pytest.mark.django_db

PHONE = "13912345678"


def login(user: Any) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


@pytest.fixture
def city_wide(cr: CR) -> dict[str, Any]:
    """Everyone whose reach over the report is the city (or everything), not its district."""
    return {
        "city_inspector": make_user(cr.city, "city_inspector", cr.city.city_department, Role.INSPECTOR, cr.city.city),
        "city_district_official": make_user(
            cr.city, "city_district_official", cr.city.city_department, Role.DISTRICT_OFFICIAL, cr.city.city
        ),
        "city_official": cr.personas.city_official,
        "city_admin": cr.personas.city_admin,
        "superuser": cr.city.superuser,
    }


def test_city_wide_readers_read_but_neither_triage_nor_see_the_phone(cr: CR, city_wide: dict[str, Any]) -> None:
    report = cr.submit()
    for name, user in city_wide.items():
        assert report_list(user=user).filter(pk=report.pk).exists(), name  # they read and count
        assert not may_triage(user, report), name
        assert not phone_visible(user, report), name
        client = login(user)
        page = client.get(f"/citizen-reports/{report.pk}/")
        assert page.status_code == 200, name
        html = page.content.decode()
        assert PHONE not in html and 'data-testid="dismiss-form"' not in html, name
        assert client.get(f"/api/citizen-reports/reports/{report.pk}/").json()["reporter_phone"] is None, name
        export = client.get("/citizen-reports/queue/?export=xlsx")
        assert export.status_code == 200 and PHONE.encode() not in export.content, name
        assert client.post(f"/citizen-reports/{report.pk}/dismiss/", {"reason": "x"}).status_code == 403, name
        assert client.post(f"/api/citizen-reports/reports/{report.pk}/dismiss/", {"reason": "x"}).status_code == 403, name
        with pytest.raises(PermissionDenied):
            report_dismiss(actor=user, report=report, reason="x")
    report.refresh_from_db()
    assert report.state == ReportState.RECEIVED and report.triaged_by is None


def test_the_district_official_triages_and_sees_the_phone(cr: CR) -> None:
    report = cr.submit()
    official = cr.personas.district_a
    assert may_triage(official, report) and phone_visible(official, report)
    client = login(official)
    assert PHONE in client.get(f"/citizen-reports/{report.pk}/").content.decode()
    assert client.get(f"/api/citizen-reports/reports/{report.pk}/").json()["reporter_phone"] == PHONE
    assert client.post(f"/citizen-reports/{report.pk}/dismiss/", {"reason": "不属于安全隐患"}).status_code == 302
    report.refresh_from_db()
    assert report.state == ReportState.DISMISSED and report.triaged_by == official


def test_a_street_level_inspector_does_not_reach_a_district_report(cr: CR) -> None:
    report = cr.submit()
    street = make_user(cr.city, "street_inspector", cr.city.bureau_a, Role.INSPECTOR, cr.city.street_a)
    # below the district, but the report is the district's, not the street's: it must reach it too
    assert not report_list(user=street).filter(pk=report.pk).exists()
    assert not may_triage(street, report) and not phone_visible(street, report)
    with pytest.raises(PermissionDenied):
        report_dismiss(actor=street, report=report, reason="x")


def test_after_triage_the_phone_is_the_triaging_officials_only(cr: CR) -> None:
    report = cr.submit()
    report_dismiss(actor=cr.personas.district_a, report=report, reason="重复举报")
    report = CitizenReport.objects.select_related("district").get(pk=report.pk)
    assert phone_visible(cr.personas.district_a, report)
    assert not phone_visible(cr.inspector_a, report)  # same district, but not who triaged
    assert PHONE not in login(cr.inspector_a).get(f"/citizen-reports/{report.pk}/").content.decode()
    assert login(cr.inspector_a).get(f"/api/citizen-reports/reports/{report.pk}/").json()["reporter_phone"] is None
    assert PHONE in login(cr.personas.district_a).get(f"/citizen-reports/{report.pk}/").content.decode()


def test_the_other_districts_official_neither_reads_nor_triages(cr: CR) -> None:
    report = cr.submit()
    other = cr.submit(point=IN_B)
    assert not may_triage(cr.personas.district_b, report) and not phone_visible(cr.personas.district_b, report)
    assert may_triage(cr.personas.district_b, other)

"""Who sees which report (issue 17 §2-3): district A's people the reports located in district A,
district B's those in B, city officials all (reading), nobody else any; the reporter's phone only
for those who may triage the report: not in lists, the export, the API for others, nor the audit
trail (masked for everybody)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from safecity.citizenreports.models import CitizenReport
from safecity.citizenreports.selectors import phone_visible, report_list
from safecity.core.models import AuditEntry

from .conftest import CR, IN_B

pytestmark = pytest.mark.django_db

PHONE = "13912345678"


def login(user: Any, lang: str = "en") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=lang)
    client.force_login(user)
    return client


@pytest.fixture
def two(cr: CR) -> tuple[CitizenReport, CitizenReport]:
    return cr.submit(), cr.submit(point=IN_B, phone="13800001111")


def test_each_persona_sees_what_it_must_and_nothing_else(cr: CR, two: tuple[CitizenReport, CitizenReport]) -> None:
    a, b = two
    p = cr.personas
    expected = {
        "city_admin": {a.pk, b.pk},
        "city_official": {a.pk, b.pk},
        "district_a": {a.pk},
        "district_b": {b.pk},
        "enterprise_user": set(),
        "expert": set(),
        "outsider": set(),
    }
    for name, user in p.all().items():
        assert set(report_list(user=user).values_list("pk", flat=True)) == expected[name], name
    assert set(report_list(user=cr.inspector_a).values_list("pk", flat=True)) == {a.pk}


def test_the_phone_is_for_the_triaging_district_only(cr: CR, two: tuple[CitizenReport, CitizenReport]) -> None:
    a, b = two
    p = cr.personas
    assert phone_visible(p.district_a, a) and phone_visible(cr.inspector_a, a)
    assert not phone_visible(p.district_a, b) and phone_visible(p.district_b, b)
    assert not phone_visible(p.city_official, a) and not phone_visible(p.city_admin, a)
    # pages: the detail shows it to district A only; the list and the export to nobody
    assert PHONE in login(p.district_a).get(f"/citizen-reports/{a.pk}/").content.decode()
    assert PHONE in login(cr.inspector_a).get(f"/citizen-reports/{a.pk}/").content.decode()
    official = login(p.city_official)
    page = official.get(f"/citizen-reports/{a.pk}/")
    assert page.status_code == 200 and PHONE not in page.content.decode()
    for user in (p.district_a, p.city_official):
        client = login(user)
        assert PHONE not in client.get("/citizen-reports/queue/").content.decode()
        export = client.get("/citizen-reports/queue/?export=xlsx")
        assert export.status_code == 200 and PHONE.encode() not in export.content
    # the API: the detail for district A; never in the list; not for the city official
    api = login(p.district_a)
    assert api.get(f"/api/citizen-reports/reports/{a.pk}/").json()["reporter_phone"] == PHONE
    assert PHONE not in api.get("/api/citizen-reports/reports/").content.decode()
    assert official.get(f"/api/citizen-reports/reports/{a.pk}/").json()["reporter_phone"] is None
    assert login(p.district_b).get(f"/api/citizen-reports/reports/{a.pk}/").status_code == 404


def test_the_phone_is_masked_in_the_audit_trail(cr: CR, two: tuple[CitizenReport, CitizenReport]) -> None:
    a, _b = two
    entries = AuditEntry.objects.filter(content_type__app_label="citizenreports", object_id=str(a.pk))
    assert entries.exists()
    assert PHONE not in json.dumps([e.after for e in entries], ensure_ascii=False)
    for user in (cr.personas.district_a, cr.personas.city_official, cr.personas.city_admin):
        client = login(user)
        history = client.get(f"/audit/citizenreports.citizenreport/{a.pk}/")
        assert history.status_code == 200 and PHONE not in history.content.decode()
        listed = client.get("/api/audit/?object_type=citizenreports.citizenreport")
        assert PHONE not in listed.content.decode()
    assert "reporter_phone" in login(cr.personas.city_admin).get("/api/audit/").content.decode()


def test_others_reach_no_report_page(cr: CR, two: tuple[CitizenReport, CitizenReport]) -> None:
    a, _b = two
    p = cr.personas
    assert login(p.district_b).get(f"/citizen-reports/{a.pk}/").status_code == 404
    for user in (p.enterprise_user, p.expert, p.outsider):
        client = login(user)
        assert client.get("/citizen-reports/queue/").status_code == 403
        assert client.get(f"/citizen-reports/{a.pk}/").status_code == 403
        assert client.get("/api/citizen-reports/reports/").json()["results"] == []
    assert Client().get("/citizen-reports/queue/").status_code == 302

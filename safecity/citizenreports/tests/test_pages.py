"""The pages (issue 17 §1, §3): the public report without login end to end (form, a refusal in
words with nothing written, the receipt, the status by receipt code), the triage queue with its
filters, a report's page with its map and photos, the triage forms; Chinese by default."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from safecity.citizenreports.choices import ReportState
from safecity.citizenreports.models import CitizenReport, ReportPhoto
from safecity.hazards.models import HiddenHazard

from .conftest import CR, IN_A, IN_B, NANJING, gps_jpeg, not_an_image, stored_files

pytestmark = pytest.mark.django_db


def login(user: Any, lang: str = "en") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=lang)
    client.force_login(user)
    return client


def form(point: tuple[str, str] = IN_A, **extra: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "latitude": point[0],
        "longitude": point[1],
        "description": "小区楼道里有人给电动车充电",
        "place": "3 幢 2 单元",
        "phone": "13912345678",
    }
    data.update(extra)
    return data


def test_the_public_report_end_to_end_without_login(cr: CR) -> None:
    citizen = Client(HTTP_ACCEPT_LANGUAGE="en")
    page = citizen.get("/citizen-reports/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Report a hazard" in html and 'id="report-map"' in html and "district-outlines" in html
    sent = citizen.post("/citizen-reports/", form(photos=[gps_jpeg(), gps_jpeg()]))
    assert sent.status_code == 302
    report = CitizenReport.objects.get()
    assert sent["Location"] == f"/citizen-reports/receipt/{report.receipt_code}/"
    assert report.district == cr.city.district_a and report.photos.count() == 2
    assert report.address_digest  # the rate limit counts this sender
    receipt = citizen.get(sent["Location"]).content.decode()
    assert report.receipt_display in receipt and "新北区" in receipt and "Awaiting triage" in receipt
    assert "13912345678" not in receipt
    # following it later by its code, typed with lower case and spaces
    found = citizen.get("/citizen-reports/status/", {"code": report.receipt_display.lower().replace("-", " ")})
    assert found.status_code == 302 and found["Location"].endswith(f"/receipt/{report.receipt_code}/")
    assert citizen.get("/citizen-reports/receipt/NOSUCHCODE/").status_code == 404


def test_a_refused_report_says_why_and_writes_nothing(cr: CR) -> None:
    citizen = Client(HTTP_ACCEPT_LANGUAGE="en")
    page = citizen.post("/citizen-reports/", form(point=("", ""), description="", photos=[not_an_image()]))
    assert page.status_code == 400
    html = page.content.decode()
    assert "Choose where the hazard is" in html and "Describe what you saw." in html
    not_a_photo = citizen.post("/citizen-reports/", form(photos=[not_an_image()]))
    assert "“invoice.jpg” is not a photo" in not_a_photo.content.decode()
    outside = citizen.post("/citizen-reports/", form(point=NANJING))
    assert "outside 常州市" in outside.content.decode()
    assert not CitizenReport.objects.exists() and not ReportPhoto.objects.exists()
    assert stored_files(cr.media) == []


def test_the_public_pages_in_chinese(cr: CR) -> None:
    citizen = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    html = citizen.get("/citizen-reports/").content.decode()
    assert '<html lang="zh-hans">' in html and "市域公共安全体系" in html
    assert citizen.post("/citizen-reports/", form(description="")).status_code == 400


def test_the_rate_limit_on_the_page(cr: CR, settings: Any) -> None:
    settings.SAFECITY_CITIZENREPORT_RATE_PER_HOUR = 1
    citizen = Client(HTTP_ACCEPT_LANGUAGE="en", REMOTE_ADDR="203.0.113.9")
    assert citizen.post("/citizen-reports/", form()).status_code == 302
    again = citizen.post("/citizen-reports/", form())
    assert again.status_code == 429 and "Too many reports" in again.content.decode()
    assert Client(REMOTE_ADDR="198.51.100.1").post("/citizen-reports/", form()).status_code == 302


def test_the_triage_queue_filters(cr: CR) -> None:
    a = cr.submit(description="甲区的举报")
    cr.submit(point=IN_B, description="乙区的举报")
    official = login(cr.personas.city_official)
    html = official.get("/citizen-reports/queue/").content.decode()
    assert "甲区的举报" in html and "乙区的举报" in html
    only_b = official.get("/citizen-reports/queue/", {"district": "320412"}).content.decode()
    assert "乙区的举报" in only_b and "甲区的举报" not in only_b
    cr_dismissed = official.get("/citizen-reports/queue/", {"state": ReportState.DISMISSED}).content.decode()
    assert "甲区的举报" not in cr_dismissed
    mine = login(cr.personas.district_a).get("/citizen-reports/queue/").content.decode()
    assert "甲区的举报" in mine and "乙区的举报" not in mine
    assert f"/citizen-reports/{a.pk}/" in mine


def test_the_report_page_and_its_triage(cr: CR) -> None:
    report = cr.submit()
    official = login(cr.personas.district_a)
    html = official.get(f"/citizen-reports/{report.pk}/").content.decode()
    assert 'id="report-point-map"' in html and "report-point" in html
    photo = report.photos.get()
    assert f"/citizen-reports/{report.pk}/photos/{photo.pk}/" in html
    assert 'data-testid="hazard-form"' in html and 'data-testid="dismiss-form"' in html
    served = official.get(f"/citizen-reports/{report.pk}/photos/{photo.pk}/")
    assert served.status_code == 200 and served["Content-Type"] == "image/jpeg"
    assert login(cr.personas.district_b).get(f"/citizen-reports/{report.pk}/photos/{photo.pk}/").status_code == 404
    assert Client().get(f"/citizen-reports/{report.pk}/photos/{photo.pk}/").status_code == 302
    # the city official reads, without the triage forms
    city_html = login(cr.personas.city_official).get(f"/citizen-reports/{report.pk}/").content.decode()
    assert 'data-testid="dismiss-form"' not in city_html
    assert login(cr.personas.city_official).post(f"/citizen-reports/{report.pk}/dismiss/", {"reason": "x"}).status_code == 403
    # a refusal stays on the page, in words
    empty = official.post(f"/citizen-reports/{report.pk}/dismiss/", {"reason": ""})
    assert empty.status_code == 400 and "This field is required." in empty.content.decode()
    done = official.post(
        f"/citizen-reports/{report.pk}/hazard/",
        {"organisation": cr.city.enterprise_a.pk, "hazard_type": 5, "level": 0, "description": "楼道充电"},
    )
    assert done.status_code == 302
    report.refresh_from_db()
    assert report.state == ReportState.HAZARD and HiddenHazard.objects.get().organisation == cr.city.enterprise_a
    after = official.get(f"/citizen-reports/{report.pk}/").content.decode()
    assert 'data-testid="hazard-form"' not in after and "Recorded as a hidden hazard" in after
    twice = official.post(f"/citizen-reports/{report.pk}/dismiss/", {"reason": "x"})
    assert twice.status_code == 302 and CitizenReport.objects.get().state == ReportState.HAZARD


def test_merge_page(cr: CR) -> None:
    from safecity.hazards.services import hazard_report

    hazard = hazard_report(actor=cr.personas.district_a, organisation=cr.city.enterprise_a, description="已知隐患", hazard_type=5)
    report = cr.submit()
    official = login(cr.personas.district_a)
    assert "已知隐患" in official.get(f"/citizen-reports/{report.pk}/").content.decode()
    assert official.post(f"/citizen-reports/{report.pk}/merge/", {"hazard": hazard.pk}).status_code == 302
    report.refresh_from_db()
    assert report.state == ReportState.MERGED and report.hazard == hazard

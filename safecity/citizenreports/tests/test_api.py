"""The API (issue 17 §3): the public submit and status without an account (a refusal in the one
error format, 429 past the rate limit), the officials' queue with its filters, a report's detail,
the triage steps (409 when already triaged, 403 for a reader, 404 out of reach); query counts
that do not grow with the rows."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from safecity.citizenreports.choices import ReportState
from safecity.citizenreports.models import CitizenReport

from .conftest import CR, IN_A, IN_B, NANJING, gps_jpeg, not_an_image

pytestmark = pytest.mark.django_db


def login(user: Any) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def test_public_submit_and_status(cr: CR) -> None:
    citizen = Client(HTTP_ACCEPT_LANGUAGE="en")
    made = citizen.post(
        "/api/citizen-reports/submit/",
        {"latitude": IN_A[0], "longitude": IN_A[1], "description": "燃气味很重", "photos": [gps_jpeg()]},
    )
    assert made.status_code == 201, made.content
    receipt = made.json()["receipt"]
    report = CitizenReport.objects.get()
    assert receipt == report.receipt_display and report.photos.count() == 1
    status = citizen.get(f"/api/citizen-reports/status/{receipt}/").json()
    assert status["district"] == "新北区" and status["state_label"] == "Awaiting triage"
    assert "phone" not in str(status) and "id" not in status
    assert citizen.get("/api/citizen-reports/status/NOPE/").status_code == 404


def test_public_submit_refusals(cr: CR, settings: Any) -> None:
    citizen = Client(HTTP_ACCEPT_LANGUAGE="en", REMOTE_ADDR="203.0.113.20")
    bad = citizen.post(
        "/api/citizen-reports/submit/",
        {"latitude": NANJING[0], "longitude": NANJING[1], "description": "", "photos": [not_an_image()]},
    )
    assert bad.status_code == 400
    body = bad.json()
    # the cheap fields are refused first: the photo is not even decoded
    assert body["code"] == "invalid" and set(body["fields"]) == {"location", "description"}
    assert not CitizenReport.objects.exists()
    settings.SAFECITY_CITIZENREPORT_RATE_PER_HOUR = 2  # attempts: the refused one above counts
    ok = {"latitude": IN_A[0], "longitude": IN_A[1], "description": "x"}
    assert citizen.post("/api/citizen-reports/submit/", ok).status_code == 201
    limited = citizen.post("/api/citizen-reports/submit/", ok)
    assert limited.status_code == 429 and limited.json()["code"] == "rate_limited"
    assert "Too many reports" in limited.json()["message"]


def test_the_queue_and_the_triage_steps(cr: CR) -> None:
    a = cr.submit()
    b = cr.submit(point=IN_B)
    official = login(cr.personas.district_a)
    rows = official.get("/api/citizen-reports/reports/").json()["results"]
    assert [r["id"] for r in rows] == [a.pk] and "reporter_phone" not in rows[0]
    city = login(cr.personas.city_official)
    assert {r["id"] for r in city.get("/api/citizen-reports/reports/").json()["results"]} == {a.pk, b.pk}
    assert [r["id"] for r in city.get("/api/citizen-reports/reports/?district=320412").json()["results"]] == [b.pk]
    assert city.post(f"/api/citizen-reports/reports/{a.pk}/dismiss/", {"reason": "x"}).status_code == 403
    assert official.post(f"/api/citizen-reports/reports/{b.pk}/dismiss/", {"reason": "x"}).status_code == 404
    missing = official.post(f"/api/citizen-reports/reports/{a.pk}/dismiss/", {})
    assert missing.status_code == 400 and "reason" in missing.json()["fields"]
    done = official.post(
        f"/api/citizen-reports/reports/{a.pk}/hazard/", {"organisation": cr.city.enterprise_a.pk, "hazard_type": 5}
    )
    assert done.status_code == 200, done.content
    detail = done.json()
    assert detail["state"] == ReportState.HAZARD and detail["hazard"] and len(detail["photos"]) == 1
    assert [e["action"] for e in detail["events"]] == ["submit", "hazard"]
    again = official.post(f"/api/citizen-reports/reports/{a.pk}/dismiss/", {"reason": "x"})
    assert again.status_code == 409 and again.json()["code"] == "transition_not_allowed"
    assert Client().get("/api/citizen-reports/reports/").status_code in (401, 403)


def test_list_queries_do_not_grow(cr: CR) -> None:
    cr.submit(photos=[])
    official = login(cr.personas.district_a)
    with CaptureQueriesContext(connection) as few:
        assert official.get("/api/citizen-reports/reports/").status_code == 200
    with CaptureQueriesContext(connection) as few_page:
        assert official.get("/citizen-reports/queue/").status_code == 200
    for _ in range(5):
        cr.submit(photos=[])
    with CaptureQueriesContext(connection) as many:
        official.get("/api/citizen-reports/reports/")
    with CaptureQueriesContext(connection) as many_page:
        official.get("/citizen-reports/queue/")
    assert len(many) == len(few) and len(many_page) == len(few_page)

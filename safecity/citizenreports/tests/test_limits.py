"""The open form's defences (review of issue 17 §2): a body larger than every photo at its largest
is refused from its declared length before anything reads it (page 413 in words, API 413 in the
one error format); the cheap fields are checked before any photo is decoded; every attempt from
an address counts towards its rate limit, not only the reports saved; a JPEG's comment does not
survive the cleaning."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http.request import HttpRequest
from django.test import Client
from PIL import Image

from safecity.citizenreports.models import CitizenReport, SubmitAttempt
from safecity.citizenreports.photos import photo_clean
from safecity.citizenreports.services import submit
from safecity.citizenreports.services.common import CitizenReportError

from .conftest import CR, IN_A, NANJING, gps_jpeg

pytestmark = pytest.mark.django_db


def big_upload(size: int) -> SimpleUploadedFile:
    return SimpleUploadedFile("big.jpg", b"\xff" * size, content_type="image/jpeg")


@pytest.fixture
def small_limits(settings: Any) -> int:
    settings.SAFECITY_CITIZENREPORT_MAX_PHOTOS = 1
    settings.SAFECITY_CITIZENREPORT_PHOTO_MAX_BYTES = 1024
    return 1024 + 256 * 1024


@pytest.fixture
def body_unread(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any read of the form's fields or files fails the test."""

    def boom(self: HttpRequest) -> None:
        raise AssertionError("the body was read")

    monkeypatch.setattr(HttpRequest, "_load_post_and_files", boom)


def test_the_page_refuses_an_oversized_body_before_reading_it(cr: CR, small_limits: int, body_unread: None) -> None:
    # CSRF enforced as in production: its middleware would read the body for the form's token.
    citizen = Client(HTTP_ACCEPT_LANGUAGE="en", REMOTE_ADDR="203.0.113.30", enforce_csrf_checks=True)
    data = {"latitude": IN_A[0], "longitude": IN_A[1], "description": "x", "photos": [big_upload(small_limits)]}
    page = citizen.post("/citizen-reports/", data)
    assert page.status_code == 413
    assert "too large to receive" in page.content.decode()
    assert not CitizenReport.objects.exists()


def test_the_api_refuses_an_oversized_body_before_reading_it(cr: CR, small_limits: int, body_unread: None) -> None:
    citizen = Client(HTTP_ACCEPT_LANGUAGE="en", REMOTE_ADDR="203.0.113.31")
    data = {"latitude": IN_A[0], "longitude": IN_A[1], "description": "x", "photos": [big_upload(small_limits)]}
    answer = citizen.post("/api/citizen-reports/submit/", data)
    assert answer.status_code == 413
    body = answer.json()
    assert body["code"] == "too_large" and "too large to receive" in body["message"] and body["fields"] == {}
    assert not CitizenReport.objects.exists()


def test_a_body_within_the_limit_is_read_and_the_csrf_check_still_holds(cr: CR, small_limits: int) -> None:
    data = {"latitude": IN_A[0], "longitude": IN_A[1], "description": "楼道堆放杂物"}
    assert Client(enforce_csrf_checks=True).post("/citizen-reports/", data).status_code == 403
    assert Client(REMOTE_ADDR="203.0.113.32").post("/citizen-reports/", data).status_code == 302
    assert CitizenReport.objects.count() == 1


def test_no_photo_is_decoded_when_the_cheap_fields_are_refused(cr: CR, monkeypatch: pytest.MonkeyPatch) -> None:
    decoded: list[str] = []

    def counting(file: Any, *, name: str = "") -> Any:
        decoded.append(name)
        return photo_clean(file, name=name)

    monkeypatch.setattr(submit, "photo_clean", counting)
    for point, description in ((NANJING, "x"), (IN_A, "   "), (("", ""), "x")):
        with pytest.raises(CitizenReportError):
            cr.submit(point=point, description=description, photos=[gps_jpeg(), gps_jpeg()])
    with pytest.raises(CitizenReportError):
        cr.submit(phone="12", photos=[gps_jpeg()])
    assert decoded == []
    cr.submit(photos=[gps_jpeg()])
    assert decoded == ["scene.jpg"]


def test_refused_attempts_count_towards_the_rate_limit(cr: CR, settings: Any) -> None:
    settings.SAFECITY_CITIZENREPORT_RATE_PER_HOUR = 3
    address = "203.0.113.40"
    for _ in range(3):
        with pytest.raises(CitizenReportError) as caught:
            cr.submit(point=NANJING, address=address, photos=[])
        assert caught.value.error_code == "invalid"
    with pytest.raises(CitizenReportError) as caught:
        cr.submit(address=address, photos=[])  # a good report, but the address has used its hour
    assert caught.value.error_code == "rate_limited"
    assert not CitizenReport.objects.exists()
    # one row for the address and hour, counted up, holding a digest and not the address
    row = SubmitAttempt.objects.get()
    assert row.count == 4 and address not in row.address_digest
    cr.submit(address="198.51.100.40", photos=[])


def test_the_page_counts_refused_attempts_too(cr: CR, settings: Any) -> None:
    settings.SAFECITY_CITIZENREPORT_RATE_PER_HOUR = 1
    citizen = Client(HTTP_ACCEPT_LANGUAGE="en", REMOTE_ADDR="203.0.113.41")
    outside = {"latitude": NANJING[0], "longitude": NANJING[1], "description": "x"}
    assert citizen.post("/citizen-reports/", outside).status_code == 400
    good = {"latitude": IN_A[0], "longitude": IN_A[1], "description": "x"}
    limited = citizen.post("/citizen-reports/", good)
    assert limited.status_code == 429 and "Too many reports" in limited.content.decode()


def test_a_jpeg_comment_is_not_stored(cr: CR) -> None:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (10, 20, 30)).save(out, "JPEG", comment=b"SECRET-MARKER")
    assert b"SECRET-MARKER" in out.getvalue()
    upload = SimpleUploadedFile("c.jpg", out.getvalue(), content_type="image/jpeg")
    report = cr.submit(photos=[upload])
    with report.photos.get().file.open("rb") as handle:
        stored = handle.read()
    assert b"SECRET-MARKER" not in stored
    assert "comment" not in Image.open(io.BytesIO(stored)).info

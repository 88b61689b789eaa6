"""The public report's rules (issue 17 §1-2): a point in the city placed in its district, a
description, real images re-encoded without EXIF, limits on photos, a phone that is a phone, the
rate limit per address; and a refused report leaves nothing behind (no row, no file)."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from safecity.citizenreports.choices import ReportState
from safecity.citizenreports.models import CitizenReport, ReportEvent, ReportPhoto
from safecity.citizenreports.services.common import CitizenReportError

from .conftest import CR, IN_B, NANJING, gps_jpeg, not_an_image, png, stored_files

pytestmark = pytest.mark.django_db


def refused(cr: CR, **values: Any) -> dict[str, list[str]]:
    with pytest.raises(CitizenReportError) as caught:
        cr.submit(**values)
    assert not CitizenReport.objects.exists() and not ReportPhoto.objects.exists() and not ReportEvent.objects.exists()
    assert stored_files(cr.media) == []
    return caught.value.message_dict


def test_a_report_is_placed_in_the_district_of_its_point(cr: CR) -> None:
    a = cr.submit()
    b = cr.submit(point=IN_B, photos=[])
    assert a.district == cr.city.district_a and b.district == cr.city.district_b
    assert a.state == ReportState.RECEIVED and len(a.receipt_code) == 12
    assert a.events.get().action == "submit"
    assert a.reporter_phone == "13912345678"


def test_the_photo_is_stored_without_its_exif(cr: CR) -> None:
    upload = gps_jpeg()
    assert Image.open(io.BytesIO(upload.read())).getexif().get(0x8825)  # the original has GPS
    upload.seek(0)
    report = cr.submit(photos=[upload, png()])
    photos = list(report.photos.order_by("position"))
    assert len(photos) == 2
    for photo in photos:
        with photo.file.open("rb") as handle:
            data = handle.read()
        image = Image.open(io.BytesIO(data))
        assert image.format == "JPEG"
        exif = image.getexif()
        assert len(exif) == 0 and 0x8825 not in exif and 0x010F not in exif
        assert b"Exif" not in data[:200] and b"PhoneMaker" not in data
        assert photo.file.name.endswith(".jpg") and "scene" not in photo.file.name
    assert photos[0].width == 64 and photos[0].height == 48


def test_a_large_photo_is_scaled_down(cr: CR, settings: Any) -> None:
    settings.SAFECITY_CITIZENREPORT_PHOTO_MAX_SIDE = 32
    report = cr.submit(photos=[gps_jpeg(size=(128, 64))])
    photo = report.photos.get()
    assert (photo.width, photo.height) == (32, 16)


def test_a_report_without_a_location_is_refused(cr: CR) -> None:
    errors = refused(cr, point=("", ""))
    assert "Choose where the hazard is" in errors["location"][0]


def test_a_location_outside_the_city_is_refused(cr: CR) -> None:
    errors = refused(cr, point=NANJING)
    assert "outside 常州市" in errors["location"][0]


def test_an_empty_description_is_refused(cr: CR) -> None:
    errors = refused(cr, description="   ")
    assert errors["description"] == ["Describe what you saw."]


def test_a_file_that_is_not_an_image_is_refused_in_words(cr: CR) -> None:
    errors = refused(cr, photos=[gps_jpeg(), not_an_image()])
    assert errors["photos"] == ["“invoice.jpg” is not a photo: send JPEG, PNG or WebP pictures."]


def test_too_many_photos_are_refused(cr: CR, settings: Any) -> None:
    settings.SAFECITY_CITIZENREPORT_MAX_PHOTOS = 2
    errors = refused(cr, photos=[gps_jpeg(), gps_jpeg(), gps_jpeg()])
    assert errors["photos"] == ["Send at most 2 photos."]


def test_a_too_large_photo_is_refused(cr: CR, settings: Any) -> None:
    settings.SAFECITY_CITIZENREPORT_PHOTO_MAX_BYTES = 100
    errors = refused(cr)
    assert "is larger than" in errors["photos"][0]


def test_a_phone_that_is_not_a_phone_is_refused(cr: CR) -> None:
    errors = refused(cr, phone="12345")
    assert "mobile number" in errors["phone"][0]
    assert cr.submit(phone="139 1234-5678").reporter_phone == "13912345678"


def test_several_problems_are_said_at_once(cr: CR) -> None:
    errors = refused(cr, point=NANJING, description="", phone="12")
    assert set(errors) == {"location", "description", "phone"}


def test_a_failure_while_storing_photos_leaves_no_file(cr: CR, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = {"n": 0}
    original = ReportPhoto.save

    def failing(self: ReportPhoto, *args: Any, **kwargs: Any) -> None:
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("disk full")
        original(self, *args, **kwargs)

    monkeypatch.setattr(ReportPhoto, "save", failing)
    with pytest.raises(RuntimeError):
        cr.submit(photos=[gps_jpeg(), gps_jpeg()])
    assert not CitizenReport.objects.exists()
    assert stored_files(cr.media) == []


def test_the_rate_limit_per_address(cr: CR, settings: Any) -> None:
    settings.SAFECITY_CITIZENREPORT_RATE_PER_HOUR = 2
    settings.SAFECITY_CITIZENREPORT_RATE_PER_DAY = 4  # attempts: the refused third counts too
    for _ in range(2):
        cr.submit(address="203.0.113.5", photos=[])
    with pytest.raises(CitizenReportError) as caught:
        cr.submit(address="203.0.113.5", photos=[])
    assert caught.value.error_code == "rate_limited" and "Too many reports" in caught.value.messages[0]
    # another address is not held back; an hour later the first may send again, up to its day's limit
    cr.submit(address="198.51.100.7", photos=[])
    later = timezone.now() + timedelta(hours=1, minutes=1)
    cr.submit(address="203.0.113.5", photos=[], at=later)
    with pytest.raises(CitizenReportError):
        cr.submit(address="203.0.113.5", photos=[], at=later + timedelta(hours=2))
    # the address itself is not stored, only its keyed digest
    assert not CitizenReport.objects.filter(address_digest__contains="203.0.113.5").exists()
    assert CitizenReport.objects.exclude(address_digest="").count() == 4


def test_a_truncated_image_is_refused(cr: CR) -> None:
    data = gps_jpeg().read()
    broken = SimpleUploadedFile("half.jpg", data[: len(data) // 3], content_type="image/jpeg")
    errors = refused(cr, photos=[broken])
    assert "is not a photo" in errors["photos"][0]

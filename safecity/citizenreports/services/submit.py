"""The public report (issue 17 §1-2): anyone, without an account, reports a hazard.

Rules, all checked before anything is written, all refused in words:

- a point (latitude, longitude) that lies in one of the city's districts (``geo.py``): the report
  belongs to that district, whose people triage it;
- a description (not empty, at most ``SAFECITY_CITIZENREPORT_DESCRIPTION_MAX`` characters);
- at most ``SAFECITY_CITIZENREPORT_MAX_PHOTOS`` photos, each at most
  ``SAFECITY_CITIZENREPORT_PHOTO_MAX_BYTES``, each a real image (decoded, re-encoded without EXIF);
- an optional phone for feedback: a mainland mobile or landline number;
- at most ``SAFECITY_CITIZENREPORT_RATE_PER_HOUR`` / ``_PER_DAY`` attempts from one address (counted
  whether or not the report is then accepted).

The cheap fields are checked first, the photos decoded and cleaned in memory only then; the rows and files are written in one transaction, and a
failure after a file was stored removes the files stored (no orphan photo on the disk).
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from safecity.citizenreports import rules
from safecity.citizenreports.choices import ReportAction, ReportState
from safecity.citizenreports.geo import city_name, district_at
from safecity.citizenreports.models import CitizenReport, ReportPhoto, SubmitAttempt, receipt_code_new
from safecity.citizenreports.photos import CleanPhoto, photo_clean
from safecity.citizenreports.services.common import CitizenReportError, now_or, record
from safecity.core.models import Region

PHONE = re.compile(r"^(?:(?:\+?86)?1[3-9]\d{9}|0\d{9,11})$")


def address_digest(address: str | None) -> str:
    """A keyed digest of the sender's address: enough to count its reports, not to recover it."""
    if not address:
        return ""
    return hmac.new(settings.SECRET_KEY.encode(), address.encode(), hashlib.sha256).hexdigest()[:40]


def phone_normalise(phone: str) -> str:
    return re.sub(r"[\s\-()]", "", phone or "")


def _point(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        number = Decimal(str(value)).quantize(Decimal("0.000001"))
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def attempt_count(digest: str, *, at: datetime) -> tuple[int, int]:
    """Count one more attempt of ``digest`` in the hour of ``at`` and answer (attempts this hour,
    attempts in the last 24 hours), this one included. Its own transaction (a savepoint inside a
    caller's): the count stays when the report is then refused. The increment is one
    ``UPDATE … SET count = count + 1`` (atomic on PostgreSQL and SQLite); the first attempt of an
    hour creates the row, and a concurrent first attempt that lost the race to create it counts by
    the update instead."""
    hour = at.replace(minute=0, second=0, microsecond=0)
    rows = SubmitAttempt.objects.filter(address_digest=digest, hour=hour)
    with transaction.atomic():
        if not rows.update(count=F("count") + 1):
            try:
                with transaction.atomic():
                    SubmitAttempt.objects.create(address_digest=digest, hour=hour, count=1)
            except IntegrityError:
                rows.update(count=F("count") + 1)
            # Rows older than a day no longer count: drop them when an hour starts.
            SubmitAttempt.objects.filter(hour__lt=at - timedelta(days=2)).delete()
        this_hour = rows.values_list("count", flat=True).first() or 0
        today = SubmitAttempt.objects.filter(address_digest=digest, hour__gt=at - timedelta(days=1)).aggregate(n=Sum("count"))[
            "n"
        ]
    return int(this_hour), int(today or 0)


def rate_limit_check(digest: str, *, at: datetime) -> None:
    """Count this attempt of the address and refuse it (429) when the address tried more than
    ``rate_per_hour`` times this hour or ``rate_per_day`` times in the last 24 hours: attempts, not
    saved reports, so a stream of refused or oversized reports is limited too."""
    if not digest:
        return
    this_hour, today = attempt_count(digest, at=at)
    if this_hour > rules.rate_per_hour() or today > rules.rate_per_day():
        raise CitizenReportError(
            _("Too many reports were sent from your connection. Please try again later, or call %(hotline)s.")
            % {"hotline": rules.hotline()},
            code="rate_limited",
        )


def _photos_clean(photos: Sequence[Any], errors: dict[str, list[str]]) -> list[CleanPhoto]:
    files = [p for p in photos if p]
    limit = rules.max_photos()
    if len(files) > limit:
        errors.setdefault("photos", []).append(
            ngettext("Send at most %(count)d photo.", "Send at most %(count)d photos.", limit) % {"count": limit}
        )
        return []
    cleaned = []
    max_bytes = rules.photo_max_bytes()
    for file in files:
        name = str(getattr(file, "name", "") or "")[:80]
        size = getattr(file, "size", None)
        if size is None or size > max_bytes:
            errors.setdefault("photos", []).append(
                _("“%(name)s” is larger than %(mb)s MB.") % {"name": name, "mb": round(max_bytes / (1024 * 1024), 1)}
            )
            continue
        try:
            cleaned.append(photo_clean(file, name=name))
        except ValidationError as error:
            errors.setdefault("photos", []).extend(error.messages)
    return cleaned


def report_submit(
    *,
    latitude: Any,
    longitude: Any,
    description: str,
    photos: Sequence[Any] = (),
    phone: str = "",
    place: str = "",
    address: str | None = None,
    at: datetime | None = None,
    code_source: Callable[[], str] = receipt_code_new,
) -> CitizenReport:
    """Record a citizen's report (no account: there is no actor). ``address``: the sender's IP
    address, for the rate limit (None for the platform's own imports and the demo); ``at`` and
    ``code_source``: the demo's past and its deterministic receipts only.

    Order: the attempt is counted (and refused over the limit), then the cheap fields are checked,
    and only a report whose point, description and phone are right has its photos decoded: a
    refused request never costs an image decode. The rows and files are written in one
    transaction."""
    when = now_or(at)
    digest = address_digest(address)
    rate_limit_check(digest, at=when)
    errors: dict[str, list[str]] = {}
    lat, lon = _point(latitude), _point(longitude)
    district: Region | None = None
    if lat is None or lon is None:
        errors["location"] = [_("Choose where the hazard is: tap the map or use your location.")]
    else:
        district = district_at(lat, lon)
        if district is None:
            errors["location"] = [
                _("This place is outside %(city)s: only hazards within the city can be reported here.") % {"city": city_name()}
            ]
    description = (description or "").strip()
    if not description:
        errors["description"] = [_("Describe what you saw.")]
    elif len(description) > rules.description_max():
        errors["description"] = [_("Keep the description under %(count)d characters.") % {"count": rules.description_max()}]
    phone = phone_normalise(phone)
    if phone and not PHONE.match(phone):
        errors["phone"] = [_("Enter a mobile number (11 digits) or a landline with its area code.")]
    if errors:
        raise CitizenReportError(errors)
    cleaned = _photos_clean(photos, errors)
    if errors:
        raise CitizenReportError(errors)
    assert district is not None and lat is not None and lon is not None
    with transaction.atomic():
        return _report_write(
            district=district,
            lat=lat,
            lon=lon,
            place=place,
            description=description,
            phone=phone,
            when=when,
            digest=digest,
            cleaned=cleaned,
            code_source=code_source,
        )


def _report_write(
    *,
    district: Region,
    lat: Decimal,
    lon: Decimal,
    place: str,
    description: str,
    phone: str,
    when: datetime,
    digest: str,
    cleaned: Sequence[CleanPhoto],
    code_source: Callable[[], str],
) -> CitizenReport:
    report = CitizenReport(
        receipt_code=_unique_code(code_source),
        district=district,
        latitude=lat,
        longitude=lon,
        place=(place or "").strip()[:200],
        description=description,
        reporter_phone=phone,
        submitted_at=when,
        address_digest=digest,
        state=ReportState.RECEIVED,
    )
    report.full_clean(exclude=["receipt_code", "address_digest"])
    report.save()
    record(report, action=ReportAction.SUBMIT, source="", actor=None, at=when)
    _photos_store(report, cleaned)
    return report


def _unique_code(code_source: Callable[[], str]) -> str:
    for _attempt in range(10):
        code = code_source()
        if not CitizenReport.objects.filter(receipt_code=code).exists():
            return code
    raise RuntimeError("no free receipt code")  # 60 bits: never in practice


def _photos_store(report: CitizenReport, cleaned: Sequence[CleanPhoto]) -> None:
    """Store the cleaned photos; if anything fails, delete the files already stored (the rows go
    with the transaction) and re-raise."""
    stored: list[ReportPhoto] = []
    try:
        for position, photo in enumerate(cleaned):
            row = ReportPhoto(report=report, width=photo.width, height=photo.height, size=len(photo.content), position=position)
            row.file.save("photo.jpg", ContentFile(photo.content), save=False)
            stored.append(row)
            row.save()
    except BaseException:
        for row in stored:
            row.file.delete(save=False)
        raise
    # The photos are the transaction's last write, so only the commit itself could still fail
    # after them; a caller that wraps this in a larger transaction takes that on.

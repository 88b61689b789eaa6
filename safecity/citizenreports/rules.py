"""The limits of the public report (issue 17 §2), each configurable in settings; the defaults are
the rule. Read with ``getattr`` so a deployment sets only what it changes.

- ``SAFECITY_CITIZENREPORT_MAX_PHOTOS``: photos per report (default 4).
- ``SAFECITY_CITIZENREPORT_PHOTO_MAX_BYTES``: bytes per uploaded photo (default 8 MB).
- ``SAFECITY_CITIZENREPORT_PHOTO_MAX_SIDE``: the longer side of a stored photo, in pixels (1600).
- ``SAFECITY_CITIZENREPORT_PHOTO_MAX_PIXELS``: an upload with more pixels is refused (40 million):
  a small file that decodes into a huge image must not exhaust the server.
- ``SAFECITY_CITIZENREPORT_RATE_PER_HOUR`` / ``_PER_DAY``: reports accepted from one address
  (default 5 an hour, 20 a day).
- ``SAFECITY_CITIZENREPORT_DESCRIPTION_MAX``: characters of a description (default 2000).
"""

from __future__ import annotations

from django.conf import settings


def _int(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def max_photos() -> int:
    return _int("SAFECITY_CITIZENREPORT_MAX_PHOTOS", 4)


def photo_max_bytes() -> int:
    return _int("SAFECITY_CITIZENREPORT_PHOTO_MAX_BYTES", 8 * 1024 * 1024)


def photo_max_side() -> int:
    return _int("SAFECITY_CITIZENREPORT_PHOTO_MAX_SIDE", 1600)


def photo_max_pixels() -> int:
    return _int("SAFECITY_CITIZENREPORT_PHOTO_MAX_PIXELS", 40_000_000)


def rate_per_hour() -> int:
    return _int("SAFECITY_CITIZENREPORT_RATE_PER_HOUR", 5)


def rate_per_day() -> int:
    return _int("SAFECITY_CITIZENREPORT_RATE_PER_DAY", 20)


def description_max() -> int:
    return _int("SAFECITY_CITIZENREPORT_DESCRIPTION_MAX", 2000)

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
- ``SAFECITY_CITIZENREPORT_HOTLINE``: the number the refusals point to (default 12345, the
  government service hotline).

A request whose body is larger than ``request_max_bytes`` (every photo at its largest, plus
``REQUEST_MARGIN_BYTES`` for the text fields and the multipart framing) is refused before it is
read.
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


def hotline() -> str:
    return str(getattr(settings, "SAFECITY_CITIZENREPORT_HOTLINE", "12345"))


REQUEST_MARGIN_BYTES = 256 * 1024


def request_max_bytes() -> int:
    return max_photos() * photo_max_bytes() + REQUEST_MARGIN_BYTES


def request_too_large(meta: dict[str, object]) -> bool:
    """Whether a request's declared body (``CONTENT_LENGTH``) is over :func:`request_max_bytes`:
    read from the headers, before the body is."""
    try:
        length = int(str(meta.get("CONTENT_LENGTH") or 0))
    except ValueError:
        return True
    return length > request_max_bytes()

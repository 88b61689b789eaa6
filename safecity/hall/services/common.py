"""What the hall services share: the error type, today, the moment a historic step is recorded at."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone


class HallError(ValidationError):
    """A refused write with a stable code for the API (``error_code``) and a message for people.

    Codes: ``invalid`` (400), ``full`` (409: the session has no room left), ``conflict`` (409: the
    booking is not in a state for this step, e.g. checked in twice), ``locked`` (429: too many wrong
    codes)."""

    def __init__(self, message: Any, *, code: str = "invalid") -> None:
        super().__init__(message, code=code)
        self.error_code = code


def today() -> date:
    return timezone.localdate()


def moment(on: date | None, hour: int = 10) -> datetime:
    """Now, or a set hour local on a historic day (the demo's past)."""
    if on is None:
        return timezone.now()
    return timezone.make_aware(datetime.combine(on, time(hour)))

"""What every restaurant-gas service shares: the error type and who may write (``core.actors``)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone

from safecity.core.actors import actor_label, is_platform, require_change, require_target


class RestaurantError(ValidationError):
    """A refused write with a stable code for the API (``error_code``) and a message for people.

    Codes: ``invalid`` (400), ``duplicate`` (409: already in the registry or the programme),
    ``transition_not_allowed`` (409), ``guard`` (409: the record does not allow the step yet).
    """

    def __init__(self, message: Any, *, code: str = "invalid") -> None:
        super().__init__(message, code=code)
        self.error_code = code


def today() -> date:
    return timezone.localdate()


__all__ = ["RestaurantError", "actor_label", "is_platform", "require_change", "require_target", "today"]

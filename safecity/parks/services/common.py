"""What the parks services share: the error type, today, the check that the actor runs the park."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone

from safecity.core.actors import actor_label, is_platform, require_change, require_target


class ParksError(ValidationError):
    """A refused write with a stable code for the API (``error_code``) and a message for people.

    Codes: ``invalid`` (400), ``duplicate`` (409: a unified number or enterprise already in the park),
    ``left`` (409: the tenant has left the park)."""

    def __init__(self, message: Any, *, code: str = "invalid") -> None:
        super().__init__(message, code=code)
        self.error_code = code


def today() -> date:
    return timezone.localdate()


def require_park(actor: Any, park: Any) -> None:
    """The actor runs the park (its landlord's people) or supervises it (the district, the city).
    A tenant's people read their record but never write the register."""
    require_change(actor, park)


__all__ = ["ParksError", "actor_label", "is_platform", "require_change", "require_park", "require_target", "today"]

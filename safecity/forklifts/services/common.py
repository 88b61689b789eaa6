"""What every forklift service shares: the error type, who may write (``core.actors``), the timeline row."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone

from safecity.core.actors import actor_label, is_platform, require_change, require_target
from safecity.forklifts.models import Forklift, ForkliftEvent


class ForkliftError(ValidationError):
    """A refused write with a stable code for the API (``error_code``) and a message for people.

    Codes: ``invalid`` (400), ``duplicate`` (409), ``transition_not_allowed`` (409),
    ``guard`` (409: the record does not allow the step yet, the message says why).
    """

    def __init__(self, message: Any, *, code: str = "invalid") -> None:
        super().__init__(message, code=code)
        self.error_code = code


def record_event(
    forklift: Forklift, *, kind: str, actor: Any, comment: str = "", from_status: str = "", to_status: str = ""
) -> ForkliftEvent:
    return ForkliftEvent.objects.create(
        forklift=forklift,
        kind=kind,
        actor=actor if actor is not None and getattr(actor, "is_authenticated", False) else None,
        actor_label=actor_label(actor)[:150],
        comment=comment,
        from_status=from_status,
        to_status=to_status,
    )


def today() -> date:
    return timezone.localdate()


def not_in_future(value: date | None, field: str, message: Any) -> None:
    if value is not None and value > today():
        raise ForkliftError({field: message})


__all__ = [
    "ForkliftError",
    "actor_label",
    "is_platform",
    "not_in_future",
    "record_event",
    "require_change",
    "require_target",
    "today",
]

"""What every restaurant-gas service shares: the error type and who may write."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.utils import timezone

from safecity.core.scoping import CHANGE, allows_target, can


class RestaurantError(ValidationError):
    """A refused write with a stable code for the API (``error_code``) and a message for people.

    Codes: ``invalid`` (400), ``duplicate`` (409: already in the registry or the programme),
    ``transition_not_allowed`` (409), ``guard`` (409: the record does not allow the step yet).
    """

    def __init__(self, message: Any, *, code: str = "invalid") -> None:
        super().__init__(message, code=code)
        self.error_code = code


def is_platform(actor: Any) -> bool:
    """The platform itself (the demo, an import command, the cross-check job): no user."""
    return actor is None


def require_target(actor: Any, obj: models.Model) -> None:
    """May ``actor`` write ``obj`` with the values it holds now (creates and the after-side of updates)?"""
    if not is_platform(actor) and not allows_target(actor, obj):
        raise PermissionDenied


def require_change(actor: Any, obj: models.Model) -> None:
    """May ``actor`` change the stored ``obj``?"""
    if not is_platform(actor) and not can(actor, obj, CHANGE):
        raise PermissionDenied


def actor_label(actor: Any) -> str:
    if actor is None:
        return ""
    person = getattr(actor, "person", None)
    try:
        return str(person.name) if person is not None else str(actor.get_username())
    except Exception:  # noqa: BLE001 - a user without a person row
        return str(actor.get_username())


def today() -> date:
    return timezone.localdate()

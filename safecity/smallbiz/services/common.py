"""What every smallbiz service shares: the error type, today, the role check against a transition."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.utils import timezone

from safecity.core.actors import actor_label, is_platform, require_change, require_target
from safecity.core.scoping import roles_for


class SmallbizError(ValidationError):
    """A refused write with a stable code for the API (``error_code``) and a message for people.

    Codes: ``invalid`` (400), ``duplicate``, ``transition_not_allowed``, ``guard`` (409: the record
    does not allow the step, e.g. an expired qualification).
    """

    def __init__(self, message: Any, *, code: str = "invalid") -> None:
        super().__init__(message, code=code)
        self.error_code = code


def today() -> date:
    return timezone.localdate()


def require_roles(actor: Any, obj: models.Model, roles: frozenset[str]) -> None:
    """The actor holds one of ``roles`` on ``obj`` (the platform acts for anyone)."""
    if is_platform(actor):
        return
    if not (roles_for(actor, obj) & roles):
        raise PermissionDenied


__all__ = ["SmallbizError", "actor_label", "is_platform", "require_change", "require_roles", "require_target", "today"]

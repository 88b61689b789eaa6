"""Who a service is acting for: a person (a signed-in user) or the platform itself (``actor=None``:
the demo, an import command, a scheduled job). What the apps' services share about it."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import models

from safecity.core.scoping import CHANGE, allows_target, can


def is_platform(actor: Any) -> bool:
    """The platform itself (the demo, an import command, a scheduled job): no user."""
    return actor is None


def actor_label(actor: Any) -> str:
    """The name a timeline shows for ``actor``: the person's name, else the user name ("" for the platform)."""
    if actor is None:
        return ""
    person = getattr(actor, "person", None)
    try:
        return str(person.name) if person is not None else str(actor.get_username())
    except Exception:  # noqa: BLE001 - a user without a person row
        return str(actor.get_username())


def require_target(actor: Any, obj: models.Model) -> None:
    """May ``actor`` write ``obj`` with the values it holds now (creates and the after-side of
    updates)? The platform may write anything."""
    if not is_platform(actor) and not allows_target(actor, obj):
        raise PermissionDenied


def require_change(actor: Any, obj: models.Model) -> None:
    """May ``actor`` change the stored ``obj``? The platform may change anything."""
    if not is_platform(actor) and not can(actor, obj, CHANGE):
        raise PermissionDenied

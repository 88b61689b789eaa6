"""Helpers shared by the innovation services: who is the committee office, locking, labels."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError

from safecity.core.scoping import CHANGE, principal_for, scope_q
from safecity.innovation.models import SelectionRound


def is_committee(user: Any) -> bool:
    """The committee office: those who may change rounds (city-wide city administrators and officials)."""
    principal = principal_for(user)
    return principal.is_authenticated and scope_q(SelectionRound, principal, CHANGE) is None


def require_committee(user: Any) -> None:
    if not is_committee(user):
        raise PermissionDenied


def lock_round(round: SelectionRound) -> SelectionRound:
    return SelectionRound.objects.select_for_update().get(pk=round.pk)


def require_state(round: SelectionRound, *states: str, message: str) -> None:
    if round.state not in states:
        raise ValidationError(
            message % {"state": round.get_state_display()} if "%(state)s" in message else message, code="wrong_state"
        )


def person_id_of(user: Any) -> int | None:
    return principal_for(user).person_id

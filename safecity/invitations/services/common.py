"""What the invitation services share: the error type, the row lock, the step check, the timeline."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from safecity.core.actors import actor_label
from safecity.core.scoping import roles_for
from safecity.invitations.choices import InvitationAction, InvitationState
from safecity.invitations.models import Invitation, InvitationEvent
from safecity.invitations.transitions import Transition, allowed, transition_for


class InvitationError(ValidationError):
    """A refused write with a stable code for the API (``error_code``) and a message for people.

    Codes: ``invalid`` (400), ``transition_not_allowed`` (409: not a step of this state),
    ``conflict`` (409: someone changed the invitation first).
    """

    def __init__(self, message: Any, *, code: str = "invalid") -> None:
        super().__init__(message, code=code)
        self.error_code = code


def today() -> date:
    return timezone.localdate()


def moment(on: date | None) -> datetime:
    """The time a step is recorded at: now, or 10:00 local on a historic day (the demo's past)."""
    if on is None:
        return timezone.now()
    return timezone.make_aware(datetime.combine(on, time(10)))


def lock(invitation: Invitation) -> Invitation:
    return Invitation.objects.select_for_update().select_related("enterprise__region", "authority").get(pk=invitation.pk)


def begin(actor: Any, invitation: Invitation, action: str) -> tuple[Invitation, Transition, str]:
    """Lock the row and check the step against ``transitions.py``: (locked row, transition, state it leaves).

    A step that does not start from the current state is refused in words (accepting twice says
    the invitation is already scheduled); a step the actor's roles do not allow is a 403."""
    locked = lock(invitation)
    transition = transition_for(action, locked.state)
    if transition is None:
        raise InvitationError(
            _("The inspection is “%(state)s”: “%(action)s” is not possible now.")
            % {"state": locked.get_state_display(), "action": InvitationAction(action).label},
            code="transition_not_allowed",
        )
    if actor is not None:
        roles = roles_for(actor, locked)
        if not allowed(transition, actor, locked, roles):
            if action == InvitationAction.RATE and locked.rating is not None and roles & transition.roles:
                raise InvitationError(_("This inspection has already been rated."), code="transition_not_allowed")
            raise PermissionDenied
    return locked, transition, locked.state


def record(
    invitation: Invitation, *, action: str, source: str, actor: Any, comment: str = "", on: date | None = None
) -> InvitationEvent:
    return InvitationEvent.objects.create(
        invitation=invitation,
        action=action,
        from_state=source,
        to_state=invitation.state,
        actor=actor,
        actor_label=actor_label(actor)[:150],
        at=moment(on),
        comment=comment[:2000],
    )


__all__ = ["InvitationError", "InvitationState", "begin", "lock", "moment", "record", "today"]

"""The steps of an invited inspection, as one table: (action, from state) -> to state, roles.

Invited → scheduled (the authority accepts and schedules it within the SLA) → reported (findings
as hidden hazards, advice) → followed up (the visit that checks the rectification). The authority
may decline an invitation it cannot take (with the reason); the enterprise may withdraw it before
it is scheduled, and rates the inspection once it is reported. Source: issue 16; domain-rules §7b.

Roles alone are not enough for the authority's steps: the actor must act for the authority the
invitation is addressed to (its own people), or be an official over the enterprise
(:func:`acts_for_authority`, an actor guard: the pages never offer what it refuses).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from safecity.core.scoping import principal_for
from safecity.invitations.choices import InvitationAction as A
from safecity.invitations.choices import InvitationState as S
from safecity.invitations.models import AUTHORITY_ROLES, INVITER_ROLES, Invitation

OFFICIALS = frozenset({"city_admin", "city_official", "district_official"})


@dataclass(frozen=True)
class Transition:
    action: str
    source: str
    target: str
    roles: frozenset[str]
    authority_only: bool = False
    enterprise_only: bool = False  # the enterprise's own people, not a trade association acting for it


TRANSITIONS: dict[tuple[str, str], Transition] = {
    (t.action, t.source): t
    for t in [
        Transition(A.SCHEDULE, S.INVITED, S.SCHEDULED, AUTHORITY_ROLES, authority_only=True),
        Transition(A.DECLINE, S.INVITED, S.DECLINED, AUTHORITY_ROLES, authority_only=True),
        Transition(A.WITHDRAW, S.INVITED, S.WITHDRAWN, INVITER_ROLES),
        Transition(A.CHECKLIST, S.SCHEDULED, S.SCHEDULED, AUTHORITY_ROLES, authority_only=True),
        Transition(A.REPORT, S.SCHEDULED, S.REPORTED, AUTHORITY_ROLES, authority_only=True),
        Transition(A.FOLLOW_UP, S.REPORTED, S.FOLLOWED_UP, AUTHORITY_ROLES, authority_only=True),
        Transition(A.RATE, S.REPORTED, S.REPORTED, INVITER_ROLES, enterprise_only=True),
        Transition(A.RATE, S.FOLLOWED_UP, S.FOLLOWED_UP, INVITER_ROLES, enterprise_only=True),
    ]
}


def transition_for(action: str, state: str) -> Transition | None:
    return TRANSITIONS.get((action, state))


def acts_for_authority(actor: Any, invitation: Invitation, roles: frozenset[str]) -> bool:
    """The actor's own organisation is the authority addressed, or the actor is an official over
    the enterprise (a superuser too): an inspector of another authority does not take it over."""
    if actor is None or principal_for(actor).is_superuser or roles & OFFICIALS:
        return True
    person = getattr(actor, "person", None)
    return person is not None and person.organisation_id == invitation.authority_id


def of_the_enterprise(actor: Any, invitation: Invitation, roles: frozenset[str]) -> bool:
    """The actor holds one of ``roles`` in the invited enterprise itself (a superuser too): the
    enterprise rates its inspection, the trade association that invited for it does not."""
    if actor is None:
        return True
    principal = principal_for(actor)
    return principal.is_superuser or any(
        g.role in roles and g.organisation_id == invitation.enterprise_id for g in principal.grants
    )


def allowed(transition: Transition, actor: Any, invitation: Invitation, roles: frozenset[str]) -> bool:
    if not (roles & transition.roles):
        return False
    if transition.authority_only and not acts_for_authority(actor, invitation, roles):
        return False
    if transition.enterprise_only and not of_the_enterprise(actor, invitation, transition.roles):
        return False
    # Rated once: a second rating is refused (the enterprise's word stands as given).
    return not (transition.action == A.RATE and invitation.rating is not None)


def offered(invitation: Invitation, actor: Any, roles: frozenset[str]) -> list[Transition]:
    """The steps ``actor`` (holding ``roles`` on this invitation) is offered now; the services allow the same."""
    return [
        t
        for (_action, source), t in TRANSITIONS.items()
        if source == invitation.state and t.action != A.CHECKLIST and allowed(t, actor, invitation, roles)
    ]

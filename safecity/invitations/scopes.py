"""What an expert (ASSIGNMENT role) reaches of the invited inspections: those they are assigned
to (``Invitation.experts``), their checklists, findings, timeline and citations, and the hidden
hazards those inspections found. Experts advise; the authority's people write."""

from __future__ import annotations

from django.db.models import Q

from safecity.core.scoping import NOTHING, Principal, register_assignment
from safecity.hazards.models import HiddenHazard
from safecity.invitations.models import ChecklistItem, Finding, Invitation, InvitationEvent, LibraryCitation


def _assigned(principal: Principal):  # type: ignore[no-untyped-def]
    return Invitation.objects.filter(experts__person_id=principal.person_id).values("pk")


def _rule(build):  # type: ignore[no-untyped-def]
    def rule(principal: Principal) -> Q:
        if principal.person_id is None:
            return NOTHING
        return build(principal)

    return rule


register_assignment(Invitation, _rule(lambda p: Q(pk__in=_assigned(p))))
register_assignment(ChecklistItem, _rule(lambda p: Q(invitation_id__in=_assigned(p))))
register_assignment(Finding, _rule(lambda p: Q(invitation_id__in=_assigned(p))))
register_assignment(InvitationEvent, _rule(lambda p: Q(invitation_id__in=_assigned(p))))
register_assignment(LibraryCitation, _rule(lambda p: Q(invitation_id__in=_assigned(p))))
register_assignment(
    HiddenHazard,
    _rule(lambda p: Q(pk__in=Finding.objects.filter(invitation_id__in=_assigned(p)).values("hazard_id"))),
)

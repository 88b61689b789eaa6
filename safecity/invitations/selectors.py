"""Every read of the invitation-style inspections a user sees, scoped (``core.scoping.scoped``):
the enterprise its own invitations; the authorities' officials and inspectors those over their
jurisdiction; the assigned experts theirs; outsiders nothing. The enforcement list shows only the
findings referred to enforcement (domain-rules §7b: the rest never enter it)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from safecity.core.choices import OrganisationKind
from safecity.core.ids import id_or_none
from safecity.core.scoping import principal_for, scoped
from safecity.invitations.models import (
    AUTHORITY_ROLES,
    INVITER_ROLES,
    VIEW_ROLES,
    AssociationMember,
    Finding,
    Invitation,
    InvitationEvent,
)


def holds(user: Any, roles: frozenset[str]) -> bool:
    principal = principal_for(user)
    return principal.is_superuser or bool(principal.roles & roles)


def sees_invitations(user: Any) -> bool:
    return holds(user, VIEW_ROLES)


def may_invite(user: Any) -> bool:
    return holds(user, INVITER_ROLES)


def sees_enforcement(user: Any) -> bool:
    """The enforcement leads are the authority's (never the enterprise's or an expert's page)."""
    return holds(user, AUTHORITY_ROLES)


def invitation_list(*, user: Any) -> QuerySet[Invitation]:
    return scoped(Invitation, user).select_related("enterprise__region", "authority")


def invitation_get(*, user: Any, pk: Any) -> Invitation:
    pk = id_or_none(pk)
    invitation = invitation_list(user=user).filter(pk=pk).first() if pk is not None else None
    if invitation is None:
        raise Http404
    return invitation


def invitation_findings(*, user: Any, invitation: Invitation) -> QuerySet[Finding]:
    return scoped(Finding, user).filter(invitation=invitation).select_related("hazard", "item", "invitation").order_by("id")


def invitation_events(*, user: Any, invitation: Invitation) -> QuerySet[InvitationEvent]:
    return scoped(InvitationEvent, user).filter(invitation=invitation).order_by("at", "id")


def enforcement_list(*, user: Any) -> QuerySet[Finding]:
    """The findings referred to enforcement (unrectified after their deadline), within reach."""
    if not sees_enforcement(user):
        return Finding.objects.none()
    return (
        scoped(Finding, user)
        .filter(referred_at__isnull=False)
        .select_related("hazard", "invitation__enterprise__region", "invitation__authority")
        .order_by("-referred_at", "-id")
    )


def enterprises_for(user: Any) -> QuerySet[Any]:
    """The enterprises ``user`` may invite for in their own name (their own, as manager)."""
    from safecity.core.models import Organisation

    principal = principal_for(user)
    ids = {g.organisation_id for g in principal.grants if g.role in INVITER_ROLES}
    return (
        Organisation.objects.filter(pk__in=ids)
        .exclude(kind=OrganisationKind.TRADE_ASSOCIATION)
        .select_related("region")
        .order_by("name")
    )


def associations_for(user: Any) -> QuerySet[Any]:
    """The trade associations ``user`` invites for (as their manager)."""
    from safecity.core.models import Organisation

    principal = principal_for(user)
    ids = {g.organisation_id for g in principal.grants if g.role in INVITER_ROLES}
    return Organisation.objects.filter(pk__in=ids, kind=OrganisationKind.TRADE_ASSOCIATION).order_by("name")


def association_members(*, user: Any, association: Any = None) -> QuerySet[AssociationMember]:
    """The memberships ``user`` sees (an association its members, an enterprise its associations,
    the authorities those over their jurisdiction), optionally of one association."""
    rows = (
        scoped(AssociationMember, user)
        .select_related("association", "enterprise__region")
        .order_by("association__name", "enterprise__name", "id")
    )
    return rows if association is None else rows.filter(association=association)


def association_member_get(*, user: Any, pk: Any) -> AssociationMember:
    pk = id_or_none(pk)
    member = association_members(user=user).filter(pk=pk).first() if pk is not None else None
    if member is None:
        raise Http404
    return member


def member_enterprises(*, user: Any, associations: Any) -> QuerySet[Any]:
    """The enterprises trade associations may invite for: their members, as ``user`` sees them."""
    from safecity.core.models import Organisation

    ids = association_members(user=user).filter(association__in=associations).values("enterprise_id")
    return Organisation.objects.filter(pk__in=ids).select_related("region").order_by("name")

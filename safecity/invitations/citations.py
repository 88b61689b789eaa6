"""Invitation-style inspections cite the library (their legal basis: the no-penalty lists, the
local practice), registered with the library, which knows nothing of invitations. Each invitation
cites them when it is made; a citation is seen only where its invitation is."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from safecity.core.scoping import CHANGE, can, roles_for
from safecity.invitations.models import AUTHORITY_ROLES, Invitation, LibraryCitation
from safecity.invitations.selectors import sees_invitations
from safecity.library.citations import CitedRecord, CitingKind, register_citing


class CitingInvitationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    topic = serializers.CharField()
    enterprise = serializers.CharField(source="enterprise.name")
    invited_on = serializers.DateField()


def _describe(invitation: Invitation) -> CitedRecord:
    return CitedRecord(
        label=f"{invitation.enterprise.name} · {invitation.topic}",
        url=reverse("invitations:detail", args=[invitation.pk]),
        detail=invitation.invited_on.isoformat(),
    )


def _may_cite(user: Any, invitation: Any) -> bool:
    """The authority's people over the enterprise (who may change the invitation) correct its legal
    basis; the enterprise reads it, it does not choose the rules it is judged by."""
    return bool(roles_for(user, invitation) & AUTHORITY_ROLES) and can(user, invitation, CHANGE)


INVITATION_CITATIONS = register_citing(
    CitingKind(
        key="invitations.invitation",
        slug="invitations",
        citation=LibraryCitation,
        record_field="invitation",
        heading=_("Invitation-style inspections citing this"),
        order=60,
        describe=_describe,
        may_cite=_may_cite,
        api_field="invitations",
        serializer=CitingInvitationSerializer,
        duplicate=_("This inspection already cites this entry."),
        empty=_("No invitation-style inspection that you may see."),
        signed_out=_("Sign in to see the inspections you follow."),
        visible_to=sees_invitations,
        select_related=("enterprise",),
        ordering=("-invited_on", "-id"),
    )
)

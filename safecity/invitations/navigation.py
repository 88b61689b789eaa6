from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from safecity.core.navigation import NavItem, NavSection, register_section
from safecity.core.scoping import Principal
from safecity.invitations.models import AUTHORITY_ROLES, INVITER_ROLES, VIEW_ROLES


def _sees(principal: Principal) -> bool:
    return principal.is_superuser or bool(principal.roles & VIEW_ROLES)


def _invites(principal: Principal) -> bool:
    return bool(principal.roles & INVITER_ROLES)


def _enforces(principal: Principal) -> bool:
    return principal.is_superuser or bool(principal.roles & AUTHORITY_ROLES)


register_section(
    NavSection(
        id="invitations",
        title=_("Invitation-style inspections"),
        order=67,
        items=(
            NavItem(_("Invitation-style inspections"), "invitations:list", _sees),
            NavItem(_("Invite an inspection"), "invitations:new", _invites),
            NavItem(_("Referred to enforcement"), "invitations:enforcement", _enforces),
            NavItem(_("Trade association members"), "invitations:members", _sees),
        ),
    )
)

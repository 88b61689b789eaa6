from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from safecity.citizenreports.models import VIEW_ROLES
from safecity.core.navigation import NavItem, NavSection, register_section
from safecity.core.scoping import Principal


def _sees(principal: Principal) -> bool:
    return principal.is_superuser or bool(principal.roles & VIEW_ROLES)


def _anyone(principal: Principal) -> bool:
    # Anyone may report a hazard (the page needs no account); signed-in people find it here too.
    return True


register_section(
    NavSection(
        id="citizenreports",
        title=_("Citizens' hazard reports"),
        order=69,
        items=(
            NavItem(_("Triage queue"), "citizenreports:list", _sees),
            NavItem(_("Report a hazard"), "citizenreports:new", _anyone),
        ),
    )
)

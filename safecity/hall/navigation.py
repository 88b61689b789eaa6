from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from safecity.core.navigation import NavItem, NavSection, register_section
from safecity.core.scoping import Principal
from safecity.hall.models import STAFF_ROLES, VIEW_ROLES


def _sees(principal: Principal) -> bool:
    return principal.is_superuser or bool(principal.roles & VIEW_ROLES)


def _staff(principal: Principal) -> bool:
    return principal.is_superuser or bool(principal.roles & STAFF_ROLES)


register_section(
    NavSection(
        id="hall",
        title=_("Public-safety experience hall"),
        order=68,
        items=(
            NavItem(_("Hall sessions"), "hall:sessions", _sees),
            NavItem(_("Check a group in"), "hall:check-in", _staff),
            NavItem(_("Hall bookings"), "hall:bookings", _sees),
            NavItem(_("Book a visit to the experience hall"), "hall:book", lambda p: True),
        ),
    )
)

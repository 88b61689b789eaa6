from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from safecity.core.navigation import NavItem, NavSection, register_section
from safecity.core.scoping import Principal
from safecity.forklifts.models import REGULATOR_ROLES, VIEW_ROLES


def _sees(principal: Principal) -> bool:
    return principal.is_superuser or bool(principal.roles & VIEW_ROLES)


def _regulator(principal: Principal) -> bool:
    return principal.is_superuser or bool(principal.roles & (REGULATOR_ROLES | {"inspector"}))


register_section(
    NavSection(
        id="forklifts",
        title=_("Forklift safety"),
        order=65,
        items=(
            NavItem(_("Forklift registry"), "forklifts:list", _sees),
            NavItem(_("Forklift drivers"), "forklifts:operators", _sees),
            NavItem(_("Daily, weekly and monthly checks"), "forklifts:checks", _sees),
            NavItem(_("Safety director and officers"), "forklifts:safety", _sees),
            NavItem(_("Plants"), "forklifts:plants", _sees),
            NavItem(_("Forklift compliance"), "forklifts:compliance", _regulator),
        ),
    )
)

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from safecity.core.navigation import NavItem, NavSection, register_section
from safecity.core.scoping import Principal
from safecity.smallbiz.models import ENGINEER_ROLES, LOCAL_ROLES, REGULATOR_ROLES, VIEW_ROLES


def _sees(principal: Principal) -> bool:
    return principal.is_superuser or bool(principal.roles & VIEW_ROLES)


def _supervises(principal: Principal) -> bool:
    return principal.is_superuser or bool(principal.roles & (REGULATOR_ROLES | LOCAL_ROLES))


def _visits(principal: Principal) -> bool:
    return principal.is_superuser or bool(principal.roles & (REGULATOR_ROLES | LOCAL_ROLES | ENGINEER_ROLES))


def _contracts(principal: Principal) -> bool:
    return principal.is_superuser or bool(principal.roles & (REGULATOR_ROLES | LOCAL_ROLES | ENGINEER_ROLES | {"inspector"}))


register_section(
    NavSection(
        id="smallbiz",
        title=_("Small and micro enterprises"),
        order=67,
        items=(
            NavItem(_("Small and micro enterprises"), "smallbiz:enterprises", _sees),
            NavItem(_("Service visits"), "smallbiz:visits", _visits),
            NavItem(_("Village supervision"), "smallbiz:supervision", _supervises),
            NavItem(_("Safety service providers"), "smallbiz:providers", _sees),
            NavItem(_("Group-purchase contracts"), "smallbiz:contracts", _contracts),
            NavItem(_("Village map"), "smallbiz:map", _supervises),
        ),
    )
)

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from safecity.core.navigation import NavItem, NavSection, register_section
from safecity.core.scoping import Principal

OFFICIALS = {"city_admin", "city_official", "district_official", "inspector"}


def _official(principal: Principal) -> bool:
    return principal.is_superuser or bool(principal.roles & OFFICIALS)


def _expert(principal: Principal) -> bool:
    return "expert" in principal.roles


def _enterprise(principal: Principal) -> bool:
    return bool(principal.roles & {"enterprise_manager", "enterprise_staff"})


register_section(
    NavSection(
        id="deep_checks",
        title=_("Deep safety checks"),
        order=30,
        items=(
            NavItem(_("Campaigns"), "deepchecks:campaign-list", _official),
            NavItem(_("Expert pool"), "deepchecks:expert-list", _official),
            NavItem(_("My panels"), "deepchecks:my-panels", _expert),
            NavItem(_("Our deep check"), "deepchecks:my-enterprise", _enterprise),
        ),
    )
)

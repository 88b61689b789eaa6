from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from safecity.core.navigation import NavItem, NavSection, register_section
from safecity.core.scoping import Principal

ENTERPRISE_ROLES = frozenset({"enterprise_manager", "enterprise_staff"})


def _sees_portraits(principal: Principal) -> bool:
    """Officials of a jurisdiction and enterprise people (their own portrait) have portraits to read."""
    return principal.is_superuser or bool(principal.region_paths) or bool(principal.roles & ENTERPRISE_ROLES)


register_section(
    NavSection(
        id="deep_checks",
        title=_("Deep safety checks"),
        order=30,
        items=(NavItem(_("Health portraits"), "portraits:overview", _sees_portraits),),
    )
)

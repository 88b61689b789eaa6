from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from safecity.core.navigation import NavItem, NavSection, register_section
from safecity.core.scoping import Principal

ROLES = frozenset({"city_admin", "city_official", "district_official", "department_officer", "expert"})


def _takes_part(principal: Principal) -> bool:
    return principal.is_superuser or bool(principal.roles & ROLES)


register_section(
    NavSection(
        id="innovation",
        title=_("Innovation selection"),
        order=60,
        items=(
            NavItem(_("Selection rounds"), "innovation:round-list", _takes_part),
            NavItem(_("Published innovation projects"), "innovation:published", lambda p: True),
        ),
    )
)

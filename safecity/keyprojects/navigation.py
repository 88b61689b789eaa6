from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from safecity.core.navigation import NavItem, NavSection, register_section
from safecity.core.scoping import Principal

MEMBERS = frozenset({"city_admin", "city_official", "district_official", "department_officer"})


def _members(principal: Principal) -> bool:
    return principal.is_superuser or bool(principal.roles & MEMBERS)


register_section(
    NavSection(
        id="keyprojects",
        title=_("Annual key projects"),
        order=50,
        items=(
            NavItem(_("Key-project plans"), "keyprojects:index", _members),
            NavItem(_("“1+29” sub-systems"), "keyprojects:subsystem-list", _members),
        ),
    )
)

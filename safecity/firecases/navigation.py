from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from safecity.core.navigation import NavItem, NavSection, register_section
from safecity.core.scoping import Principal


def _agencies(principal: Principal) -> bool:
    return principal.is_superuser or bool(principal.roles & {"procurator", "fire_officer"})


register_section(
    NavSection(
        id="fire_cases",
        title=_("Fire governance + public-interest litigation"),
        order=40,
        items=(
            NavItem(_("Fire cases dashboard"), "firecases:dashboard", _agencies),
            NavItem(_("Units with a major fire hazard"), "firecases:unit-list", _agencies),
            NavItem(_("Fire-safety inspections"), "firecases:inspection-list", _agencies),
            NavItem(_("Leads"), "firecases:lead-list", _agencies),
            NavItem(_("Cases"), "firecases:case-list", _agencies),
            NavItem(_("Procuratorial suggestion letters"), "firecases:letter-list", _agencies),
        ),
    )
)

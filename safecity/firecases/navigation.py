from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from safecity.core.navigation import NavItem, NavSection, register_section
from safecity.core.scoping import Principal
from safecity.firecases.models.units import AGENCIES, SUPERVISORS


def _agencies(principal: Principal) -> bool:
    return principal.is_superuser or bool(principal.roles & AGENCIES)


def _supervisors(principal: Principal) -> bool:
    """The agencies and the city and district officials (figures, units, case list; issue 13)."""
    return principal.is_superuser or bool(principal.roles & SUPERVISORS)


register_section(
    NavSection(
        id="fire_cases",
        title=_("Fire governance + public-interest litigation"),
        order=40,
        items=(
            NavItem(_("Fire cases dashboard"), "firecases:dashboard", _supervisors),
            NavItem(_("Units with a major fire hazard"), "firecases:unit-list", _supervisors),
            NavItem(_("Fire-safety inspections"), "firecases:inspection-list", _agencies),
            NavItem(_("Leads"), "firecases:lead-list", _agencies),
            NavItem(_("Cases"), "firecases:case-list", _supervisors),
            NavItem(_("Procuratorial suggestion letters"), "firecases:letter-list", _agencies),
        ),
    )
)

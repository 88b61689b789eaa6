from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from safecity.core.navigation import NavItem, NavSection, register_section
from safecity.core.scoping import Principal


def _reports_hazards(principal: Principal) -> bool:
    return principal.is_superuser or (bool(principal.grants) and not principal.roles <= {"public_visitor"})


register_section(
    NavSection(
        id="dual_prevention",
        title=_("Dual prevention"),
        order=20,
        items=(
            NavItem(_("Hidden hazards"), "hazards:hazard-list", _reports_hazards),
            NavItem(_("Report a hidden hazard"), "hazards:hazard-report", _reports_hazards),
            NavItem(_("Due checks"), "hazards:check-list", _reports_hazards),
            NavItem(_("Risk registries"), "hazards:registry-index", _reports_hazards),
            NavItem(_("Hazard statistics"), "hazards:statistics", _reports_hazards),
            NavItem(_("Notifications"), "hazards:inbox"),
        ),
    )
)

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from safecity.core.navigation import NavItem, NavSection, register_section
from safecity.core.scoping import Principal
from safecity.cylinders.models import VIEW_ROLES


def _registry(principal: Principal) -> bool:
    return principal.is_superuser or bool(principal.roles & VIEW_ROLES)


# The gate and the inspection page act for the user's own station: only its operators see them.
def _filling(principal: Principal) -> bool:
    return "filling_station_operator" in principal.roles


def _inspection(principal: Principal) -> bool:
    return "inspection_station_operator" in principal.roles


register_section(
    NavSection(
        id="cylinders",
        title=_("Gas cylinders"),
        order=60,
        items=(
            NavItem(_("Cylinder registry"), "cylinders:list", _registry),
            NavItem(_("Scan before filling"), "cylinders:gate", _filling),
            NavItem(_("Fill attempts"), "cylinders:attempts", _registry),
            NavItem(_("Inspection station"), "cylinders:inspection", _inspection),
        ),
    )
)

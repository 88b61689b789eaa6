from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from safecity.core.navigation import NavItem, NavSection, register_section
from safecity.core.scoping import Principal
from safecity.restaurants.models import FIELD_ROLES, REGULATOR_ROLES, VIEW_ROLES


def _sees(principal: Principal) -> bool:
    return principal.is_superuser or bool(principal.roles & VIEW_ROLES)


def _runs_campaigns(principal: Principal) -> bool:
    # Campaigns are the districts' programme (Campaign.scope_rule): a restaurant's own people see
    # their conversion on their restaurant's page, not the campaigns.
    return principal.is_superuser or bool(principal.roles & (REGULATOR_ROLES | FIELD_ROLES))


register_section(
    NavSection(
        id="restaurants",
        title=_("Restaurant gas safety"),
        order=66,
        items=(
            NavItem(_("Restaurants"), "restaurants:list", _sees),
            NavItem(_("Restaurant street map"), "restaurants:map", _sees),
            NavItem(_("Conversion campaigns"), "restaurants:campaigns", _runs_campaigns),
            NavItem(_("Gas leak alarms"), "restaurants:leaks", _sees),
        ),
    )
)

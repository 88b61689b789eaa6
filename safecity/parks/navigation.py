from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from safecity.core.navigation import NavItem, NavSection, register_section
from safecity.core.scoping import Principal
from safecity.parks.models import VIEW_ROLES


def _sees(principal: Principal) -> bool:
    return principal.is_superuser or bool(principal.roles & VIEW_ROLES)


register_section(
    NavSection(
        id="parks",
        title=_("Factory within a factory"),
        order=58,
        items=(
            NavItem(_("Parks and campaign"), "parks:campaign", _sees),
            NavItem(_("Tenants"), "parks:tenant_list", _sees),
            NavItem(_("Register findings"), "parks:findings", _sees),
        ),
    )
)

"""The dictionary's place in the navigation: the "Dual prevention" section (shared with hazards)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from safecity.core.navigation import NavItem, NavSection, register_section
from safecity.riskdict.permissions import principal_may_edit

register_section(
    NavSection(
        id="dual_prevention",
        title=_("Dual prevention"),
        order=20,
        items=(
            NavItem(_("Risk-control dictionary"), "riskdict:version-list"),
            NavItem(_("Compare dictionary versions"), "riskdict:version-diff"),
            NavItem(_("Import a dictionary version"), "riskdict:version-import", principal_may_edit),
        ),
    )
)

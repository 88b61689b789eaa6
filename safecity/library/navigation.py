from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from safecity.core.navigation import NavItem, NavSection, register_section

register_section(
    NavSection(
        id="library",
        title=_("Library"),
        order=65,
        items=(NavItem(_("Regulations and methods library"), "library:library"),),
    )
)

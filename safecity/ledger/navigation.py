from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from safecity.core.navigation import NavItem, NavSection, register_section
from safecity.core.scoping import Principal
from safecity.ledger.services.keys import KEY_MANAGER_ROLES


def _everyone(principal: Principal) -> bool:
    return True


def _key_managers(principal: Principal) -> bool:
    return principal.is_superuser or bool(principal.roles & KEY_MANAGER_ROLES)


register_section(
    NavSection(
        id="ledger",
        title=_("Verifiable ledger"),
        order=90,
        items=(
            NavItem(_("Log entries"), "ledger:entry-list", _everyone),
            NavItem(_("Checkpoints"), "ledger:checkpoint-list", _everyone),
            NavItem(_("Public keys"), "ledger:key-list", _everyone),
            NavItem(_("My organisation's keys"), "ledger:my-keys", _key_managers),
        ),
    )
)

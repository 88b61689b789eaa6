"""Who opens the restaurant pages at all (each page's selectors and services then decide which
rows and which writes): one place for the gates the page modules share."""

from __future__ import annotations

from typing import Any

from safecity.core.scoping import principal_for
from safecity.restaurants.models import FIELD_ROLES, REGULATOR_ROLES, VIEW_ROLES


def holds(user: Any, roles: frozenset[str]) -> bool:
    """``user`` is a superuser or holds one of ``roles`` somewhere."""
    principal = principal_for(user)
    return principal.is_superuser or bool(principal.roles & roles)


def sees_restaurants(user: Any) -> bool:
    return holds(user, VIEW_ROLES)


def sees_campaigns(user: Any) -> bool:
    """Campaigns are the districts' programme: the officials and the inspectors."""
    return holds(user, REGULATOR_ROLES | FIELD_ROLES)

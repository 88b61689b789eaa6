"""How far each role reaches. The one table that :mod:`safecity.core.scoping` reads.

- JURISDICTION: the subtree of the role's jurisdiction region (city/district officials,
  inspectors, the procuratorate and fire brigade within their area).
- ORGANISATION: the organisation the role is held in (enterprise people, filling and inspection
  stations, city departments' liaison officers).
- ASSIGNMENT: only what the person is assigned to (experts: panels, scoring); apps register
  what an assignment reaches with :func:`safecity.core.scoping.register_assignment`.
- PUBLIC: public pages only.
"""

from __future__ import annotations

import enum

from safecity.core.choices import Role


class Reach(enum.Enum):
    JURISDICTION = "jurisdiction"
    ORGANISATION = "organisation"
    ASSIGNMENT = "assignment"
    PUBLIC = "public"


ROLE_REACH: dict[str, Reach] = {
    Role.CITY_ADMIN: Reach.JURISDICTION,
    Role.CITY_OFFICIAL: Reach.JURISDICTION,
    Role.DISTRICT_OFFICIAL: Reach.JURISDICTION,
    Role.INSPECTOR: Reach.JURISDICTION,
    Role.PROCURATOR: Reach.JURISDICTION,
    Role.FIRE_OFFICER: Reach.JURISDICTION,
    Role.EXPERT: Reach.ASSIGNMENT,
    Role.ENTERPRISE_MANAGER: Reach.ORGANISATION,
    Role.ENTERPRISE_STAFF: Reach.ORGANISATION,
    Role.FILLING_STATION_OPERATOR: Reach.ORGANISATION,
    # Cylinder inspection stations write the inspection events of the cylinders brought to them.
    Role.INSPECTION_STATION_OPERATOR: Reach.ORGANISATION,
    # A city department's liaison: reports progress on the key projects the department leads and
    # submits its innovation projects; sees its own department's records.
    Role.DEPARTMENT_OFFICER: Reach.ORGANISATION,
    Role.PUBLIC_VISITOR: Reach.PUBLIC,
    # A street / town office and a village committee reach their street's or village's subtree.
    Role.STREET_OFFICIAL: Reach.JURISDICTION,
    Role.VILLAGE_SUPERVISOR: Reach.JURISDICTION,
    # A safety service provider's engineer reaches the enterprises their provider's contracts
    # serve (registered by the smallbiz app), like an expert reaches the panel's enterprises.
    Role.SERVICE_ENGINEER: Reach.ASSIGNMENT,
    # The experience hall's staff reach their hall's sessions and bookings.
    Role.HALL_STAFF: Reach.ORGANISATION,
}

# Roles that may use the Django admin (for the reference data they are allowed to change).
ADMIN_ROLES = frozenset({Role.CITY_ADMIN})

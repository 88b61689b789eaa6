"""Who may change the risk-control dictionary: read from the models' ScopeRule, in one place.

The dictionary is the city's reference data (``ScopeRule(authenticated=True, change_roles=...)``):
every signed-in user reads it through :func:`safecity.core.scoping.scoped`. For writes, the core's
:func:`~safecity.core.scoping.allows_target` answers by region or organisation, and these rows
have neither, so it grants nothing but the superuser. This module completes it for city-wide
reference data: a holder of one of the rule's ``change_roles`` whose jurisdiction is the whole
city (the same test as :attr:`Principal.is_city_wide`) may write it. A district official, an
enterprise, an expert or an outsider may not.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import models

from safecity.core.roles import ROLE_REACH, Reach
from safecity.core.scoping import Principal, allows_target, principal_for, rule_for


def principal_may_edit(principal: Principal, model: type[models.Model] | None = None) -> bool:
    """May this principal write the dictionary's rows (of ``model``; default: a version)?"""
    if principal.is_superuser:
        return True
    if model is None:
        from safecity.riskdict.models import DictionaryVersion

        model = DictionaryVersion
    rule = rule_for(model)
    city = settings.SAFECITY_CITY_REGION_CODE
    for grant in principal.grants:
        if ROLE_REACH.get(grant.role) is not Reach.JURISDICTION or grant.role not in rule.change_roles:
            continue
        if grant.region_path.rstrip("/").endswith(city):
            return True
    return False


def can_edit_dictionary(user: Any, obj: models.Model | None = None) -> bool:
    """May ``user`` write the dictionary (``obj``: the row about to be written, if any)?"""
    if obj is not None and allows_target(user, obj):
        return True
    return principal_may_edit(principal_for(user), type(obj) if obj is not None else None)


def require_dictionary_editor(user: Any, obj: models.Model | None = None) -> None:
    """Raise PermissionDenied unless ``user`` may write the dictionary."""
    if not can_edit_dictionary(user, obj):
        raise PermissionDenied

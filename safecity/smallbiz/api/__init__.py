"""Small and micro enterprise safety services API (issue 16 §6): the register (with its Excel list
in and out), providers and their performance, the providers' qualifications, service areas and
engineers (corrected by PATCH, retired with the day and the reason), group-purchase contracts,
service visits (sign, score, cancel), village supervision rounds and the street ranking. Thin
serializers over ``selectors.py``, ``selectors_providers.py`` and ``services/`` (the core error
format).

Refusals: ``duplicate``, ``transition_not_allowed``, ``guard`` answer 409; invalid input 400 with its
fields (an import: 400 with ``rows``, the table of row/column/problem); a record outside the
caller's reach 404; a visible record the caller may not change 403.

The views are split by sub-domain: ``register`` (enterprises, providers, qualifications, service
areas, engineers), ``contracts`` (contracts, planning), ``visits`` (visits, supervision rounds,
street ranking); ``common`` holds what they share.
"""

from __future__ import annotations

from safecity.smallbiz.api.contracts import ContractViewSet
from safecity.smallbiz.api.register import (
    EngineerViewSet,
    EnterpriseViewSet,
    ProviderViewSet,
    QualificationViewSet,
    ServiceAreaViewSet,
)
from safecity.smallbiz.api.visits import StreetRankingView, SupervisionRoundViewSet, VisitViewSet

__all__ = [
    "ContractViewSet",
    "EngineerViewSet",
    "EnterpriseViewSet",
    "ProviderViewSet",
    "QualificationViewSet",
    "ServiceAreaViewSet",
    "StreetRankingView",
    "SupervisionRoundViewSet",
    "VisitViewSet",
]

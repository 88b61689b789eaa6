"""Factory-within-a-factory register API (厂中厂, issue 17 part 1): parks (site plan, shapes,
buildings, the tenant list in Excel), tenants (register, correct, leave), safety-management
agreements, the landlord's inspections with the checklist, trainings and drills, the register's
own findings, and the district's campaign figures. Thin serializers over ``selectors.py`` and
``services/`` (the core error format).

Who: what core scoping gives (``models.PARK_SCOPE``, ``TENANT_SCOPE``): the district and the city
every park in their jurisdiction, the landlord's people their parks and tenants, a tenant's people
their own tenant record, agreements and inspections. Writes are checked by the services against the
park: a tenant's people read, never write (403).

Refusals: ``duplicate`` (a unified number or an enterprise already in the park) and ``left`` (the
tenant has left) answer 409; invalid input 400 with its fields (an import: 400 with ``rows``, the
table of row/column/problem); an id out of the caller's reach answers as one that does not exist
(404 in a path, 400 in a body); a visible record the caller may not change 403.

The views are split by sub-domain: ``parks`` (parks, site plan, shapes, buildings, tenant import),
``tenants`` (tenants, leaving, agreements), ``management`` (checklist, inspections, trainings,
findings, campaign); ``common`` holds what they share.
"""

from __future__ import annotations

from safecity.parks.api.management import CampaignView, ChecklistView, FindingViewSet, InspectionViewSet, TrainingViewSet
from safecity.parks.api.parks import ParkViewSet, ShapeViewSet
from safecity.parks.api.tenants import AgreementViewSet, TenantViewSet

__all__ = [
    "AgreementViewSet",
    "CampaignView",
    "ChecklistView",
    "FindingViewSet",
    "InspectionViewSet",
    "ParkViewSet",
    "ShapeViewSet",
    "TenantViewSet",
    "TrainingViewSet",
]

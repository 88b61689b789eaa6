"""Every read of the factory-within-a-factory register a user sees, scoped by core
(``core.scoping.scoped``): the district and the city every park in their jurisdiction; a landlord's
people its parks and their tenants; a tenant's people their own tenant record, its agreements and
inspections (never the park's other tenants). The public reads one tenant's safety notice by the
key on its nameplate (:func:`public_notice`), and only that."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.http import Http404
from django.urls import reverse

from safecity.core.ids import id_or_none
from safecity.core.models import Region
from safecity.core.scoping import CHANGE, can, district_code, principal_for, scoped
from safecity.hazards.choices import HazardLevel, HazardState
from safecity.parks.choices import AgreementState
from safecity.parks.models import (
    VIEW_ROLES,
    Building,
    InspectionFinding,
    Park,
    ParkFinding,
    SafetyAgreement,
    SiteShape,
    Tenant,
    TenantInspection,
    Training,
    TrainingAttendance,
)
from safecity.parks.services.common import today
from safecity.parks.services.findings import TenantStatus, tenant_statuses

CLOSED_STATES = (HazardState.ACCEPTED, HazardState.WITHDRAWN)
IN_PARK = Q(left_on__isnull=True)


def sees_parks(user: Any) -> bool:
    principal = principal_for(user)
    return principal.is_superuser or bool(principal.roles & VIEW_ROLES)


def park_list(*, user: Any) -> QuerySet[Park]:
    """The parks within reach, with how many tenants are in each."""
    return (
        scoped(Park, user)
        .select_related("landlord__region")
        .annotate(tenants_in=Count("tenants", filter=Q(tenants__left_on__isnull=True), distinct=True))
        # An aggregate drops the model's ordering (GROUP BY): a page needs a stable order.
        .order_by("landlord__region__code", "name", "id")
    )


def park_get(*, user: Any, pk: Any) -> Park:
    key = id_or_none(pk)
    park = park_list(user=user).filter(pk=key).first() if key is not None else None
    if park is None:
        raise Http404
    return park


def may_manage(user: Any, park: Park) -> bool:
    """The landlord's people and the officials over the park write its register."""
    return can(user, park, CHANGE)


def tenant_list(*, user: Any) -> QuerySet[Tenant]:
    return scoped(Tenant, user).select_related("park__landlord__region", "organisation", "building")


def tenant_get(*, user: Any, pk: Any) -> Tenant:
    pk = id_or_none(pk)
    tenant = tenant_list(user=user).filter(pk=pk).first() if pk is not None else None
    if tenant is None:
        raise Http404
    return tenant


def buildings(*, user: Any, park: Park) -> QuerySet[Building]:
    return (
        scoped(Building, user)
        .filter(park=park)
        .annotate(tenants_in=Count("tenants", filter=Q(tenants__left_on__isnull=True)))
        .order_by("name", "id")
    )


def shapes(*, user: Any, park: Park) -> QuerySet[SiteShape]:
    return scoped(SiteShape, user).filter(park=park).select_related("tenant")


def agreements(*, user: Any, tenant: Tenant) -> QuerySet[SafetyAgreement]:
    return scoped(SafetyAgreement, user).filter(tenant=tenant)


def agreement_get(*, user: Any, pk: Any) -> SafetyAgreement:
    key = id_or_none(pk)
    agreement = scoped(SafetyAgreement, user).select_related("tenant__park").filter(pk=key).first() if key is not None else None
    if agreement is None:
        raise Http404
    return agreement


def inspections(*, user: Any, tenant: Tenant | None = None, park: Park | None = None) -> QuerySet[TenantInspection]:
    queryset = scoped(TenantInspection, user).select_related("tenant__organisation", "tenant__park")
    if tenant is not None:
        queryset = queryset.filter(tenant=tenant)
    if park is not None:
        queryset = queryset.filter(tenant__park=park)
    return queryset


def inspection_get(*, user: Any, pk: Any) -> TenantInspection:
    key = id_or_none(pk)
    inspection = inspections(user=user).filter(pk=key).first() if key is not None else None
    if inspection is None:
        raise Http404
    return inspection


def inspection_findings(*, user: Any, inspection: TenantInspection) -> QuerySet[InspectionFinding]:
    # The landlord follows the hazards its inspection reported (their number and state) here.
    return scoped(InspectionFinding, user).filter(inspection=inspection).select_related("hazard")


def trainings(*, user: Any, park: Park | None = None) -> QuerySet[Training]:
    queryset = scoped(Training, user)
    if park is not None:
        queryset = queryset.filter(park=park)
    return queryset.annotate(tenants_attending=Count("attendance"), people=Sum("attendance__attendees")).order_by(
        "-held_on", "-id"
    )


def training_attendance(*, user: Any, tenant: Tenant) -> QuerySet[TrainingAttendance]:
    return scoped(TrainingAttendance, user).filter(tenant=tenant).select_related("training")


def findings(*, user: Any, park: Park | None = None, standing: bool = True) -> QuerySet[ParkFinding]:
    queryset = scoped(ParkFinding, user).select_related("hazard", "tenant__organisation", "park", "tenant__park")
    if park is not None:
        queryset = queryset.filter(park=park)
    if standing:
        queryset = queryset.filter(cleared_on__isnull=True)
    return queryset


def hazards_visible(*, user: Any, hazard_ids: Any) -> set[int]:
    """Of these hidden hazards, those the user may open (a landlord reads the ones at its own
    enterprise, not a tenant's three-in-one): the pages link only those."""
    from safecity.hazards.models import HiddenHazard

    ids = {i for i in hazard_ids if i is not None}
    return set(scoped(HiddenHazard, user).filter(pk__in=ids).values_list("pk", flat=True)) if ids else set()


def statuses(tenants: list[Tenant], day: date | None = None) -> dict[int, TenantStatus]:
    return tenant_statuses(tenants, day or today())


@dataclass
class ParkRow:
    park: Park
    district: str = ""
    tenants: int = 0
    agreements: Counter[str] = field(default_factory=Counter)
    overdue: int = 0
    three_in_one: int = 0
    major_open: int = 0


@dataclass
class Campaign:
    """The district's campaign view: every park in reach and its figures, and the totals."""

    rows: list[ParkRow]
    totals: ParkRow | None
    points: list[dict[str, Any]]


def campaign(*, user: Any, district: str = "") -> Campaign:
    """The campaign view (issue 17 part 1 §5): per park, its tenants, their agreements valid /
    expiring / missing / expired, tenants overdue for inspection or three-in-one, and the major
    hidden hazards the register raised still open. ``district``: a 6-digit code to narrow to."""
    queryset = park_list(user=user)
    if district:
        path = Region.objects.filter(code=district).values_list("path", flat=True).first()
        queryset = queryset.filter(landlord__region__path__startswith=path) if path else queryset.none()
    parks = list(queryset)
    ids = [p.pk for p in parks]
    tenants = list(scoped(Tenant, user).filter(IN_PARK, park_id__in=ids).select_related("park"))
    status = statuses(tenants)
    names = _district_names({p.landlord.region.path for p in parks})
    rows = {p.pk: ParkRow(park=p, district=names.get(district_code(p.landlord.region.path), "")) for p in parks}
    for tenant in tenants:
        row = rows[tenant.park_id]
        s = status[tenant.pk]
        row.tenants += 1
        row.agreements[s.agreement] += 1
        row.overdue += int(s.inspection_overdue)
        row.three_in_one += int(s.three_in_one)
    majors = (
        scoped(ParkFinding, user)
        .filter(park_id__in=ids, hazard__level=HazardLevel.MAJOR)
        .exclude(hazard__state__in=CLOSED_STATES)
        .values("park_id")
        .annotate(n=Count("id"))
    )
    for item in majors:
        rows[item["park_id"]].major_open = item["n"]
    totals = ParkRow(park=None) if rows else None  # type: ignore[arg-type]
    for row in rows.values():
        assert totals is not None
        totals.tenants += row.tenants
        totals.agreements.update(row.agreements)
        totals.overdue += row.overdue
        totals.three_in_one += row.three_in_one
        totals.major_open += row.major_open
    points = [
        {
            "name": p.name,
            "lat": float(p.latitude),
            "lon": float(p.longitude),
            "tenants": rows[p.pk].tenants,
            "missing": rows[p.pk].agreements[AgreementState.MISSING] + rows[p.pk].agreements[AgreementState.EXPIRED],
            "major": rows[p.pk].major_open,
            "url": reverse("parks:park", args=[p.pk]),
        }
        for p in parks
        if p.latitude is not None and p.longitude is not None
    ]
    return Campaign(rows=list(rows.values()), totals=totals, points=points)


def _district_names(paths: set[str]) -> dict[str, str]:
    codes = {district_code(path) for path in paths}
    return dict(Region.objects.filter(code__in=codes).values_list("code", "name"))


def campaign_districts(*, user: Any) -> list[Region]:
    """The districts the user's parks lie in (the campaign view's filter)."""
    paths = set(park_list(user=user).values_list("landlord__region__path", flat=True))
    return list(Region.objects.filter(code__in={district_code(p) for p in paths}).order_by("code"))


def may_register_park(user: Any) -> bool:
    """Officials of an area and enterprise people (for their own enterprise, checked by the service)."""
    principal = principal_for(user)
    return principal.is_superuser or bool(principal.roles & VIEW_ROLES)


def public_notice(token: str) -> Tenant:
    """A tenant's public safety notice, by the key printed in its nameplate's QR code (no account).
    A tenant that left has no notice any more."""
    token = (token or "")[:32]
    tenant = (
        Tenant.objects.select_related("park__landlord", "organisation", "building")
        .filter(notice_token=token, left_on__isnull=True)
        .first()
        if token
        else None
    )
    if tenant is None:
        raise Http404
    return tenant

"""The factory-within-a-factory register in the city cockpit and ``safecity figures`` (issue 17
part 1, domain-rules §6), counted from the records for whoever reaches them (the district and the
city their parks, a landlord's people its parks): the parks and the tenants in them today, where
the tenants' safety-management agreements stand today (valid, expiring within the warning days,
missing, expired: ``services.findings.tenant_statuses``, as the campaign view counts them), the
tenants not inspected within the landlord's period and those three-in-one, the hidden hazards the
register raised in the year and its major ones still open; and, per district, the tenants without
a valid agreement (missing or expired)."""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safecity.core.figures import FigureContext, indicator, panel
from safecity.core.models import Region
from safecity.core.scoping import district_code
from safecity.hazards.choices import HazardLevel, HazardState
from safecity.parks.choices import AgreementState
from safecity.parks.models import Park, ParkFinding, Tenant
from safecity.parks.services.findings import TenantStatus, tenant_statuses

SECTION = _("Factory within a factory")
CLOSED_STATES = (HazardState.ACCEPTED, HazardState.WITHDRAWN)
WITHOUT_VALID = (AgreementState.MISSING, AgreementState.EXPIRED)


def _in_park(ctx: FigureContext) -> QuerySet[Tenant]:
    return ctx.records(Tenant).filter(left_on__isnull=True).select_related("park__landlord__region")


def _statuses(ctx: FigureContext) -> list[tuple[Tenant, TenantStatus]]:
    """Each tenant in a park today with its status, computed once per context."""

    def compute() -> list[tuple[Tenant, TenantStatus]]:
        tenants = list(_in_park(ctx))
        statuses = tenant_statuses(tenants, timezone.localdate())
        return [(t, statuses[t.pk]) for t in tenants]

    return ctx.memo("parks.statuses", compute)


def _agreements(ctx: FigureContext) -> Counter[str]:
    return Counter(status.agreement for _tenant, status in _statuses(ctx))


@indicator("parks.parks", title=_("Factory-within-a-factory parks"), section=SECTION, unit=_("parks"), order=760)
def parks(ctx: FigureContext) -> int:
    return ctx.records(Park).count()


@indicator("parks.tenants", title=_("Tenants in the parks"), section=SECTION, unit=_("tenants"), order=761)
def tenants(ctx: FigureContext) -> int:
    return len(_statuses(ctx))


@indicator(
    "parks.agreements_valid",
    title=_("Tenants with a valid safety-management agreement"),
    section=SECTION,
    unit=_("tenants"),
    order=762,
)
def agreements_valid(ctx: FigureContext) -> int:
    return _agreements(ctx)[AgreementState.VALID]


@indicator(
    "parks.agreements_expiring",
    title=_("Tenants whose safety-management agreement expires soon"),
    section=SECTION,
    unit=_("tenants"),
    order=763,
)
def agreements_expiring(ctx: FigureContext) -> int:
    return _agreements(ctx)[AgreementState.EXPIRING]


@indicator(
    "parks.agreements_missing",
    title=_("Tenants without a safety-management agreement"),
    section=SECTION,
    unit=_("tenants"),
    order=764,
)
def agreements_missing(ctx: FigureContext) -> int:
    return _agreements(ctx)[AgreementState.MISSING]


@indicator(
    "parks.agreements_expired",
    title=_("Tenants whose safety-management agreement has expired"),
    section=SECTION,
    unit=_("tenants"),
    order=765,
)
def agreements_expired(ctx: FigureContext) -> int:
    return _agreements(ctx)[AgreementState.EXPIRED]


@indicator(
    "parks.inspection_overdue",
    title=_("Tenants not inspected within the landlord's period"),
    section=SECTION,
    unit=_("tenants"),
    order=766,
)
def inspection_overdue(ctx: FigureContext) -> int:
    return sum(1 for _tenant, status in _statuses(ctx) if status.inspection_overdue)


@indicator("parks.three_in_one", title=_("Three-in-one tenants"), section=SECTION, unit=_("tenants"), order=767)
def three_in_one(ctx: FigureContext) -> int:
    return sum(1 for _tenant, status in _statuses(ctx) if status.three_in_one)


@indicator(
    "parks.hazards_raised",
    title=_("Hidden hazards raised by the parks register"),
    section=SECTION,
    unit=_("hazards"),
    order=768,
)
def hazards_raised(ctx: FigureContext) -> int:
    return ctx.records(ParkFinding).filter(raised_on__year=ctx.year).count()


@indicator(
    "parks.major_open",
    title=_("Major hidden hazards of the parks register still open"),
    section=SECTION,
    unit=_("hazards"),
    order=769,
)
def major_open(ctx: FigureContext) -> int:
    return ctx.records(ParkFinding).filter(hazard__level=HazardLevel.MAJOR).exclude(hazard__state__in=CLOSED_STATES).count()


def _district_code(tenant: Tenant) -> str:
    return district_code(tenant.park.landlord.region.path)


@panel(
    "parks.agreements_by_district",
    title=_("Park tenants without a valid safety-management agreement, by district"),
    section=SECTION,
    template="core/panels/bar.html",
    order=770,
)
def agreements_by_district(ctx: FigureContext) -> dict[str, Any]:
    counts: Counter[str] = Counter()
    for tenant, status in _statuses(ctx):
        counts[_district_code(tenant)] += int(status.agreement in WITHOUT_VALID)
    names = dict(Region.objects.filter(code__in=list(counts)).values_list("code", "name"))
    codes = sorted(counts)
    labels = [names.get(code, code) for code in codes]
    values = [counts[code] for code in codes]
    return {"counts": dict(zip(labels, values, strict=True)), "labels": labels, "values": values}

"""The hidden hazards the factory-within-a-factory register raises by itself (issue 17 part 1 §3).

Evaluated for the tenants in each park on a day (``rules.py``):

- a tenant without a safety-management agreement in force: missing, or expired (Safety Production
  Law art. 49); a general hidden hazard of the landlord;
- a tenant not inspected within the period the landlord set: a **major** hidden hazard of the
  landlord under order No. 10 (2023) art. 3 item (1); a park with tenants and no period at all (the
  landlord coordinates none of them) is the same major hazard, once for the park;
- a tenant whose premises are three-in-one (production or storage, and people living there): a
  **major** fire hazard of the tenant (消防〔2023〕72号; GB 35181-2017).

Each condition raises one hidden hazard through ``hazards.services.hazard_report_by_platform``
with its legal basis as the cause, and a ``ParkFinding`` that stands while the condition lasts: a
re-run raises nothing twice (one standing finding per park, tenant and kind, kept by a database
constraint and the park row's lock), and a condition that ends (an agreement signed, the tenant
inspected or gone) clears its finding. The hidden hazard follows its lifecycle to acceptance.

Who: the platform (the daily job ``parks.findings_sweep`` raises and clears), and the register's
services after a write that may end a condition (they only clear).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from safecity.parks.choices import FINDING_BASIS, MAJOR_FINDINGS, AgreementState, ParkFindingKind
from safecity.parks.models import Park, ParkFinding, SafetyAgreement, Tenant
from safecity.parks.rules import Period, agreement_state, inspection_overdue, three_in_one


def warn_days() -> int:
    return int(getattr(settings, "SAFECITY_PARKS_AGREEMENT_WARN_DAYS", 30))


@dataclass
class TenantStatus:
    """What the register shows of one tenant on a day."""

    tenant_id: int
    agreement: AgreementState
    agreement_until: date | None
    last_inspected_on: date | None
    inspection_overdue: bool
    three_in_one: bool


def tenant_statuses(tenants: Iterable[Tenant], day: date) -> dict[int, TenantStatus]:
    """The agreement state, last inspection and conditions of each tenant (two queries)."""
    tenants = list(tenants)
    ids = [t.pk for t in tenants]
    periods: dict[int, list[Period]] = {}
    for tenant_id, valid_from, valid_until in SafetyAgreement.objects.filter(tenant_id__in=ids).values_list(
        "tenant_id", "valid_from", "valid_until"
    ):
        periods.setdefault(tenant_id, []).append(Period(valid_from, valid_until))
    last = dict(
        Tenant.objects.filter(pk__in=ids, inspections__inspected_on__lte=day)
        .annotate(last=Max("inspections__inspected_on"))
        .values_list("pk", "last")
    )
    out = {}
    for tenant in tenants:
        mine = periods.get(tenant.pk, [])
        covering = [p.valid_until for p in mine if p.valid_from <= day <= p.valid_until]
        out[tenant.pk] = TenantStatus(
            tenant_id=tenant.pk,
            agreement=agreement_state(mine, day, warn_days=warn_days()),
            # The day cover ends; without cover, the day the last one ended (none for a tenant that
            # never had one, or whose only agreement starts later).
            agreement_until=max(covering)
            if covering
            else max((p.valid_until for p in mine if p.valid_until < day), default=None),
            last_inspected_on=last.get(tenant.pk),
            inspection_overdue=inspection_overdue(
                entered_on=tenant.entered_on,
                last_inspected_on=last.get(tenant.pk),
                interval_days=tenant.park.inspection_interval_days,
                today=day,
            ),
            three_in_one=three_in_one(production=tenant.uses_production, storage=tenant.uses_storage, living=tenant.uses_living),
        )
    return out


def _conditions(park: Park, tenants: list[Tenant], day: date) -> set[tuple[int | None, str]]:
    """The (tenant id or None for the park, kind) conditions standing in ``park`` on ``day``."""
    found: set[tuple[int | None, str]] = set()
    statuses = tenant_statuses(tenants, day)
    for tenant in tenants:
        status = statuses[tenant.pk]
        if status.agreement == AgreementState.MISSING:
            found.add((tenant.pk, ParkFindingKind.AGREEMENT_MISSING))
        elif status.agreement == AgreementState.EXPIRED:
            found.add((tenant.pk, ParkFindingKind.AGREEMENT_EXPIRED))
        if status.inspection_overdue:
            found.add((tenant.pk, ParkFindingKind.NOT_INSPECTED))
        if status.three_in_one:
            found.add((tenant.pk, ParkFindingKind.THREE_IN_ONE))
    if tenants and park.inspection_interval_days is None:
        found.add((None, ParkFindingKind.NO_COORDINATION))
    return found


def _description(park: Park, tenant: Tenant | None, kind: str) -> str:
    if kind == ParkFindingKind.NO_COORDINATION:
        return _("%(park)s: the landlord has set no period for inspecting its tenants and coordinates none of them.") % {
            "park": park.name
        }
    assert tenant is not None
    words: dict[str, str] = {
        ParkFindingKind.AGREEMENT_MISSING: _("%(park)s: no safety-management agreement with tenant %(number)s %(tenant)s."),
        ParkFindingKind.AGREEMENT_EXPIRED: _(
            "%(park)s: the safety-management agreement with tenant %(number)s %(tenant)s has expired."
        ),
        ParkFindingKind.NOT_INSPECTED: _(
            "%(park)s: tenant %(number)s %(tenant)s has not been inspected within the landlord's period of %(days)s days."
        ),
        ParkFindingKind.THREE_IN_ONE: _(
            "%(park)s: people live in the premises of tenant %(number)s %(tenant)s where it produces or stores (three-in-one)."
        ),
    }
    return words[kind] % {
        "park": park.name,
        "number": tenant.full_number,
        "tenant": tenant.organisation.name,
        "days": park.inspection_interval_days or "",
    }


def _raise(park: Park, tenant: Tenant | None, kind: str, day: date) -> ParkFinding:
    from safecity.hazards.choices import HazardLevel, HazardSource, HazardType
    from safecity.hazards.services import hazard_report_by_platform

    with translation.override(settings.LANGUAGE_CODE):
        description = _description(park, tenant, kind)
        comment = _("Raised by the factory-within-a-factory register's daily check.")
    hazard = hazard_report_by_platform(
        # Three-in-one is the tenant's use of its premises; the others are the landlord's duties.
        organisation=tenant.organisation if kind == ParkFindingKind.THREE_IN_ONE and tenant else park.landlord,
        description=description,
        hazard_type=HazardType.FIRE if kind == ParkFindingKind.THREE_IN_ONE else HazardType.SAFETY,
        # Source "other": the register's own check is none of the check kinds of the national list.
        source=HazardSource.OTHER,
        discovered_at=timezone.make_aware(datetime.combine(day, time(8))) if day != timezone.localdate() else timezone.now(),
        comment=comment,
        level=HazardLevel.MAJOR if kind in MAJOR_FINDINGS else HazardLevel.GENERAL,
        cause=FINDING_BASIS[kind],
    )
    return ParkFinding.objects.create(park=park, tenant=tenant, kind=kind, hazard=hazard, raised_on=day)


@dataclass
class SweepResult:
    raised: int = 0
    cleared: int = 0
    parks: int = 0


def _sweep_park(park_id: int, day: date, result: SweepResult, raise_new: bool) -> None:
    with transaction.atomic():
        park = Park.objects.select_for_update().select_related("landlord__region").filter(pk=park_id).first()
        if park is None:
            return
        tenants = list(
            Tenant.objects.filter(park=park, entered_on__lte=day)
            .exclude(left_on__lt=day)
            .exclude(left_on=day)
            .select_related("organisation", "park")
        )
        wanted = _conditions(park, tenants, day)
        standing = {(f.tenant_id, f.kind): f for f in ParkFinding.objects.filter(park=park, cleared_on__isnull=True)}
        for key, finding in standing.items():
            if key not in wanted:
                finding.cleared_on = day
                finding.save(update_fields=["cleared_on", "updated_at"])
                result.cleared += 1
        if not raise_new:
            result.parks += 1
            return
        by_id = {t.pk: t for t in tenants}
        for tenant_id, kind in sorted(wanted - set(standing), key=lambda k: (k[0] or 0, k[1])):
            _raise(park, by_id.get(tenant_id) if tenant_id else None, kind, day)
            result.raised += 1
        result.parks += 1


def findings_sweep(*, parks: Iterable[int] | None = None, today: date | None = None, raise_new: bool = True) -> SweepResult:
    """Raise the hidden hazards of the conditions standing on ``today`` and clear the findings whose
    condition ended, park by park (each park in its own transaction, its row locked, so two runs
    never raise one condition twice).

    ``raise_new=False`` only clears: what the register's writes run, so a condition that a write
    ends (an agreement signed, the tenant inspected or gone) stops standing at once, while a new
    condition is raised by the daily job only. A landlord entering its tenants and then their
    agreements one by one is not handed a hidden hazard for each tenant it has not reached yet."""
    day = today or timezone.localdate()
    ids = list(parks) if parks is not None else list(Park.objects.order_by("pk").values_list("pk", flat=True))
    result = SweepResult()
    for park_id in ids:
        _sweep_park(park_id, day, result, raise_new)
    return result


def findings_standing(park: Park) -> Any:
    return ParkFinding.objects.filter(park=park, cleared_on__isnull=True).select_related("hazard", "tenant__organisation")

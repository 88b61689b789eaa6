"""Reads of the forklift platform, all through :func:`safecity.core.scoping.scoped`.

Who sees what: the regulator (city officials such as the market supervision bureau, the city
administrator) every enterprise's trucks, drivers, plants and checks; a district official and an
inspector those of the enterprises in their district; an enterprise's manager and staff their
own; procurators, fire officers, experts and outsiders nothing (``VIEW_ROLES``). Lists, details,
exports, the API and the cockpit read through these functions or ``scoped`` on the same models.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db.models import Count, DateField, ExpressionWrapper, F, Min, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from safecity.core.models import Organisation
from safecity.core.scoping import principal_for, scoped
from safecity.forklifts import compliance
from safecity.forklifts.choices import CheckKind, ForkliftStatus
from safecity.forklifts.models import (
    ENTERPRISE_ROLES,
    REGULATOR_ROLES,
    VIEW_ROLES,
    CheckFinding,
    Forklift,
    ForkliftEvent,
    ForkliftInspection,
    Operator,
    Plant,
    PlantZone,
    SafetyAppointment,
    SafetyCheck,
)

# The registration deadline in SQL: first use + 30 days (law art. 33).
REGISTRATION_DEADLINE = ExpressionWrapper(
    F("first_used_on") + timedelta(days=compliance.REGISTRATION_DAYS), output_field=DateField()
)
# How far back the missed checks are looked for (a window, so the page costs the same every year).
MISSED_WINDOW = {CheckKind.DAILY: 30, CheckKind.WEEKLY: 8 * 7, CheckKind.MONTHLY: 6 * 31}


def sees_forklifts(user: Any) -> bool:
    principal = principal_for(user)
    return principal.is_superuser or bool(principal.roles & VIEW_ROLES)


def is_regulator(user: Any) -> bool:
    """A district or city regulator (sees the compliance overview of many enterprises)."""
    principal = principal_for(user)
    return principal.is_superuser or bool(principal.roles & (REGULATOR_ROLES | {"inspector"}))


def is_enterprise(user: Any) -> bool:
    return bool(principal_for(user).roles & ENTERPRISE_ROLES)


def enterprises_for(user: Any) -> QuerySet[Organisation]:
    """Enterprises the user may write forklift records for (their own; a regulator: within reach)."""
    principal = principal_for(user)
    if principal.is_superuser or principal.roles & REGULATOR_ROLES:
        return scoped(Organisation, user).filter(kind="enterprise").order_by("name")
    own = [g.organisation_id for g in principal.grants if g.role in ENTERPRISE_ROLES]
    return Organisation.objects.filter(pk__in=own).order_by("name")


def forklift_list(*, user: Any) -> QuerySet[Forklift]:
    return (
        scoped(Forklift, user)
        .select_related("organisation__region", "plant", "safety_officer")
        .order_by("organisation_id", "number", "id")
    )


def forklift_get(*, user: Any, pk: int) -> Forklift:
    forklift = forklift_list(user=user).filter(pk=pk).first()
    if forklift is None:
        raise Http404
    return forklift


def forklift_timeline(*, forklift: Forklift) -> QuerySet[ForkliftEvent]:
    """The timeline of a truck the caller already may see (via :func:`forklift_get`)."""
    return forklift.events.order_by("-at", "-id")


def forklift_inspections(*, forklift: Forklift) -> QuerySet[ForkliftInspection]:
    return forklift.inspections.order_by("-inspected_on", "-id")


def operator_list(*, user: Any) -> QuerySet[Operator]:
    return scoped(Operator, user).select_related("organisation__region").order_by("organisation__name", "name", "id")


def operator_get(*, user: Any, pk: int) -> Operator:
    operator = operator_list(user=user).filter(pk=pk).first()
    if operator is None:
        raise Http404
    return operator


def plant_list(*, user: Any) -> QuerySet[Plant]:
    return (
        scoped(Plant, user)
        .select_related("organisation__region")
        .annotate(n_forklifts=Count("forklifts", filter=~Q(forklifts__status=ForkliftStatus.SCRAPPED), distinct=True))
        .annotate(n_zones=Count("zones", distinct=True))
        .order_by("organisation__name", "name", "id")
    )


def plant_get(*, user: Any, pk: int) -> Plant:
    plant = scoped(Plant, user).select_related("organisation__region").filter(pk=pk).first()
    if plant is None:
        raise Http404
    return plant


def plant_zones(*, plant: Plant) -> QuerySet[PlantZone]:
    return plant.zones.order_by("kind", "name", "id")


def plant_map(*, plant: Plant) -> dict[str, Any]:
    """What the plant map draws: the plan's bounds (Leaflet order) and each zone with its limit."""
    return {
        "bounds": plant.bounds,
        "zones": [
            {
                "name": zone.name,
                "kind": zone.kind,
                "kind_display": str(zone.get_kind_display()),
                "limit": float(zone.speed_limit_kmh) if zone.speed_limit_kmh is not None else None,
                # Leaflet takes [lat, lon]; the zones are stored [lon, lat] as GeoJSON and the rules.
                "points": [[lat, lon] for lon, lat in zone.polygon],
            }
            for zone in plant_zones(plant=plant)
        ],
    }


def check_list(*, user: Any) -> QuerySet[SafetyCheck]:
    return (
        scoped(SafetyCheck, user)
        .select_related("organisation", "performed_by")
        .annotate(n_findings=Count("findings"))
        .order_by("-period_start", "kind", "-id")
    )


def check_get(*, user: Any, pk: int) -> SafetyCheck:
    check = (
        scoped(SafetyCheck, user)
        .select_related("organisation", "performed_by")
        .prefetch_related(Prefetch("findings", queryset=CheckFinding.objects.select_related("forklift", "hazard")))
        .filter(pk=pk)
        .first()
    )
    if check is None:
        raise Http404
    return check


def appointment_list(*, user: Any) -> QuerySet[SafetyAppointment]:
    return (
        scoped(SafetyAppointment, user)
        .select_related("organisation", "person")
        .order_by("organisation__name", "role", "-appointed_on")
    )


def _start_of(org_id: int, starts: dict[int, date], today: date, kind: str) -> date:
    window = today - timedelta(days=MISSED_WINDOW[kind])  # type: ignore[index]
    return max(window, starts.get(org_id, today))


def _check_starts(org_ids: list[int]) -> dict[int, date]:
    """From when an enterprise owes its checks: its first safety appointment (order No. 74)."""
    rows = (
        SafetyAppointment.objects.filter(organisation_id__in=org_ids)
        .values("organisation_id")
        .annotate(first=Min("appointed_on"))
        .values_list("organisation_id", "first")
    )
    return dict(rows)


@dataclass
class MissedChecks:
    """The closed periods without their record, per kind, within the look-back window."""

    daily: list[date] = field(default_factory=list)
    weekly: list[date] = field(default_factory=list)
    monthly: list[date] = field(default_factory=list)
    expected: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return len(self.daily) + len(self.weekly) + len(self.monthly)

    def of(self, kind: str) -> list[date]:
        return list(getattr(self, kind))


def missed_checks(*, org_ids: list[int], today: date | None = None) -> dict[int, MissedChecks]:
    """Missed days, weeks and months per enterprise (``org_ids`` already scoped by the caller): two queries."""
    today = today or timezone.localdate()
    starts = _check_starts(org_ids)
    earliest = today - timedelta(days=max(MISSED_WINDOW.values()) + 7)
    done: dict[tuple[int, str], set[date]] = {}
    for org, kind, start in SafetyCheck.objects.filter(organisation_id__in=org_ids, period_start__gte=earliest).values_list(
        "organisation_id", "kind", "period_start"
    ):
        done.setdefault((org, kind), set()).add(start)
    out: dict[int, MissedChecks] = {}
    for org in org_ids:
        result = MissedChecks()
        if org in starts:
            for kind in CheckKind.values:
                since = _start_of(org, starts, today, kind)
                closed = compliance.closed_periods(kind, since=since, today=today)
                result.expected[kind] = len(closed)
                setattr(result, kind, [p for p in closed if p not in done.get((org, kind), set())])
        out[org] = result
    return out


@dataclass
class EnterpriseCompliance:
    """One row of the regulator's overview (counts of the enterprise's records)."""

    organisation: Organisation
    forklifts: int = 0
    unregistered: int = 0
    registered_late: int = 0
    inspection_overdue: int = 0
    inspection_due_soon: int = 0
    operators: int = 0
    certificates_expired: int = 0
    missed: MissedChecks = field(default_factory=MissedChecks)

    @property
    def problems(self) -> int:
        return self.unregistered + self.inspection_overdue + self.certificates_expired + self.missed.total


def compliance_overview(*, user: Any, today: date | None = None) -> list[EnterpriseCompliance]:
    """Per enterprise within reach: unregistered or late-registered trucks, inspections overdue or
    due, drivers with expired certificates, missed checks. A fixed number of queries whatever the size."""
    today = today or timezone.localdate()
    deadline = today - timedelta(days=compliance.REGISTRATION_DAYS)
    active = scoped(Forklift, user).exclude(status=ForkliftStatus.SCRAPPED)
    trucks = {
        row["organisation_id"]: row
        for row in active.values("organisation_id").annotate(
            n=Count("id"),
            unregistered=Count("id", filter=Q(registration_number="", first_used_on__lt=deadline)),
            late=Count("id", filter=Q(registered_on__gt=REGISTRATION_DEADLINE)),
            overdue=Count("id", filter=Q(next_inspection_on__lt=today) | Q(next_inspection_on__isnull=True)),
            due=Count("id", filter=Q(next_inspection_on__gte=today, next_inspection_on__lte=compliance.add_months(today, 1))),
        )
    }
    drivers = {
        row["organisation_id"]: row
        for row in scoped(Operator, user)
        .filter(is_active=True)
        .values("organisation_id")
        .annotate(n=Count("id"), expired=Count("id", filter=Q(certificate_valid_until__lt=today)))
    }
    org_ids = sorted(set(trucks) | set(drivers))
    missed = missed_checks(org_ids=org_ids, today=today)
    rows = []
    for org in Organisation.objects.filter(pk__in=org_ids).select_related("region").order_by("name"):
        t, d = trucks.get(org.pk, {}), drivers.get(org.pk, {})
        rows.append(
            EnterpriseCompliance(
                organisation=org,
                forklifts=t.get("n", 0),
                unregistered=t.get("unregistered", 0),
                registered_late=t.get("late", 0),
                inspection_overdue=t.get("overdue", 0),
                inspection_due_soon=t.get("due", 0),
                operators=d.get("n", 0),
                certificates_expired=d.get("expired", 0),
                missed=missed.get(org.pk, MissedChecks()),
            )
        )
    return rows


def officer_choices(*, organisation: Organisation) -> QuerySet[Any]:
    """The enterprise's current safety people (to name as a truck's officer)."""
    from safecity.core.models import Person

    ids = SafetyAppointment.objects.filter(organisation=organisation, ended_on__isnull=True).values("person_id")
    return Person.objects.filter(pk__in=ids).order_by("name")

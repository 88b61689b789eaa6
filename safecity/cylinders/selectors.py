"""Reads of the cylinders app, all through :func:`safecity.core.scoping.scoped`.

Who sees what:
- the regulator (city administrator, city officials such as the market supervision bureau) every
  cylinder; district officials the cylinders of filling units in their district; a filling-station
  operator their unit's cylinders and gate attempts; enterprise users, experts, outsiders nothing;
- an inspection-station operator sees no registry, but may look up any cylinder presented to them
  by its exact code (:func:`cylinder_scan`): the facts an inspection needs and the public history,
  never the private part of events (a household's name, the person who did a step);
- everybody, signed in or not, sees a cylinder's public history by its code (:func:`public_history`)
  and the gate refusals under that code (:func:`public_refusals`): read from the signed statements
  in the ledger, which carry no personal data.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncDate
from django.http import Http404
from django.utils import timezone

from safecity.core.models import Organisation
from safecity.core.scoping import principal_for, scoped
from safecity.cylinders.choices import CylinderState, EventKind, GateReason
from safecity.cylinders.models import VIEW_ROLES, Cylinder, CylinderEvent, FillAttempt
from safecity.cylinders.transitions import next_state
from safecity.ledger.models import LogEntry
from safecity.ledger.selectors import statements_at

KIND_PREFIX = "cylinders."
REFUSAL_KIND = "cylinders.fill_refused"


def sees_registry(user: Any) -> bool:
    principal = principal_for(user)
    return principal.is_superuser or bool(principal.roles & VIEW_ROLES)


def is_inspection_station(user: Any) -> bool:
    return "inspection_station_operator" in principal_for(user).roles


def is_filling_operator(user: Any) -> bool:
    return "filling_station_operator" in principal_for(user).roles


def sees_cylinders(user: Any) -> bool:
    """Any page of the app beyond the public one."""
    return sees_registry(user) or is_inspection_station(user)


def cylinder_list(*, user: Any, filters: dict[str, Any] | None = None) -> QuerySet[Cylinder]:
    """The registry the user may see, filtered by code/serial (``q``), state, owner, inspection status."""
    filters = filters or {}
    queryset = scoped(Cylinder, user).select_related("owner")
    q = (filters.get("q") or "").strip()
    if q:
        queryset = queryset.filter(Q(code__icontains=q) | Q(serial_number__icontains=q))
    if filters.get("state") in CylinderState.values:
        queryset = queryset.filter(state=filters["state"])
    owner = str(filters.get("owner") or "")
    if owner.isdigit():
        queryset = queryset.filter(owner_id=int(owner))
    today = filters.get("today") or timezone.localdate()
    inspection = filters.get("inspection")
    active = queryset.exclude(state=CylinderState.SCRAPPED)
    if inspection == "overdue":
        queryset = active.filter(next_inspection_on__lt=today)
    elif inspection == "due_soon":
        queryset = active.filter(next_inspection_on__gte=today, next_inspection_on__lte=today + timedelta(days=30))
    elif inspection == "past_scrap_age":
        queryset = active.filter(scrap_on__lte=today)
    return queryset.order_by("code")


def cylinder_get(*, user: Any, code: str) -> Cylinder:
    """A cylinder of the user's registry (404 outside it)."""
    cylinder = scoped(Cylinder, user).select_related("owner__region").filter(code=code).first()
    if cylinder is None:
        raise Http404
    return cylinder


def cylinder_scan(*, user: Any, code: str) -> tuple[Cylinder, bool]:
    """A cylinder looked up by its exact code: (cylinder, full access).

    Full access when it is in the user's registry; an inspection-station operator gets any
    cylinder by its exact code with ``full access`` False (the facts and the public history only).
    Anyone else: 404, as if it did not exist.
    """
    code = (code or "").strip()
    found = scoped(Cylinder, user).select_related("owner__region").filter(code=code).first()
    if found is not None:
        return found, True
    if code and is_inspection_station(user):
        cylinder = Cylinder.objects.select_related("owner__region").filter(code=code).first()
        if cylinder is not None:
            return cylinder, False
    raise Http404


def event_list(*, cylinder: Cylinder) -> QuerySet[CylinderEvent]:
    """The events of a cylinder the caller already may see (via :func:`cylinder_get` / :func:`cylinder_scan`)."""
    return cylinder.events.select_related("organisation", "person").order_by("occurred_at", "ledger_index")


def _signed_time(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)


def public_history(*, code: str) -> tuple[Cylinder, list[dict[str, Any]]]:
    """The public page: a cylinder and its events AS SIGNED (no person, no household's name).

    Each event's kind, time, organisation and details come from the signed statement in the
    ledger (one query), never from the mutable row: what the page shows next to a verified check
    mark is what was signed. The state after each step is the replay of the signed kinds."""
    cylinder = Cylinder.objects.select_related("owner").filter(code=(code or "").strip()).first()
    if cylinder is None:
        raise Http404
    indexes = list(cylinder.events.order_by("ledger_index").values_list("ledger_index", flat=True))
    signed = statements_at(indexes)
    names = dict(Organisation.objects.filter(pk__in={s.organisation_id for s in signed.values()}).values_list("pk", "name"))
    events: list[dict[str, Any]] = []
    state = ""
    for index in indexes:
        statement = signed.get(index)
        if statement is None or not statement.kind.startswith(KIND_PREFIX):
            continue
        kind = statement.kind.removeprefix(KIND_PREFIX)
        state = next_state(state, kind, (statement.body or {}).get("result")) or state
        events.append(
            {
                "kind": kind,
                "kind_display": EventKind(kind).label if kind in EventKind.values else kind,
                "occurred_at": _signed_time(statement.signed_at),
                "organisation": names.get(statement.organisation_id, ""),
                "to_state": state,
                "to_state_display": CylinderState(state).label if state in CylinderState.values else state,
                "data": statement.body,
                "ledger_index": index,
            }
        )
    events.sort(key=lambda e: (e["occurred_at"], e["ledger_index"]))
    return cylinder, events


def public_refusals(*, code: str) -> list[dict[str, Any]]:
    """The filling-gate refusals on the ledger under this code, as signed (station, time, reasons)."""
    indexes = list(
        LogEntry.objects.filter(kind=REFUSAL_KIND, subject=(code or "").strip()).order_by("index").values_list("index", flat=True)
    )
    signed = statements_at(indexes)
    names = dict(Organisation.objects.filter(pk__in={s.organisation_id for s in signed.values()}).values_list("pk", "name"))
    out = []
    for index in indexes:
        statement = signed.get(index)
        if statement is None:
            continue
        codes = (statement.body or {}).get("reasons") or []
        out.append(
            {
                "occurred_at": _signed_time(statement.signed_at),
                "station": names.get(statement.organisation_id, ""),
                "reasons": [str(GateReason(c).label) if c in GateReason.values else c for c in codes],
                "reason_codes": list(codes),
                "ledger_index": index,
            }
        )
    return out


def fill_attempt_list(*, user: Any, allowed: bool | None = None) -> QuerySet[FillAttempt]:
    queryset = scoped(FillAttempt, user).select_related("station", "cylinder")
    if allowed is not None:
        queryset = queryset.filter(allowed=allowed)
    return queryset


def station_inspection_list(*, user: Any) -> QuerySet[CylinderEvent]:
    """The inspections, repairs and scrappings the user's inspection station wrote (its own records)."""
    stations = [g.organisation_id for g in principal_for(user).grants if g.role == "inspection_station_operator"]
    return (
        CylinderEvent.objects.filter(
            organisation_id__in=stations, kind__in=[EventKind.INSPECTION, EventKind.REPAIR, EventKind.SCRAPPING]
        )
        .select_related("cylinder", "organisation")
        .order_by("-occurred_at", "-ledger_index")
    )


def owner_choices(*, user: Any) -> QuerySet[Organisation]:
    """Filling units whose cylinders the user may see (the owner filter)."""
    ids = scoped(Cylinder, user).values("owner_id")
    return Organisation.objects.filter(pk__in=ids).order_by("name")


def status_counts(*, user: Any) -> list[tuple[str, str, int]]:
    rows = dict(scoped(Cylinder, user).values("state").annotate(n=Count("id")).values_list("state", "n"))
    return [(value, str(label), rows.get(value, 0)) for value, label in CylinderState.choices]


def fills_per_day(*, queryset: QuerySet[CylinderEvent], today: date, days: int = 30) -> list[tuple[date, int]]:
    start = today - timedelta(days=days - 1)
    rows = dict(
        queryset.filter(kind=EventKind.FILLING, occurred_at__date__gte=start, occurred_at__date__lte=today)
        .annotate(day=TruncDate("occurred_at"))
        .values("day")
        .annotate(n=Count("id"))
        .values_list("day", "n")
    )
    return [(start + timedelta(days=i), rows.get(start + timedelta(days=i), 0)) for i in range(days)]

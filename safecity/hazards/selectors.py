"""Every read of the dual-prevention app that a user sees; each starts from :func:`scoped`."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Min, Q, QuerySet, Sum
from django.http import Http404

from safecity.core.models import Organisation
from safecity.core.scoping import principal_for, scope_q, scoped
from safecity.hazards.choices import OPEN_STATES, HazardState
from safecity.hazards.filtersets import HiddenHazardFilterSet, RiskEventFilterSet
from safecity.hazards.models import (
    CheckRecord,
    CheckTask,
    HazardTally,
    HazardTransition,
    HiddenHazard,
    RiskEvent,
    RiskObject,
    RiskRegistry,
)


def hazard_list(*, user: Any, filters: dict[str, Any] | None = None) -> QuerySet[HiddenHazard]:
    """The supervision list: hidden hazards within reach, newest first (``-discovered_at, -id``).

    Scoped and filtered on the hazard row itself (``region_path``, level, state: see
    ``hazards/db.py``), so a keyset page (core.paging) is an index range at any depth; the
    enterprise and its region are joined only for the page's rows (the liable person only on the
    hazard's own page: a list shows at most the person's id)."""
    queryset = scoped(HiddenHazard, user).select_related("organisation", "organisation__region")
    if filters is not None:
        queryset = HiddenHazardFilterSet(filters, queryset=queryset).qs
    return queryset


# Filters the tallies can answer (HazardTally is keyed by region path, level and state).
TALLY_FILTERS = frozenset({"level", "state", "region"})


def hazard_count(
    *, user: Any, filters: Any, queryset: QuerySet[HiddenHazard], filterset: HiddenHazardFilterSet | None = None
) -> int:
    """The exact number of hidden hazards the filtered list holds, as cheaply as it can be had.

    From the maintained tallies (a sum over a few hundred rows, whatever the number of hazards)
    when only level, state and region filter and the user sees hazards by jurisdiction alone (or
    everything); otherwise the rows are counted (an index-only scan for the indexed filters).
    ``filters``: the request's query parameters; ``queryset``: the list they filtered (hazard_list);
    ``filterset``: the bound filterset that filtered it, if the caller has it (its validated
    filters and region look-up are reused instead of done again).
    """
    if filterset is None:
        filterset = HiddenHazardFilterSet(filters, queryset=HiddenHazard.objects.none())
    form = filterset.form
    if not form.is_valid():
        return queryset.count()
    data = form.cleaned_data
    if any(value not in (None, "", [], ()) for name, value in data.items() if name not in TALLY_FILTERS):
        return queryset.count()
    # The user's reach over hazards, applied to the tallies as it is: it qualifies only when it is
    # nothing but region-path prefixes (jurisdiction grants), the tallies' own key.
    reach = scope_q(HiddenHazard, principal_for(user))
    if reach is not None and not _only_region_prefixes(reach):
        return queryset.count()
    tallies = HazardTally.objects.all() if reach is None else HazardTally.objects.filter(reach)
    for name in ("level", "state"):
        if data.get(name) not in (None, ""):
            tallies = tallies.filter(**{name: data[name]})
    code = (data.get("region") or "").strip()
    if code:
        path = filterset.region_path(code)
        if path is None:
            return 0
        tallies = tallies.filter(region_path__startswith=path)
    return int(tallies.aggregate(n=Sum("n"))["n"] or 0)


def _only_region_prefixes(q: Q) -> bool:
    if q.negated or (q.connector != Q.OR and len(q.children) > 1):
        return False
    for child in q.children:
        if isinstance(child, Q):
            if not _only_region_prefixes(child):
                return False
        elif not (isinstance(child, tuple) and child[0] == "region_path__startswith"):
            return False
    return bool(q.children)


def hazard_get(*, user: Any, pk: int) -> HiddenHazard:
    hazard = hazard_list(user=user).select_related("liable_person").filter(pk=pk).first()
    if hazard is None:
        raise Http404
    return hazard


def hazard_timeline(*, user: Any, hazard: HiddenHazard) -> QuerySet[HazardTransition]:
    return scoped(HazardTransition, user).filter(hazard=hazard).order_by("at", "id")


def registry_get(*, user: Any, organisation_id: int) -> RiskRegistry | None:
    return (
        scoped(RiskRegistry, user)
        .select_related("organisation", "dictionary_version")
        .filter(organisation_id=organisation_id)
        .first()
    )


def risk_objects(*, user: Any, organisation_id: int) -> QuerySet[RiskObject]:
    return (
        scoped(RiskObject, user)
        .filter(organisation_id=organisation_id)
        .select_related("principal_in_charge", "technical_in_charge", "operations_in_charge")
        .prefetch_related("units__events__measures__check_tasks", "units__dictionary_entry")
    )


def risk_event_list(*, user: Any, filters: dict[str, Any] | None = None) -> QuerySet[RiskEvent]:
    queryset = scoped(RiskEvent, user).select_related("organisation", "unit", "unit__risk_object")
    if filters is not None:
        queryset = RiskEventFilterSet(filters, queryset=queryset).qs
    return queryset


def due_checks(*, user: Any, organisation_id: int | None = None) -> QuerySet[CheckRecord]:
    """Checks that are due or overdue (the inspector's and the enterprise's to-do list)."""
    queryset = (
        scoped(CheckRecord, user)
        .filter(result__in=["pending", "overdue"])
        .select_related("task", "organisation")
        .prefetch_related("hazards")
    )
    if organisation_id is not None:
        queryset = queryset.filter(organisation_id=organisation_id)
    return queryset.order_by("due_at")


def check_tasks(*, user: Any, organisation_id: int) -> QuerySet[CheckTask]:
    return scoped(CheckTask, user).filter(organisation_id=organisation_id).select_related("measure", "assignee")


def enterprise_highest_risk(*, user: Any, region_path: str | None = None) -> QuerySet[Organisation]:
    """Enterprises with their highest current risk level (1 = red) and open hazard count: the region map."""
    events = scoped(RiskEvent, user)
    if region_path:
        events = events.filter(organisation__region__path__startswith=region_path)
    return (
        Organisation.objects.filter(pk__in=events.values("organisation_id"))
        .annotate(
            highest_risk=Min("risk_events__current_level"),
            open_hazards=Count("hidden_hazards", filter=Q(hidden_hazards__state__in=OPEN_STATES), distinct=True),
        )
        .values("id", "name", "latitude", "longitude", "highest_risk", "open_hazards")
    )


__all__ = ["HazardState"]

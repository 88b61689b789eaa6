"""Every read of the dual-prevention app that a user sees; each starts from :func:`scoped`."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Min, Q, QuerySet
from django.http import Http404

from safecity.core.models import Organisation
from safecity.core.scoping import scoped
from safecity.hazards.choices import OPEN_STATES, HazardState
from safecity.hazards.filtersets import HiddenHazardFilterSet, RiskEventFilterSet
from safecity.hazards.models import (
    CheckRecord,
    CheckTask,
    HazardTransition,
    HiddenHazard,
    RiskEvent,
    RiskObject,
    RiskRegistry,
)


def hazard_list(*, user: Any, filters: dict[str, Any] | None = None) -> QuerySet[HiddenHazard]:
    queryset = scoped(HiddenHazard, user).select_related("organisation", "organisation__region", "liable_person")
    if filters is not None:
        queryset = HiddenHazardFilterSet(filters, queryset=queryset).qs
    return queryset


def hazard_get(*, user: Any, pk: int) -> HiddenHazard:
    hazard = hazard_list(user=user).filter(pk=pk).first()
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

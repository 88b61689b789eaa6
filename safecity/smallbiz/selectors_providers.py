"""The reads of a provider's page and of the forms that correct and retire its qualifications,
service areas and engineers (issue 16, domain-rules §7c). Every read goes through
:func:`safecity.core.scoping.scoped`: the register is public to everyone signed in, so what the
page shows is what the API's lists show."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Count, QuerySet

from safecity.core.scoping import CHANGE, can, scoped
from safecity.smallbiz import selectors
from safecity.smallbiz.choices import ContractState, VisitState
from safecity.smallbiz.models import IN_SERVICE, ProviderEngineer, Qualification, ServiceArea, ServiceProvider, Visit
from safecity.smallbiz.selectors import ProviderPerformance
from safecity.smallbiz.services.common import today

# A qualification that ends within this many days is flagged on the provider's page.
EXPIRY_WARNING_DAYS = 60


def provider_get(*, user: Any, pk: int) -> ServiceProvider | None:
    """The provider if the user sees it (the register is public to everyone signed in)."""
    return selectors.provider_list(user=user).filter(pk=pk).first()


def qualification_list(*, user: Any, provider: ServiceProvider | None = None) -> QuerySet[Qualification]:
    queryset = scoped(Qualification, user).select_related("provider__organisation")
    return queryset.filter(provider=provider) if provider is not None else queryset


def service_area_list(*, user: Any, provider: ServiceProvider | None = None) -> QuerySet[ServiceArea]:
    queryset = scoped(ServiceArea, user).select_related("region", "provider__organisation")
    return queryset.filter(provider=provider) if provider is not None else queryset


def engineer_list(*, user: Any, provider: ServiceProvider | None = None) -> QuerySet[ProviderEngineer]:
    queryset = scoped(ProviderEngineer, user).select_related("person", "provider__organisation")
    return queryset.filter(provider=provider) if provider is not None else queryset


def qualification_get(*, user: Any, provider: ServiceProvider, pk: int) -> Qualification | None:
    return qualification_list(user=user, provider=provider).filter(pk=pk).first()


def service_area_get(*, user: Any, provider: ServiceProvider, pk: int) -> ServiceArea | None:
    return service_area_list(user=user, provider=provider).filter(pk=pk).first()


def engineer_get(*, user: Any, provider: ServiceProvider, pk: int) -> ProviderEngineer | None:
    return engineer_list(user=user, provider=provider).filter(pk=pk).first()


def engineer_open_visits(*, user: Any, engineers: list[ProviderEngineer]) -> dict[int, int]:
    """Per engineer, the visits not yet done (scheduled) of contracts in force that still name them,
    among the visits the user may see: what a re-plan would move to the others."""
    rows = (
        scoped(Visit, user)
        .filter(engineer__in=engineers, state=VisitState.SCHEDULED, contract__state=ContractState.ACTIVE)
        .values("engineer")
        .annotate(n=Count("pk"))
        .values_list("engineer", "n")
    )
    return dict(rows)


@dataclass(frozen=True)
class ProviderPage:
    """What a provider's page shows: the rows in service (with their flags) apart from the retired
    ones (with their day and reason), the counts that decide whether it may be given new work."""

    provider: ServiceProvider
    qualifications: list[dict[str, Any]]
    retired_qualifications: list[Qualification]
    areas: list[ServiceArea]
    removed_areas: list[ServiceArea]
    engineers: list[ProviderEngineer]
    retired_engineers: list[dict[str, Any]]
    registered_engineers: int
    minimum_engineers: int
    in_force: bool
    performance: ProviderPerformance | None
    may_change: bool
    warning_days: int = EXPIRY_WARNING_DAYS

    @property
    def short_of_engineers(self) -> bool:
        return self.registered_engineers < self.minimum_engineers


def _flags(q: Qualification, day: date, soon: date) -> dict[str, Any]:
    return {
        "q": q,
        "expired": q.valid_until < day,
        "soon": day <= q.valid_until <= soon,
        "not_yet": q.valid_from > day,
    }


def provider_page(*, user: Any, provider: ServiceProvider) -> ProviderPage:
    """A provider's page: qualifications (expired / expiring soon / not yet in force flagged),
    service areas and engineers, each in service or retired; its performance over the visits the
    user may see; whether the user keeps the register for it."""
    day = today()
    soon = day + timedelta(days=EXPIRY_WARNING_DAYS)
    qualifications = list(qualification_list(user=user, provider=provider).order_by("-valid_until", "pk"))
    areas = list(service_area_list(user=user, provider=provider).order_by("region__code", "pk"))
    engineers = list(engineer_list(user=user, provider=provider).order_by("person__name", "pk"))
    current = [e for e in engineers if e.retired_on is None]
    retired = sorted((e for e in engineers if e.retired_on is not None), key=lambda e: (e.retired_on, e.pk), reverse=True)
    waiting = engineer_open_visits(user=user, engineers=retired) if retired else {}
    performance = next((r for r in selectors.provider_performance(user=user) if r.provider.pk == provider.pk), None)
    return ProviderPage(
        provider=provider,
        qualifications=[_flags(q, day, soon) for q in qualifications if q.retired_on is None],
        retired_qualifications=sorted(
            (q for q in qualifications if q.retired_on is not None), key=lambda q: (q.retired_on, q.pk), reverse=True
        ),
        areas=[a for a in areas if a.retired_on is None],
        removed_areas=sorted((a for a in areas if a.retired_on is not None), key=lambda a: (a.retired_on, a.pk), reverse=True),
        engineers=current,
        retired_engineers=[{"e": e, "open_visits": waiting.get(e.pk, 0)} for e in retired],
        registered_engineers=sum(1 for e in current if e.registered and e.full_time),
        minimum_engineers=settings.SAFECITY_SMALLBIZ_MIN_ENGINEERS,
        in_force=any(q.valid_on(day) for q in qualifications),
        performance=performance,
        may_change=can(user, provider, CHANGE),
    )


def provider_standing(*, user: Any, provider: ServiceProvider) -> dict[str, Any]:
    """Whether the provider may be given new work now: a qualification in force and its minimum of
    full-time registered engineers in service (the figures the register's pages warn with)."""
    day = today()
    in_force = any(q.valid_on(day) for q in qualification_list(user=user, provider=provider).filter(valid_until__gte=day))
    engineers = engineer_list(user=user, provider=provider).filter(IN_SERVICE, registered=True, full_time=True).count()
    return {"in_force": in_force, "engineers": engineers, "minimum": settings.SAFECITY_SMALLBIZ_MIN_ENGINEERS}

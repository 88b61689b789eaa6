"""Every read of the small and micro enterprise safety services a user sees, scoped by
:func:`safecity.core.scoping.scoped` (lists, pages, exports, API and figures show the same rows)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Avg, Count, F, Min, Q, QuerySet
from django.db.models.functions import TruncDate

from safecity.core.models import Region
from safecity.core.scoping import principal_for, scoped
from safecity.hazards.choices import OPEN_STATES
from safecity.hazards.models import HiddenHazard
from safecity.smallbiz.choices import VisitState
from safecity.smallbiz.models import (
    Contract,
    ContractEnterprise,
    ProviderEngineer,
    Qualification,
    ServiceProvider,
    SmallEnterprise,
    SupervisionRound,
    Visit,
    VisitFinding,
    VisitPhoto,
    VisitScore,
)
from safecity.smallbiz.services.common import today


def enterprise_list(*, user: Any, filters: dict[str, Any] | None = None) -> QuerySet[SmallEnterprise]:
    queryset = scoped(SmallEnterprise, user).select_related("organisation__region__parent")
    filters = filters or {}
    if region := filters.get("region"):
        queryset = queryset.filter(organisation__region__path__startswith=region.path)
    if trade := filters.get("trade"):
        queryset = queryset.filter(trade=trade)
    if risk := filters.get("risk_level"):
        queryset = queryset.filter(risk_level=risk)
    if q := filters.get("q"):
        queryset = queryset.filter(Q(organisation__name__icontains=q) | Q(organisation__credit_code__iexact=q))
    return queryset


def provider_list(*, user: Any) -> QuerySet[ServiceProvider]:
    return scoped(ServiceProvider, user).select_related("organisation", "registered_with")


def contract_list(*, user: Any, filters: dict[str, Any] | None = None) -> QuerySet[Contract]:
    queryset = scoped(Contract, user).select_related("provider__organisation", "buyer", "region")
    filters = filters or {}
    if state := filters.get("state"):
        queryset = queryset.filter(state=state)
    return queryset.annotate(enterprise_count=Count("members", distinct=True)).order_by("-starts_on", "number")


# The visit list's quick filters on the planned day (``?planned=``) and its orders (``?sort=``).
PLANNED_WHEN = ("today", "week")
VISIT_SORTS = {
    "due": ("due_on", "id"),
    "-due": ("-due_on", "-id"),
    # A visit not planned (no CP-SAT plan) comes last either way: it has no day to sort by.
    "planned": (F("planned_on").asc(nulls_last=True), "due_on", "id"),
    "-planned": (F("planned_on").desc(nulls_last=True), "-due_on", "-id"),
}


def week_of(day: date) -> tuple[date, date]:
    """The calendar week (Monday to Sunday) holding ``day``: an engineer's "this week"."""
    monday = day - timedelta(days=day.weekday())
    return monday, monday + timedelta(days=6)


def visit_list(*, user: Any, filters: dict[str, Any] | None = None) -> QuerySet[Visit]:
    """The visits within reach, filtered by region, contract, status (due in 30 days, overdue, a
    state), planned day (``planned``: today or this week), the user's own visits as the engineer
    (``mine``), and ordered by ``sort`` (:data:`VISIT_SORTS`; the due date by default)."""
    queryset = scoped(Visit, user).select_related(
        "contract", "enterprise__organisation__region", "engineer__person", "contract__provider__organisation"
    )
    filters = filters or {}
    day = today()
    if region := filters.get("region"):
        queryset = queryset.filter(enterprise__organisation__region__path__startswith=region.path)
    if contract := filters.get("contract"):
        queryset = queryset.filter(contract=contract)
    status = filters.get("status")
    if status == "due":
        queryset = queryset.filter(state=VisitState.SCHEDULED, due_on__gte=day, due_on__lte=day + timedelta(days=30))
    elif status == "overdue":
        queryset = queryset.filter(state=VisitState.SCHEDULED, due_on__lt=day)
    elif status in VisitState.values:
        queryset = queryset.filter(state=status)
    planned = filters.get("planned")
    if planned == "today":
        queryset = queryset.filter(planned_on=day)
    elif planned == "week":
        queryset = queryset.filter(planned_on__range=week_of(day))
    if filters.get("mine"):
        # The engineer's own visits: those the plan (or the even schedule) gives to their person.
        queryset = queryset.filter(engineer__person_id=principal_for(user).person_id)
    if sort := VISIT_SORTS.get(filters.get("sort") or ""):
        queryset = queryset.order_by(*sort)
    return queryset


def visit_get(*, user: Any, pk: int) -> Visit | None:
    """One visit within reach (None: out of reach or no such visit, the page answers 404)."""
    return visit_list(user=user).filter(pk=pk).first()


def visit_photo_list(*, user: Any, visit: Visit) -> QuerySet[VisitPhoto]:
    return scoped(VisitPhoto, user).filter(visit=visit)


def visit_score_list(*, user: Any, visit: Visit) -> QuerySet[VisitScore]:
    return scoped(VisitScore, user).filter(visit=visit)


def visit_scored_sides(*, visit: Visit) -> set[str]:
    """The sides that already scored ``visit`` (each scores once, whoever may see the scores)."""
    return set(VisitScore.objects.filter(visit=visit).values_list("by", flat=True))


def region_by_code(*, user: Any, code: str) -> Region | None:
    """A region within reach by its division code (the lists' ``?region=``)."""
    code = (code or "").strip()[:12]
    return scoped(Region, user).filter(code=code).first() if code else None


def home_region(*, user: Any) -> Region | None:
    """The region of the user's first jurisdiction (a supervisor lands on their village)."""
    paths = principal_for(user).region_paths
    if not paths:
        return None
    code = paths[0].rstrip("/").rsplit("/", 1)[-1]
    return scoped(Region, user).filter(code=code).first()


def contract_get(*, user: Any, pk: int) -> Contract | None:
    """One contract within reach (None: the page answers 404)."""
    return contract_list(user=user).filter(pk=pk).first()


def contract_member_list(*, user: Any, contract: Contract) -> QuerySet[ContractEnterprise]:
    """The enterprises a contract serves that the user may see, by village then name."""
    return (
        scoped(ContractEnterprise, user)
        .filter(contract=contract)
        .select_related("enterprise__organisation__region")
        .order_by("enterprise__organisation__region__code", "enterprise__organisation__name")
    )


def contract_schedule(*, user: Any, contract: Contract) -> list[dict[str, Any]]:
    """The contract's visits within reach, counted by engineer and village: done, due, overdue,
    and the next planned visit day still to come (the CP-SAT plan; "—" when not planned)."""
    day = today()
    scheduled = Q(state=VisitState.SCHEDULED)
    rows = (
        visit_list(user=user, filters={"contract": contract})
        .order_by()
        .values("engineer__person__name", "enterprise__organisation__region__name", "enterprise__organisation__region__code")
        .annotate(
            total=Count("pk"),
            done=Count("pk", filter=Q(state=VisitState.DONE)),
            due=Count("pk", filter=scheduled & Q(due_on__gte=day)),
            overdue=Count("pk", filter=scheduled & Q(due_on__lt=day)),
            next_planned=Min("planned_on", filter=scheduled & Q(planned_on__gte=day)),
        )
        .order_by("engineer__person__name", "enterprise__organisation__region__code")
    )
    return [
        {
            "engineer": r["engineer__person__name"] or "—",
            "village": r["enterprise__organisation__region__name"],
            "code": r["enterprise__organisation__region__code"],
            "total": r["total"],
            "done": r["done"],
            "due": r["due"],
            "overdue": r["overdue"],
            "next_planned": r["next_planned"],
        }
        for r in rows
    ]


def contract_upcoming_visits(*, user: Any, contract: Contract, limit: int = 50) -> list[Visit]:
    """The contract's visits still to do that the user may see, by planned day (then due date):
    what the provider's engineers do next. Overdue ones first: they are the most pressing."""
    day = today()
    queryset = visit_list(user=user, filters={"contract": contract}).filter(state=VisitState.SCHEDULED)
    overdue = list(queryset.filter(due_on__lt=day).order_by("due_on", "id")[:limit])
    upcoming = queryset.filter(due_on__gte=day).order_by(*VISIT_SORTS["planned"])
    return overdue + list(upcoming[: max(limit - len(overdue), 0)])


def finding_list(*, user: Any, visit: Visit | None = None) -> QuerySet[VisitFinding]:
    queryset = scoped(VisitFinding, user).select_related("hazard")
    return queryset.filter(visit=visit) if visit is not None else queryset


def supervision_round_list(*, user: Any) -> QuerySet[SupervisionRound]:
    return scoped(SupervisionRound, user).select_related("village", "recorded_by")


def visit_checklist(enterprise: SmallEnterprise) -> list[dict[str, Any]]:
    """The check items for a visit: the dictionary's items of the enterprise's trade (the latest
    published version), or the general items (``SAFECITY_SMALLBIZ_GENERAL_CATEGORIES``) when the
    trade has none."""
    from safecity.riskdict.choices import DictionaryStatus
    from safecity.riskdict.models import CheckItem, DictionaryVersion

    version = DictionaryVersion.objects.filter(status=DictionaryStatus.PUBLISHED).order_by("-published_at", "-pk").first()
    if version is None:
        return []
    items = CheckItem.objects.filter(measure__entry__version=version).order_by(
        "measure__entry__code", "measure__order", "order", "pk"
    )
    chosen = list(items.filter(measure__entry__category__code=enterprise.trade)) if enterprise.trade else []
    if not chosen:
        general = [c.strip() for c in settings.SAFECITY_SMALLBIZ_GENERAL_CATEGORIES.split(",") if c.strip()]
        chosen = list(items.filter(measure__entry__category__code__in=general))
    return [{"item": c.pk, "content": c.content, "basis": c.basis} for c in chosen]


@dataclass(frozen=True)
class ProviderPerformance:
    provider: ServiceProvider
    visits_done: int
    on_time: int
    overdue: int
    score: float | None
    registered_engineers: int
    qualification_until: date | None

    @property
    def on_time_rate(self) -> float | None:
        return round(self.on_time / self.visits_done, 3) if self.visits_done else None


def _on_time_q() -> Q:
    return Q(state=VisitState.DONE, done_date__lte=F("due_on"))


def provider_performance(*, user: Any) -> list[ProviderPerformance]:
    """Each provider's visits done, on-time rate and mean score, over the visits the user may see,
    best first (score, then on-time rate)."""
    day = today()
    visits = scoped(Visit, user).annotate(done_date=TruncDate("done_at"))
    stats = {
        row["contract__provider"]: row
        for row in visits.values("contract__provider").annotate(
            done=Count("pk", filter=Q(state=VisitState.DONE)),
            on_time=Count("pk", filter=_on_time_q()),
            overdue=Count("pk", filter=Q(state=VisitState.SCHEDULED, due_on__lt=day)),
            score=Avg("scores__score"),
        )
    }
    engineers = dict(
        ProviderEngineer.objects.filter(registered=True, full_time=True)
        .values("provider")
        .annotate(n=Count("pk"))
        .values_list("provider", "n")
    )
    until: dict[int, date] = {}
    for provider_id, valid_until in Qualification.objects.filter(valid_from__lte=day, valid_until__gte=day).values_list(
        "provider", "valid_until"
    ):
        until[provider_id] = max(valid_until, until.get(provider_id, valid_until))
    rows = []
    for provider in provider_list(user=user):
        s = stats.get(provider.pk, {})
        rows.append(
            ProviderPerformance(
                provider=provider,
                visits_done=s.get("done", 0),
                on_time=s.get("on_time", 0),
                overdue=s.get("overdue", 0),
                score=round(s["score"], 2) if s.get("score") is not None else None,
                registered_engineers=engineers.get(provider.pk, 0),
                qualification_until=until.get(provider.pk),
            )
        )
    return sorted(rows, key=lambda r: (-(r.score or 0), -(r.on_time_rate or 0), r.provider.organisation.name))


def street_ranking(*, user: Any, region: Region | None = None) -> list[dict[str, Any]]:
    """Streets ranked by their visits' on-time rate (then fewer open hidden hazards): the district's picture."""
    day = today()
    visits = scoped(Visit, user).annotate(done_date=TruncDate("done_at"))
    if region is not None:
        visits = visits.filter(enterprise__organisation__region__path__startswith=region.path)
    rows = (
        visits.values(
            street=F("enterprise__organisation__region__parent__name"), code=F("enterprise__organisation__region__parent__code")
        )
        .annotate(
            done=Count("pk", filter=Q(state=VisitState.DONE)),
            on_time=Count("pk", filter=_on_time_q()),
            overdue=Count("pk", filter=Q(state=VisitState.SCHEDULED, due_on__lt=day)),
        )
        .order_by("code")
    )
    out = []
    for row in rows:
        rate = round(row["on_time"] / row["done"], 3) if row["done"] else None
        out.append({**row, "on_time_rate": rate})
    return sorted(out, key=lambda r: (-(r["on_time_rate"] or 0), r["overdue"], r["code"]))


def village_overview(*, user: Any, village: Region) -> dict[str, Any]:
    """What a village committee watches: its enterprises, the visits due (next 30 days, by planned
    visit day) and overdue (by due date), and the open hidden hazards of its enterprises (all
    scoped to the user)."""
    enterprises = enterprise_list(user=user, filters={"region": village})
    hazards = (
        scoped(HiddenHazard, user)
        .filter(
            organisation__small_enterprise__isnull=False,
            organisation__region__path__startswith=village.path,
            state__in=OPEN_STATES,
        )
        .select_related("organisation")
    )
    return {
        "village": village,
        "enterprises": enterprises,
        "due": visit_list(user=user, filters={"region": village, "status": "due", "sort": "planned"}),
        "overdue": visit_list(user=user, filters={"region": village, "status": "overdue", "sort": "due"}),
        "hazards": hazards,
        "rounds": supervision_round_list(user=user).filter(village=village),
    }


def villages_for(*, user: Any, region: Region) -> QuerySet[Region]:
    """The villages under ``region`` that have enterprises the user sees, with their counts (a town's view of its villages)."""
    ids = enterprise_list(user=user, filters={"region": region}).values("organisation__region_id")
    return (
        Region.objects.filter(pk__in=ids)
        .annotate(
            enterprises=Count("organisations__small_enterprise", distinct=True),
        )
        .order_by("code")
    )

"""Every read of the deep safety check a user sees, scoped by :func:`safecity.core.scoping.scoped`.

``enterprise_causes`` and ``enterprise_root_causes`` are the per-enterprise analysis the article
reports ("each enterprise's causes and root causes"); the health portraits read them too.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from safecity.core.models import Region
from safecity.core.scoping import scoped
from safecity.deepchecks.choices import SENIOR_LEVELS, CauseCategory, ManagementElement
from safecity.deepchecks.models import (
    Campaign,
    CampaignTarget,
    ChecklistItem,
    CheckSession,
    Expert,
    ExpertDocument,
    Finding,
    Panel,
    PanelMember,
    RootCause,
    ScheduleRun,
)
from safecity.hazards.models import HiddenHazard


def expert_list(*, user: Any, level: str | None = None, specialty: str | None = None) -> QuerySet[Expert]:
    qs = scoped(Expert, user).select_related("person__organisation", "region").prefetch_related("specialties")
    if level:
        qs = qs.filter(level=level)
    if specialty:
        qs = qs.filter(specialties__code=specialty)
    return qs.order_by("person__name", "pk")


def expert_get(*, user: Any, pk: int) -> Expert:
    return get_object_or_404(expert_list(user=user), pk=pk)


def campaign_list(*, user: Any) -> QuerySet[Campaign]:
    return (
        scoped(Campaign, user)
        .select_related("region")
        .annotate(n_targets=Count("targets", distinct=True), n_panels=Count("panels", distinct=True))
        .order_by("-year", "name")
    )


def campaign_get(*, user: Any, pk: int) -> Campaign:
    return get_object_or_404(scoped(Campaign, user).select_related("region"), pk=pk)


def _members() -> Prefetch:
    return Prefetch(
        "members", queryset=PanelMember.objects.select_related("expert__person").order_by("-is_leader", "expert__person__name")
    )


def panel_list(*, user: Any, campaign: Campaign | None = None) -> QuerySet[Panel]:
    qs = scoped(Panel, user).select_related("target__organisation", "campaign").prefetch_related(_members())
    if campaign is not None:
        qs = qs.filter(campaign=campaign)
    return qs.annotate(
        n_members=Count("members", distinct=True),
        n_senior=Count("members", filter=Q(members__expert__level__in=SENIOR_LEVELS), distinct=True),
    ).order_by("start_date", "pk")


def panel_get(*, user: Any, pk: int) -> Panel:
    return get_object_or_404(panel_list(user=user), pk=pk)


def my_panels(*, user: Any) -> QuerySet[Panel]:
    """The panels the user sits on, as an expert (their phone's start page)."""
    person = getattr(user, "person", None)
    if person is None:
        return Panel.objects.none()
    return panel_list(user=user).filter(members__expert__person=person)


def target_list(*, user: Any, campaign: Campaign) -> QuerySet[CampaignTarget]:
    return (
        scoped(CampaignTarget, user)
        .filter(campaign=campaign)
        .select_related("organisation__region")
        .prefetch_related("needed_specialties")
        .order_by("organisation__name", "pk")
    )


def run_latest(*, user: Any, campaign: Campaign) -> ScheduleRun | None:
    return scoped(ScheduleRun, user).filter(campaign=campaign).order_by("-created_at", "-id").first()


def session_get(*, user: Any, pk: int) -> CheckSession:
    return get_object_or_404(scoped(CheckSession, user).select_related("panel__target__organisation", "organisation"), pk=pk)


def checklist(*, user: Any, session: CheckSession) -> QuerySet[ChecklistItem]:
    return scoped(ChecklistItem, user).filter(session=session).order_by("order", "pk")


def finding_list(
    *, user: Any, organisation: Any = None, year: int | None = None, session: CheckSession | None = None
) -> QuerySet[Finding]:
    qs = scoped(Finding, user).select_related("hazard", "organisation", "root_cause", "expert__person")
    if organisation is not None:
        qs = qs.filter(organisation=organisation)
    if year is not None:
        qs = qs.filter(found_at__year=year)
    if session is not None:
        qs = qs.filter(session=session)
    return qs.order_by("-found_at", "-pk")


def finding_get(*, user: Any, pk: int) -> Finding:
    return get_object_or_404(finding_list(user=user), pk=pk)


def enterprise_causes(*, user: Any, organisation: Any, year: int | None = None) -> list[dict[str, Any]]:
    """The enterprise's findings by direct cause (person, object, management, environment), every
    category listed (0 when none): ``[{"category", "label", "count"}]``."""
    qs = scoped(RootCause, user).filter(finding__organisation=organisation)
    if year is not None:
        qs = qs.filter(finding__found_at__year=year)
    counts = dict(qs.values_list("category").annotate(n=Count("id")).values_list("category", "n"))
    return [{"category": c.value, "label": str(c.label), "count": counts.get(c.value, 0)} for c in CauseCategory]


def enterprise_root_causes(
    *, user: Any, organisation: Any, year: int | None = None, limit: int = 5, hazards_per_cause: int = 5
) -> list[dict[str, Any]]:
    """The enterprise's most frequent root causes (failed management elements), most frequent
    first, each with its hidden hazards: ``[{"element", "label", "count", "hazards": [...]}]``."""
    qs = scoped(RootCause, user).filter(finding__organisation=organisation)
    if year is not None:
        qs = qs.filter(finding__found_at__year=year)
    top = list(qs.values("management_element").annotate(n=Count("id")).order_by("-n", "management_element")[:limit])
    labels = dict(ManagementElement.choices)
    hazards: dict[str, list[HiddenHazard]] = {row["management_element"]: [] for row in top}
    if top:
        rows = (
            qs.filter(management_element__in=list(hazards))
            .select_related("finding__hazard")
            .order_by("management_element", "-finding__found_at", "-pk")
        )
        for row in rows:
            bucket = hazards[row.management_element]
            if len(bucket) < hazards_per_cause:
                bucket.append(row.finding.hazard)
    return [
        {
            "element": row["management_element"],
            "label": str(labels.get(row["management_element"], row["management_element"])),
            "count": row["n"],
            "hazards": hazards[row["management_element"]],
        }
        for row in top
    ]


def campaign_regions(*, user: Any) -> QuerySet[Region]:
    """The regions where ``user`` may open a campaign: the subtrees of their grants whose role may
    change campaigns (the same rule the service checks with ``allows_target``)."""
    import operator
    from functools import reduce

    from safecity.core.roles import ROLE_REACH, Reach
    from safecity.core.scoping import principal_for
    from safecity.deepchecks.models import Campaign

    principal = principal_for(user)
    regions = Region.objects.filter(level__in=["city", "district", "zone"]).order_by("path")
    if principal.is_superuser:
        return regions
    roles = Campaign.scope_rule.change_roles
    paths = [g.region_path for g in principal.grants if g.role in roles and ROLE_REACH.get(g.role) is Reach.JURISDICTION]
    if not paths:
        return regions.none()
    return regions.filter(reduce(operator.or_, [Q(path__startswith=p) for p in paths]))


def documents_of(*, user: Any, expert: Expert) -> QuerySet[ExpertDocument]:
    """The expert's qualification documents the user may see (the pool's officials, the expert),
    valid ones first by type, expired ones included (shown as expired)."""
    return scoped(ExpertDocument, user).filter(expert=expert).select_related("uploaded_by").order_by("kind", "-valid_until", "id")

"""The deep safety check on the city cockpit, computed from the records (never typed in)."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, F, Q
from django.utils.translation import gettext_lazy as _

from safecity.core.figures import FigureContext, indicator, panel
from safecity.deepchecks.choices import SENIOR_LEVELS, ManagementElement, PanelStatus
from safecity.deepchecks.models import CampaignTarget, Finding, Panel, RootCause
from safecity.hazards.choices import HazardState

SECTION = _("Deep safety checks")


@indicator(
    "deepchecks.enterprises_checked", title=_("Enterprises given a deep safety check"), section=SECTION,
    unit=_("enterprises"), order=200,
)  # fmt: skip
def enterprises_checked(ctx: FigureContext) -> int:
    """Target enterprises of the year's campaigns whose check is completed."""
    return (
        ctx.records(CampaignTarget)
        .filter(campaign__year=ctx.year, panel__status=PanelStatus.COMPLETED)
        .values("organisation_id")
        .distinct()
        .count()
    )


@indicator("deepchecks.findings", title=_("Hidden hazards found by expert panels"), section=SECTION, unit=_("hazards"), order=201)
def findings(ctx: FigureContext) -> int:
    return ctx.records(Finding).filter(found_at__year=ctx.year).count()


@indicator(
    "deepchecks.findings_rectified", title=_("Expert-panel hazards rectified and accepted"), section=SECTION,
    unit=_("hazards"), order=202,
)  # fmt: skip
def findings_rectified(ctx: FigureContext) -> int:
    return ctx.records(Finding).filter(found_at__year=ctx.year, hazard__state=HazardState.ACCEPTED).count()


@indicator("deepchecks.panels_compliant", title=_("Panels meeting the panel rule"), section=SECTION, unit=_("panels"), order=203)
def panels_compliant(ctx: FigureContext) -> int:
    """Panels of the year with at least the minimum size and provincial-or-above experts of their campaign."""
    return (
        ctx.records(Panel)
        .filter(campaign__year=ctx.year)
        .annotate(
            n=Count("members", distinct=True),
            seniors=Count("members", filter=Q(members__expert__level__in=SENIOR_LEVELS), distinct=True),
        )
        .filter(n__gte=F("campaign__min_panel_size"), seniors__gte=F("campaign__min_senior"))
        .count()
    )


@panel(
    "deepchecks.root_causes",
    title=_("Root causes of expert-panel findings"),
    section=SECTION,
    template="core/panels/bar.html",
    order=210,
)
def root_causes(ctx: FigureContext) -> dict[str, Any]:
    labels = dict(ManagementElement.choices)
    rows = (
        ctx.records(RootCause)
        .filter(finding__found_at__year=ctx.year)
        .values("management_element")
        .annotate(n=Count("id"))
        .order_by("-n")[:8]
    )
    return {"labels": [str(labels.get(r["management_element"], "")) for r in rows], "values": [r["n"] for r in rows]}

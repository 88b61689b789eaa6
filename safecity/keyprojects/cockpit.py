"""The annual key projects in the city cockpit and ``safecity figures`` (issue 5: 84 projects in
2023, 67 completed, the rest on their time-based schedule), computed from the milestones and
progress reports with the same :func:`selectors.plan_evaluations` as the plan dashboard."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from safecity.core.figures import FigureContext, indicator, panel
from safecity.keyprojects import selectors
from safecity.keyprojects.models import KeyProject, YearPlan

SECTION = _("Annual key projects")


def _evaluations(ctx: FigureContext) -> list[selectors.Evaluation]:
    # Every indicator and panel below reads the same evaluation: computed once per cockpit render.
    return ctx.memo("keyprojects.evaluations", lambda: _evaluate(ctx))


def _evaluate(ctx: FigureContext) -> list[selectors.Evaluation]:
    # Read the projects first: a viewer who reaches none gets "no access", not zeros (issue 13).
    records = ctx.records(KeyProject)
    plan = YearPlan.objects.filter(year=ctx.year).first()
    if plan is None:
        return []
    # ctx.records() scopes and limits to the region through the districts (an M2M): made unique here.
    ids = records.filter(plan=plan).values("pk")
    projects = selectors.with_schedule(KeyProject.objects.filter(pk__in=ids))
    return selectors.plan_evaluations(plan=plan, projects=projects)


def _count(ctx: FigureContext, status: str) -> int:
    return selectors.status_counts(_evaluations(ctx))[status]


@indicator(
    "keyprojects.projects", title=_("Key projects"), section=SECTION, roles=selectors.VIEW_ROLES, unit=_("projects"), order=500
)
def projects(ctx: FigureContext) -> int:
    return _count(ctx, "total")


@indicator(
    "keyprojects.completed", title=_("Completed"), section=SECTION, roles=selectors.VIEW_ROLES, unit=_("projects"), order=501
)
def completed(ctx: FigureContext) -> int:
    return _count(ctx, "completed")


@indicator(
    "keyprojects.on_schedule",
    title=_("On time-based schedule"),
    section=SECTION,
    roles=selectors.VIEW_ROLES,
    unit=_("projects"),
    order=502,
)
def on_schedule(ctx: FigureContext) -> int:
    return _count(ctx, "on_schedule")


@indicator(
    "keyprojects.behind", title=_("Behind schedule"), section=SECTION, roles=selectors.VIEW_ROLES, unit=_("projects"), order=503
)
def behind(ctx: FigureContext) -> int:
    return _count(ctx, "behind")


@indicator(
    "keyprojects.seriously_behind",
    title=_("Seriously behind schedule"),
    section=SECTION,
    roles=selectors.VIEW_ROLES,
    unit=_("projects"),
    order=504,
)
def seriously_behind(ctx: FigureContext) -> int:
    return _count(ctx, "seriously_behind")


@indicator(
    "keyprojects.not_completed",
    title=_("Not completed by the year's end"),
    section=SECTION,
    roles=selectors.VIEW_ROLES,
    unit=_("projects"),
    order=505,
)
def not_completed(ctx: FigureContext) -> int:
    """Once the year is over each project is completed or not: this counts the others."""
    return _count(ctx, "not_completed")


@indicator(
    "keyprojects.cutoff_on_schedule",
    title=_("On time-based schedule at the statistics cut-off date"),
    section=SECTION,
    roles=selectors.VIEW_ROLES,
    unit=_("projects"),
    order=506,
)
def cutoff_on_schedule(ctx: FigureContext) -> int:
    """The published figure (2023: the 17 projects besides the 67 completed), at the plan's cut-off date."""
    counts = ctx.memo("keyprojects.cutoff", lambda: _cutoff(ctx))
    return counts["on_schedule"] if counts else 0


def _cutoff(ctx: FigureContext) -> dict[str, int] | None:
    # The scoped evaluations first, even without a plan or a cut-off date: a viewer who reaches no
    # project gets "no access" for this figure too, never a zero (issue 13).
    evaluations = _evaluations(ctx)
    plan = YearPlan.objects.filter(year=ctx.year).first()
    if plan is None or plan.as_of is None:
        return None
    return selectors.status_counts([selectors.evaluate(e.project, plan.as_of) for e in evaluations])


@panel(
    "keyprojects.by_sub_system",
    title=_("Key projects by sub-system"),
    section=SECTION,
    roles=selectors.VIEW_ROLES,
    template="core/panels/bar.html",
    order=505,
)
def by_sub_system(ctx: FigureContext) -> dict[str, Any]:
    rows = selectors.breakdown(_evaluations(ctx), "sub_system")
    return {"labels": [r["name"] for r in rows], "values": [r["total"] for r in rows]}

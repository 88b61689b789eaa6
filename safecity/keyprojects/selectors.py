"""Reads of the key projects: scoped lists, one project, and the computed schedule figures.

Every list goes through :func:`safecity.core.scoping.scoped`. The M2M lookups of the scope rule
(districts, participating departments) can match a project several times, so every list is made
unique with ``pk__in`` (a subquery), which keeps ordering and counting exact on every database.
The status figures of the plan dashboard, the cockpit and the monthly report all come from
:func:`evaluate` and :func:`status_counts`.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.utils import timezone

from safecity.core.scoping import principal_for, scoped
from safecity.keyprojects import schedule
from safecity.keyprojects.choices import ProjectStatus
from safecity.keyprojects.models import (
    KeyProject,
    Milestone,
    ProgressEvidence,
    ProgressReport,
    ProjectDepartment,
    SubSystem,
    YearPlan,
)

COMMITTEE_ROLES = frozenset({"city_admin", "city_official"})


def is_committee(user: Any) -> bool:
    """The committee office (市安委办): city administrators and city officials, city-wide."""
    principal = principal_for(user)
    return principal.is_superuser or (bool(principal.roles & COMMITTEE_ROLES) and principal.is_city_wide)


# Who opens the key-project pages, and so sees their cockpit figures (a viewer outside these
# roles gets "no access" there, never zeros: issue 13).
VIEW_ROLES = frozenset({"city_admin", "city_official", "district_official", "department_officer"})


def sees_key_projects(user: Any) -> bool:
    principal = principal_for(user)
    return principal.is_superuser or bool(principal.roles & VIEW_ROLES)


def subsystem_list(*, user: Any) -> QuerySet[SubSystem]:
    return scoped(SubSystem, user)


def plan_list(*, user: Any) -> QuerySet[YearPlan]:
    return scoped(YearPlan, user)


def plan_get(*, user: Any, year: int) -> YearPlan:
    plan = plan_list(user=user).filter(year=year).first()
    if plan is None:
        raise Http404
    return plan


def _unique(queryset: QuerySet[Any], user: Any) -> QuerySet[Any]:
    visible = scoped(queryset.model, user)
    return queryset.filter(pk__in=visible.values("pk"))


def project_list(
    *,
    user: Any,
    plan: YearPlan | None = None,
    sub_system: Any = None,
    lead_department: Any = None,
    district: Any = None,
) -> QuerySet[KeyProject]:
    """The projects ``user`` may see (each once), with what the lists and the schedule need."""
    queryset = KeyProject.objects.all()
    if plan is not None:
        queryset = queryset.filter(plan=plan)
    if sub_system:
        queryset = queryset.filter(sub_system=sub_system)
    if lead_department:
        queryset = queryset.filter(lead_department=lead_department)
    if district:
        queryset = queryset.filter(pk__in=KeyProject.objects.filter(districts=district).values("pk"))
    return with_schedule(_unique(queryset, user))


def with_schedule(queryset: QuerySet[KeyProject]) -> QuerySet[KeyProject]:
    """What the lists and the schedule computations read, in a fixed number of queries."""
    return (
        queryset.select_related("plan", "sub_system", "lead_department")
        .prefetch_related(
            "districts",
            Prefetch("participations", queryset=ProjectDepartment.objects.select_related("organisation")),
            Prefetch("milestones", queryset=Milestone.objects.order_by("planned_date", "id")),
            Prefetch("reports", queryset=ProgressReport.objects.order_by("reported_on", "id")),
        )
        .order_by("plan__year", "sequence")
    )


def project_get(*, user: Any, pk: int) -> KeyProject:
    project = project_list(user=user).filter(pk=pk).first()
    if project is None:
        raise Http404
    return project


def report_list(*, user: Any, project: KeyProject | None = None) -> QuerySet[ProgressReport]:
    queryset = ProgressReport.objects.all() if project is None else ProgressReport.objects.filter(project=project)
    return (
        _unique(queryset, user)
        .select_related("milestone", "reporter", "project")
        .prefetch_related("evidence")
        .order_by("-reported_on", "-id")
    )


def evidence_get(*, user: Any, pk: int) -> ProgressEvidence:
    evidence = _unique(ProgressEvidence.objects.filter(pk=pk), user).select_related("report").first()
    if evidence is None:
        raise Http404
    return evidence


@dataclass
class Evaluation:
    """A project's schedule figures on one date (never stored)."""

    project: KeyProject
    at: date
    expected: float
    actual: float
    status: str
    forecast: date | None
    completions: dict[int, float] = field(default_factory=dict)
    planned_end: date | None = None

    @property
    def forecast_late(self) -> bool:
        """On schedule by the thresholds, yet the forecast lies after the last milestone's date: a
        warning shown beside the status (information only; the status stays computed)."""
        return (
            self.status == ProjectStatus.ON_SCHEDULE
            and self.forecast is not None
            and self.planned_end is not None
            and self.forecast > self.planned_end
        )

    @property
    def status_label(self) -> str:
        return str(ProjectStatus(self.status).label)

    @property
    def gap(self) -> float:
        return round(self.actual - self.expected, 2)


def evaluate(project: KeyProject, at: date) -> Evaluation:
    """Expected vs actual progress, status and forecast of ``project`` at ``at``, from its milestones
    and the reports made up to that day (uses prefetched ``milestones`` and ``reports``)."""
    milestones = list(project.milestones.all())
    reports = [r for r in project.reports.all() if r.reported_on <= at]
    reports.sort(key=lambda r: (r.reported_on, r.pk))
    latest: dict[int, float] = {}
    for report in reports:
        latest[report.milestone_id] = float(report.completion)
    completions = [latest.get(m.pk, 0.0) for m in milestones]
    expected = schedule.expected_progress(
        project.start_date, [schedule.MilestoneSpec(m.planned_date, m.weight) for m in milestones], at
    )
    actual = schedule.actual_progress([m.weight for m in milestones], completions)
    completed = schedule.is_completed(completions)
    status = schedule.classify(
        expected=expected,
        actual=actual,
        completed=completed,
        thresholds=project.plan.thresholds,
        final=at >= project.plan.last_day,
    )
    history = schedule.progress_history(
        {m.pk: m.weight for m in milestones}, [(r.reported_on, r.milestone_id, float(r.completion)) for r in reports]
    )
    return Evaluation(
        project=project,
        at=at,
        expected=expected,
        actual=actual,
        status=status,
        forecast=schedule.forecast_completion(history),
        completions={m.pk: latest.get(m.pk, 0.0) for m in milestones},
        planned_end=max((m.planned_date for m in milestones), default=None),
    )


def evaluation_date(plan: YearPlan, today: date | None = None) -> date:
    return plan.evaluation_date(today or timezone.localdate())


def evaluate_all(projects: Any, at: date) -> list[Evaluation]:
    return [evaluate(p, at) for p in projects]


def status_counts(evaluations: list[Evaluation]) -> dict[str, int]:
    """Projects per status, with every status present (zeros included) and the total."""
    counts = Counter(e.status for e in evaluations)
    result = {status.value: counts.get(status.value, 0) for status in ProjectStatus}
    result["total"] = len(evaluations)
    return result


def plan_evaluations(*, plan: YearPlan, projects: Any, at: date | None = None) -> list[Evaluation]:
    """The evaluations the plan dashboard, the cockpit and the reports show (one function for all)."""
    return evaluate_all(projects, at or evaluation_date(plan))


def shown_statuses(*, plan: YearPlan, at: date) -> list[ProjectStatus]:
    """The statuses a plan's figures are read in: completed / not completed once the year is over,
    the four schedule statuses while it runs."""
    if at >= plan.last_day:
        return [ProjectStatus.COMPLETED, ProjectStatus.NOT_COMPLETED]
    return [s for s in ProjectStatus if s != ProjectStatus.NOT_COMPLETED]


def cutoff_counts(*, plan: YearPlan, projects: Any) -> dict[str, int] | None:
    """The figures at the plan's statistics cut-off date (those the office published, e.g. on
    2023-12-20: 67 completed, the other 17 on their time-based schedule), or None without one."""
    if plan.as_of is None:
        return None
    return status_counts(evaluate_all(projects, plan.as_of))


def breakdown(evaluations: list[Evaluation], key: str) -> list[dict[str, Any]]:
    """Counts per status grouped by ``sub_system``, ``lead_department`` or ``district``."""
    groups: dict[Any, dict[str, Any]] = {}
    for ev in evaluations:
        if key == "district":
            labels = [(r.pk, r.name, r.code) for r in ev.project.districts.all()]
        elif key == "sub_system":
            s = ev.project.sub_system
            labels = [(s.pk, s.name, f"{s.order:03d}")]
        else:
            d = ev.project.lead_department
            labels = [(d.pk, d.name, d.name)]
        for pk, name, sort_key in labels:
            row = groups.setdefault(
                pk, {"id": pk, "name": name, "sort": sort_key, "total": 0, **{s.value: 0 for s in ProjectStatus}}
            )
            row["total"] += 1
            row[ev.status] += 1
    return sorted(groups.values(), key=lambda r: r["sort"])

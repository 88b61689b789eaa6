"""Writes of the "1+29" structure, the year plans and their key projects.

Only the committee office (市安委办: city administrators and city officials, city-wide) writes
these: the core scoping's CHANGE rule of :class:`SubSystem` / :class:`YearPlan` says so, and a
project is written through its plan (``require(actor, plan, CHANGE)``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from safecity.core.choices import OrganisationKind
from safecity.core.models import Organisation, Region
from safecity.core.scoping import CHANGE, require, require_target
from safecity.keyprojects.models import KeyProject, Milestone, ProjectDepartment, SubSystem, YearPlan
from safecity.keyprojects.reference import seed_subsystems

# Departments that may lead or cooperate on a key project (the City Safety Committee's members).
DEPARTMENT_KINDS = frozenset(
    {
        OrganisationKind.GOVERNMENT_DEPARTMENT,
        OrganisationKind.SAFETY_COMMITTEE,
        OrganisationKind.FIRE_BRIGADE,
        OrganisationKind.PROCURATORATE,
        OrganisationKind.DISTRICT_BUREAU,
    }
)
DISTRICT_LEVELS = frozenset({"city", "district", "zone"})
SUBSYSTEM_FIELDS = ("code", "name", "order", "is_overall", "is_active")
PLAN_FIELDS = ("title", "as_of", "behind_points", "seriously_behind_points", "reminder_days")
PROJECT_FIELDS = ("sequence", "name", "sub_system", "lead_department", "goal", "budget", "deliverables", "start_date")


@dataclass(frozen=True)
class MilestoneInput:
    name: str
    planned_date: date
    weight: int


def _apply(obj: Any, fields: Iterable[str], changes: dict[str, Any]) -> None:
    unknown = set(changes) - set(fields)
    if unknown:
        raise ValidationError(_("Unknown fields: %(f)s") % {"f": ", ".join(sorted(unknown))})
    for name, value in changes.items():
        setattr(obj, name, value)


def subsystems_seed() -> int:
    """Create the missing sub-systems of the "1+29" reference list (idempotent)."""
    return seed_subsystems(SubSystem)


@transaction.atomic
def subsystem_create(*, actor: Any, code: str, name: str, order: int = 0, is_overall: bool = False) -> SubSystem:
    """Add a sub-system to the "1+29" list (committee office only)."""
    sub_system = SubSystem(code=code, name=name, order=order, is_overall=is_overall)
    require_target(actor, sub_system)
    sub_system.full_clean()
    sub_system.save()
    return sub_system


@transaction.atomic
def subsystem_update(*, actor: Any, sub_system: SubSystem, **changes: Any) -> SubSystem:
    require(actor, sub_system, CHANGE)
    _apply(sub_system, SUBSYSTEM_FIELDS, changes)
    sub_system.full_clean()
    sub_system.save()
    return sub_system


@transaction.atomic
def plan_create(*, actor: Any, year: int, title: str, **fields: Any) -> YearPlan:
    """Open the key-project plan of a year (one per year)."""
    plan = YearPlan(year=year, title=title)
    _apply(plan, PLAN_FIELDS, fields)
    require_target(actor, plan)
    plan.full_clean()
    _check_as_of(plan)
    plan.save()
    return plan


@transaction.atomic
def plan_update(*, actor: Any, plan: YearPlan, **changes: Any) -> YearPlan:
    require(actor, plan, CHANGE)
    _apply(plan, PLAN_FIELDS, changes)
    plan.full_clean()
    _check_as_of(plan)
    plan.save()
    return plan


def _check_as_of(plan: YearPlan) -> None:
    if plan.as_of is not None and plan.as_of.year != plan.year:
        raise ValidationError({"as_of": _("The cut-off date must lie in %(year)s.") % {"year": plan.year}})


def schedule_errors(year: int, start_date: date | None, milestones: Sequence[MilestoneInput]) -> dict[str, list[str]]:
    """What is wrong with a project's dates and milestones (empty when nothing is): dates inside
    the plan year, milestones after the start, weights 1–100 summing to exactly 100."""
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    if start_date is not None and start_date.year != year:
        add("start_date", _("The start date %(d)s lies outside the plan year %(y)s.") % {"d": start_date, "y": year})
    if not milestones:
        add("milestones", _("A project needs at least one milestone."))
        return errors
    names = [m.name.strip() for m in milestones]
    if any(not n for n in names):
        add("milestones", _("Every milestone needs a name."))
    if len(set(names)) != len(names):
        add("milestones", _("Two milestones of a project have the same name."))
    for m in milestones:
        if m.planned_date.year != year:
            add(
                "milestones",
                _("The planned date %(d)s of “%(m)s” lies outside the plan year %(y)s.")
                % {"d": m.planned_date, "m": m.name, "y": year},
            )
        elif start_date is not None and m.planned_date < start_date:
            add("milestones", _("“%(m)s” is planned before the project starts (%(d)s).") % {"m": m.name, "d": start_date})
        if not 1 <= m.weight <= 100:
            add("milestones", _("The weight of “%(m)s” must lie between 1 and 100.") % {"m": m.name})
    total = sum(m.weight for m in milestones)
    if total != 100:
        add("milestones", _("The milestone weights add up to %(total)s, not 100.") % {"total": total})
    return errors


def _check_people(lead: Organisation, cooperating: Sequence[Organisation], districts: Sequence[Region]) -> None:
    errors: dict[str, list[str]] = {}
    if lead.kind not in DEPARTMENT_KINDS:
        errors["lead_department"] = [_("%(o)s is not a government department.") % {"o": lead.name}]
    bad = [o.name for o in cooperating if o.kind not in DEPARTMENT_KINDS]
    if bad:
        errors["cooperating_departments"] = [_("Not government departments: %(o)s") % {"o": "、".join(bad)}]
    if not districts:
        errors["districts"] = [_("Name at least one district (or the city for a city-wide project).")]
    elif any(r.level not in DISTRICT_LEVELS for r in districts):
        errors["districts"] = [_("Districts are the city, its districts and development zones.")]
    if errors:
        raise ValidationError(errors)


def _write_links(
    project: KeyProject, lead: Organisation, cooperating: Sequence[Organisation], districts: Sequence[Region]
) -> None:
    ProjectDepartment.objects.filter(project=project).delete()
    rows = [ProjectDepartment(project=project, organisation=lead, is_lead=True)]
    rows += [ProjectDepartment(project=project, organisation=o) for o in dict.fromkeys(cooperating) if o.pk != lead.pk]
    ProjectDepartment.objects.bulk_create(rows)
    project.districts.set(districts)


def _write_milestones(project: KeyProject, milestones: Sequence[MilestoneInput]) -> None:
    project.milestones.all().delete()
    Milestone.objects.bulk_create(
        [Milestone(project=project, name=m.name.strip(), planned_date=m.planned_date, weight=m.weight) for m in milestones]
    )


@transaction.atomic
def project_create(
    *,
    actor: Any,
    plan: YearPlan,
    sequence: int,
    name: str,
    sub_system: SubSystem,
    lead_department: Organisation,
    goal: str,
    start_date: date,
    milestones: Sequence[MilestoneInput],
    cooperating_departments: Sequence[Organisation] = (),
    districts: Sequence[Region] = (),
    budget: Decimal | None = None,
    deliverables: str = "",
) -> KeyProject:
    """Add a key project with its milestones to a plan (committee office only).

    Refused with a clear error, nothing written: weights not summing to 100, a date outside the
    plan year, a milestone before the start, a lead that is not a department, no district.
    """
    require(actor, plan, CHANGE)
    project = KeyProject(
        plan=plan,
        sequence=sequence,
        name=name,
        sub_system=sub_system,
        lead_department=lead_department,
        goal=goal,
        budget=budget,
        deliverables=deliverables,
        start_date=start_date,
    )
    errors = schedule_errors(plan.year, start_date, milestones)
    if errors:
        raise ValidationError(errors)
    _check_people(lead_department, cooperating_departments, districts)
    project.full_clean()
    project.save()
    _write_links(project, lead_department, cooperating_departments, districts)
    _write_milestones(project, milestones)
    return project


@transaction.atomic
def project_update(
    *,
    actor: Any,
    project: KeyProject,
    milestones: Sequence[MilestoneInput] | None = None,
    cooperating_departments: Sequence[Organisation] | None = None,
    districts: Sequence[Region] | None = None,
    **changes: Any,
) -> KeyProject:
    """Change a project; its milestones can be replaced only while nothing was reported on them."""
    project = KeyProject.objects.select_for_update().select_related("plan").get(pk=project.pk)
    require(actor, project.plan, CHANGE)
    _apply(project, PROJECT_FIELDS, changes)
    current = [MilestoneInput(m.name, m.planned_date, m.weight) for m in project.milestones.all()]
    if milestones is not None and project.reports.exists():
        raise ValidationError({"milestones": [_("Progress was reported on this project: its milestones cannot be replaced.")]})
    errors = schedule_errors(project.plan.year, project.start_date, milestones if milestones is not None else current)
    if errors:
        raise ValidationError(errors)
    lead = project.lead_department
    coop = list(cooperating_departments) if cooperating_departments is not None else project.cooperating()
    regions = list(districts) if districts is not None else list(project.districts.all())
    _check_people(lead, coop, regions)
    project.full_clean()
    project.save()
    _write_links(project, lead, coop, regions)
    if milestones is not None:
        _write_milestones(project, milestones)
    return project

"""The committee's Excel sheet of the year's key projects: import (validated, all or nothing) and
export in the same layout (docs/keyprojects.md, "Excel layout").

Sheet “重点项目”, one row per project: 序号, 项目名称, 所属子体系, 牵头部门, 配合部门, 涉及地区,
工作目标, 预算（万元）, 开始日期, 交付成果. Sheet “里程碑”, one row per milestone: 项目序号,
里程碑名称, 计划完成日期, 权重（%）. Lists inside a cell are separated by “、” (also , ， ; ；).
"""

from __future__ import annotations

import io
import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from safecity.core.exports import workbook_bytes
from safecity.core.imports import CELL_TEXT_LIMIT, cell_date, cell_length_error, cell_text, field_text_limit
from safecity.core.models import Organisation, Region
from safecity.core.scoping import CHANGE, require
from safecity.keyprojects.models import KeyProject, Milestone, SubSystem, YearPlan
from safecity.keyprojects.services.plans import DEPARTMENT_KINDS, DISTRICT_LEVELS, MilestoneInput, project_create

PROJECT_SHEET = "重点项目"
MILESTONE_SHEET = "里程碑"
PROJECT_HEADERS = [
    "序号",
    "项目名称",
    "所属子体系",
    "牵头部门",
    "配合部门",
    "涉及地区",
    "工作目标",
    "预算（万元）",
    "开始日期",
    "交付成果",
]
MILESTONE_HEADERS = ["项目序号", "里程碑名称", "计划完成日期", "权重（%）"]
REQUIRED = {"序号", "项目名称", "所属子体系", "牵头部门", "涉及地区", "工作目标", "开始日期"}
CITY_WIDE = "全市"
SEPARATORS = re.compile(r"[、,，;；\n]+")


@dataclass(frozen=True)
class RowError:
    sheet: str
    row: int
    column: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"sheet": self.sheet, "row": self.row, "column": self.column, "message": self.message}

    def __str__(self) -> str:
        return f"{self.sheet} {self.row} {self.column}: {self.message}"


class ImportRejected(ValidationError):
    """The sheet has errors; nothing was imported. ``rows`` lists them by sheet, row and column."""

    def __init__(self, rows: list[RowError]) -> None:
        self.rows = rows
        super().__init__({"file": [str(r) for r in rows]}, code="import_rejected")


_text = cell_text


def _limits() -> dict[str, int]:
    """The length limit of every column (the field's own, else the platform's cap on a cell)."""
    return {
        "项目名称": field_text_limit(KeyProject, "name"),
        "工作目标": field_text_limit(KeyProject, "goal"),
        "交付成果": field_text_limit(KeyProject, "deliverables"),
        "里程碑名称": field_text_limit(Milestone, "name"),
    }


_date = cell_date


def _int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    text = _text(value)
    return int(text) if text.isdigit() else None


def _rows(sheet: Any, headers: list[str], errors: list[RowError]) -> list[tuple[int, dict[str, Any]]]:
    """The sheet's data rows as ``(row number, {header: value})``; a cell over its length limit is an
    error of its own, and the row keeps only what fits so no other check reads an oversized text."""
    rows = list(sheet.iter_rows(values_only=True))
    if not rows:
        errors.append(RowError(sheet.title, 1, "", _("The sheet is empty.")))
        return []
    found = [_text(h) for h in rows[0]]
    missing = [h for h in headers if h not in found]
    for header in missing:
        errors.append(RowError(sheet.title, 1, header, _("The column is missing.")))
    if missing:
        return []
    index = {h: found.index(h) for h in headers}
    limits = _limits()
    out = []
    for number, row in enumerate(rows[1:], start=2):
        if all(_text(v) == "" for v in row):
            continue
        values = {h: (row[i] if i < len(row) else None) for h, i in index.items()}
        for header, value in values.items():
            message = cell_length_error(_text(value), limits.get(header, CELL_TEXT_LIMIT))
            if message:
                errors.append(RowError(sheet.title, number, header, message))
                values[header] = _text(value)[: limits.get(header, CELL_TEXT_LIMIT)]
        out.append((number, values))
    return out


class _Lookups:
    def __init__(self) -> None:
        self.sub_systems: dict[str, SubSystem] = {}
        for s in SubSystem.objects.filter(is_active=True):
            self.sub_systems[s.name] = s
            self.sub_systems[s.code] = s
        self.departments: dict[str, list[Organisation]] = defaultdict(list)
        for org in Organisation.objects.filter(kind__in=DEPARTMENT_KINDS, is_active=True):
            self.departments[org.name].append(org)
        self.regions: dict[str, Region] = {}
        for region in Region.objects.filter(level__in=DISTRICT_LEVELS):
            self.regions[region.name] = region
            if region.code == settings.SAFECITY_CITY_REGION_CODE:
                self.regions[CITY_WIDE] = region

    def department(self, name: str) -> tuple[Organisation | None, str]:
        found = self.departments.get(name, [])
        if not found:
            return None, _("Unknown department “%(n)s”.") % {"n": name}
        if len(found) > 1:
            return None, _("Several departments are called “%(n)s”.") % {"n": name}
        return found[0], ""


@dataclass
class _Project:
    row: int
    fields: dict[str, Any]
    cooperating: list[Organisation]
    districts: list[Region]
    milestones: list[tuple[int, MilestoneInput]]


def parse_workbook(content: bytes, plan: YearPlan) -> tuple[list[_Project], list[RowError]]:
    """Read and check every row; return the projects and every error found (none: importable)."""
    from openpyxl import load_workbook

    errors: list[RowError] = []
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - any unreadable upload is one clear error
        return [], [RowError("", 0, "", _("The file is not an Excel workbook (.xlsx)."))]
    for name in (PROJECT_SHEET, MILESTONE_SHEET):
        if name not in workbook.sheetnames:
            errors.append(RowError(name, 0, "", _("The sheet “%(s)s” is missing.") % {"s": name}))
    if errors:
        return [], errors
    lookups = _Lookups()
    projects: dict[int, _Project] = {}
    names: dict[str, int] = {}
    year = plan.year

    def err(sheet: str, row: int, column: str, message: str) -> None:
        errors.append(RowError(sheet, row, column, message))

    for row, values in _rows(workbook[PROJECT_SHEET], PROJECT_HEADERS, errors):
        S = PROJECT_SHEET
        for column in REQUIRED:
            if _text(values[column]) == "":
                err(S, row, column, _("A value is required."))
        sequence = _int(values["序号"])
        if _text(values["序号"]) and (sequence is None or sequence < 1):
            err(S, row, "序号", _("The sequence is a whole number from 1."))
        elif sequence is not None and sequence in projects:
            err(
                S, row, "序号", _("Sequence %(n)s appears twice (also row %(r)s).") % {"n": sequence, "r": projects[sequence].row}
            )
            sequence = None
        name = _text(values["项目名称"])
        if name and name in names:
            err(S, row, "项目名称", _("The project appears twice (also row %(r)s).") % {"r": names[name]})
        names.setdefault(name, row)
        sub_name = _text(values["所属子体系"])
        sub_system = lookups.sub_systems.get(sub_name)
        if sub_name and sub_system is None:
            err(S, row, "所属子体系", _("Unknown sub-system “%(n)s”.") % {"n": sub_name})
        lead_name = _text(values["牵头部门"])
        lead = None
        if lead_name:
            lead, message = lookups.department(lead_name)
            if lead is None:
                err(S, row, "牵头部门", message)
        cooperating = []
        for coop_name in [n for n in SEPARATORS.split(_text(values["配合部门"])) if n.strip()]:
            org, message = lookups.department(coop_name.strip())
            if org is None:
                err(S, row, "配合部门", message)
            else:
                cooperating.append(org)
        districts = []
        for region_name in [n for n in SEPARATORS.split(_text(values["涉及地区"])) if n.strip()]:
            region = lookups.regions.get(region_name.strip())
            if region is None:
                err(S, row, "涉及地区", _("Unknown district “%(n)s”.") % {"n": region_name.strip()})
            else:
                districts.append(region)
        budget: Decimal | None = None
        raw_budget = values["预算（万元）"]
        if _text(raw_budget):
            try:
                budget = Decimal(str(raw_budget)).quantize(Decimal("0.01"))
                if budget >= Decimal("1e10"):
                    raise InvalidOperation
            except (InvalidOperation, ValueError):
                err(S, row, "预算（万元）", _("The budget is an amount in 10,000 yuan, such as 120.5."))
                budget = None
            if budget is not None and budget < 0:
                err(
                    S,
                    row,
                    "预算（万元）",
                    _("The budget cannot be negative (%(b)s): negative amounts are refused.") % {"b": budget},
                )
                budget = None
        start = _date(values["开始日期"])
        if _text(values["开始日期"]) and start is None:
            err(S, row, "开始日期", _("A date such as %(y)s-03-01.") % {"y": year})
        elif start is not None and start.year != year:
            err(S, row, "开始日期", _("The date %(d)s lies outside the plan year %(y)s.") % {"d": start, "y": year})
        if sequence is not None:
            projects[sequence] = _Project(
                row=row,
                fields={
                    "sequence": sequence,
                    "name": name,
                    "sub_system": sub_system,
                    "lead_department": lead,
                    "goal": _text(values["工作目标"]),
                    "budget": budget,
                    "deliverables": _text(values["交付成果"]),
                    "start_date": start,
                },
                cooperating=cooperating,
                districts=districts,
                milestones=[],
            )

    for row, values in _rows(workbook[MILESTONE_SHEET], MILESTONE_HEADERS, errors):
        S = MILESTONE_SHEET
        sequence = _int(values["项目序号"])
        project = projects.get(sequence) if sequence is not None else None
        if project is None:
            err(
                S,
                row,
                "项目序号",
                _("No project with sequence “%(n)s” in the sheet “重点项目”.") % {"n": _text(values["项目序号"])},
            )
        name = _text(values["里程碑名称"])
        if not name:
            err(S, row, "里程碑名称", _("A value is required."))
        planned = _date(values["计划完成日期"])
        if planned is None:
            err(S, row, "计划完成日期", _("A date such as %(y)s-06-30.") % {"y": year})
        elif planned.year != year:
            err(S, row, "计划完成日期", _("The date %(d)s lies outside the plan year %(y)s.") % {"d": planned, "y": year})
        elif project is not None and project.fields["start_date"] and planned < project.fields["start_date"]:
            err(S, row, "计划完成日期", _("The milestone is planned before the project starts."))
        weight = _int(values["权重（%）"])
        if weight is None or not 1 <= weight <= 100:
            err(S, row, "权重（%）", _("The weight is a whole number from 1 to 100."))
        if project is not None and name and planned is not None and weight is not None:
            if any(m.name == name for _r, m in project.milestones):
                err(S, row, "里程碑名称", _("The project has two milestones of this name."))
            project.milestones.append((row, MilestoneInput(name, planned, weight)))

    for sequence, project in sorted(projects.items()):
        if not project.milestones:
            err(PROJECT_SHEET, project.row, "序号", _("Project %(n)s has no milestone in the sheet “里程碑”.") % {"n": sequence})
            continue
        total = sum(m.weight for _r, m in project.milestones)
        if total != 100:
            err(
                MILESTONE_SHEET,
                project.milestones[0][0],
                "权重（%）",
                _("The milestone weights of project %(n)s add up to %(t)s, not 100.") % {"n": sequence, "t": total},
            )
    errors.sort(key=lambda e: (e.sheet != PROJECT_SHEET, e.row, e.column))
    return list(projects.values()), errors


@transaction.atomic
def plan_import(*, actor: Any, plan: YearPlan, content: bytes) -> int:
    """Import the year's key projects from the committee's sheet; return how many were imported.

    Every row is checked first; on any error (ImportRejected, listing sheet/row/column/message)
    nothing is written. The import replaces the plan's projects, and is refused once progress was
    reported on the plan (the reports would lose their milestones).
    """
    require(actor, plan, CHANGE)
    plan = YearPlan.objects.select_for_update().get(pk=plan.pk)
    if plan.projects.filter(reports__isnull=False).exists():
        raise ImportRejected([RowError("", 0, "", _("Progress was reported on this plan: its list can no longer be replaced."))])
    projects, errors = parse_workbook(content, plan)
    if not errors and not projects:
        errors = [RowError(PROJECT_SHEET, 2, "", _("The sheet lists no project."))]
    if errors:
        raise ImportRejected(errors)
    KeyProject.objects.filter(plan=plan).delete()
    for project in sorted(projects, key=lambda p: p.fields["sequence"]):
        project_create(
            actor=actor,
            plan=plan,
            cooperating_departments=project.cooperating,
            districts=project.districts,
            milestones=[m for _r, m in project.milestones],
            **project.fields,
        )
    return len(projects)


def plan_export_workbook(*, projects: Any) -> bytes:
    """The projects (already scoped by the caller) in the import layout, as .xlsx bytes."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = PROJECT_SHEET
    sheet.append(PROJECT_HEADERS)
    milestones = workbook.create_sheet(MILESTONE_SHEET)
    milestones.append(MILESTONE_HEADERS)
    city = settings.SAFECITY_CITY_REGION_CODE
    for project in projects:
        sheet.append(
            [
                project.sequence,
                project.name,
                project.sub_system.name,
                project.lead_department.name,
                "、".join(p.organisation.name for p in project.participations.all() if not p.is_lead),
                "、".join(CITY_WIDE if r.code == city else r.name for r in sorted(project.districts.all(), key=lambda r: r.code)),
                project.goal,
                project.budget,
                project.start_date,
                project.deliverables,
            ]
        )
        for m in project.milestones.all():
            milestones.append([project.sequence, m.name, m.planned_date, m.weight])
    for ws in (sheet, milestones):
        for cells in ws.iter_rows(min_row=2):
            for cell in cells:
                if isinstance(cell.value, date):
                    cell.number_format = "yyyy-mm-dd"
    return workbook_bytes(workbook)

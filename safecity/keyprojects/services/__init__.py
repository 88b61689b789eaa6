"""Writes of the key projects: <entity>_<action>(*, actor, ...) inside one transaction each."""

from __future__ import annotations

from safecity.keyprojects.services.excel import plan_export_workbook, plan_import
from safecity.keyprojects.services.plans import (
    MilestoneInput,
    plan_create,
    plan_update,
    project_create,
    project_update,
    subsystem_create,
    subsystem_update,
    subsystems_seed,
)
from safecity.keyprojects.services.progress import progress_report
from safecity.keyprojects.services.reminders import keyprojects_reminders

__all__ = [
    "MilestoneInput",
    "keyprojects_reminders",
    "plan_create",
    "plan_export_workbook",
    "plan_import",
    "plan_update",
    "progress_report",
    "project_create",
    "project_update",
    "subsystem_create",
    "subsystem_update",
    "subsystems_seed",
]

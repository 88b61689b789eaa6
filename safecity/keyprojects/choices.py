"""Codes of the annual key projects (重点项目) of the "1+29" municipal public-safety system."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ProjectStatus(models.TextChoices):
    """How a key project stands against its time-based schedule (时序进度) on a given date.

    Computed every time from the milestones and the progress reports (``schedule.classify``),
    never stored.
    """

    COMPLETED = "completed", _("Completed")
    ON_SCHEDULE = "on_schedule", _("On time-based schedule")
    BEHIND = "behind", _("Behind schedule")
    SERIOUSLY_BEHIND = "seriously_behind", _("Seriously behind schedule")
    NOT_COMPLETED = "not_completed", _("Not completed by the year's end")


STATUS_COLOURS = {
    ProjectStatus.COMPLETED: "#1b7f3b",
    ProjectStatus.ON_SCHEDULE: "#0b5cad",
    ProjectStatus.BEHIND: "#e07b00",
    ProjectStatus.SERIOUSLY_BEHIND: "#d7263d",
    ProjectStatus.NOT_COMPLETED: "#6b5b95",
}


class ReminderKind(models.TextChoices):
    MILESTONE_DUE = "milestone_due", _("Milestone due soon")

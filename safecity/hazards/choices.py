"""Official codes of the dual prevention mechanism (双重预防机制).

Source: Ministry of Emergency Management, 《危险化学品企业双重预防机制数字化建设工作指南(试行)》
and its data-exchange specification (hidden-hazard fields and state codes), and the four risk
levels (major / significant / general / low = red / orange / yellow / blue, codes 1-4).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class RiskLevel(models.IntegerChoices):
    MAJOR = 1, _("Major risk (red)")
    SIGNIFICANT = 2, _("Significant risk (orange)")
    GENERAL = 3, _("General risk (yellow)")
    LOW = 4, _("Low risk (blue)")


RISK_COLOURS = {1: "red", 2: "orange", 3: "yellow", 4: "blue"}
RISK_HEX = {1: "#d7263d", 2: "#f08a24", 3: "#e6c229", 4: "#1b75bb"}


def risk_level_label(level: int | None) -> str:
    """A risk level in the reader's words (重大风险（红）, Major risk (red)), "—" when there is none."""
    if level is None or level not in RiskLevel.values:
        return "—"
    return str(RiskLevel(level).label)


class AssessmentMethod(models.TextChoices):
    LEC = "LEC", _("LEC (D = L × E × C)")
    LS = "LS", _("LS matrix (R = L × S)")


class RiskObjectKind(models.TextChoices):
    MAJOR_HAZARD_INSTALLATION = "mhi", _("Major hazard installation")
    PRODUCTION_UNIT = "production", _("Production unit")
    STORAGE = "storage", _("Storage facility")
    OPERATION = "operation", _("Operation or activity")
    OTHER = "other", _("Other")


class HazardLevel(models.IntegerChoices):
    """State Administration of Work Safety order No. 16 (2007)."""

    GENERAL = 0, _("General hidden hazard")
    MAJOR = 1, _("Major hidden hazard")


class HazardSource(models.IntegerChoices):
    ROUTINE = 1, _("Routine check")
    COMPREHENSIVE = 2, _("Comprehensive check")
    SPECIALIST = 3, _("Specialist check")
    SEASONAL = 4, _("Seasonal check")
    HOLIDAY = 5, _("Check before holidays or key periods")
    ACCIDENT_ANALOGY = 6, _("Accident analogy check")
    RESUMPTION = 7, _("Check before resuming work")
    EXPERT_DIAGNOSIS = 8, _("External expert diagnosis")
    MEASURE_FAILURE = 9, _("Control-measure failure")
    OTHER = 10, _("Other")


class ManagementType(models.IntegerChoices):
    ON_THE_SPOT = 0, _("Fixed on the spot")
    BY_DEADLINE = 1, _("Rectified by a deadline")


class HazardType(models.IntegerChoices):
    SAFETY = 1, _("Safety management")
    PROCESS = 2, _("Process")
    ELECTRICAL = 3, _("Electrical")
    INSTRUMENT = 4, _("Instrumentation")
    FIRE = 5, _("Fire")
    LAYOUT = 6, _("Site layout")
    EQUIPMENT = 7, _("Equipment")
    OTHER = 8, _("Other")


class HazardState(models.IntegerChoices):
    """Interface state codes (-1, 0, 1, 9), plus WITHDRAWN (-9, local): a report found not to be a hazard."""

    TO_CONFIRM = -1, _("To be confirmed")
    RECTIFYING = 0, _("Rectifying")
    AWAITING_ACCEPTANCE = 1, _("Awaiting acceptance")
    ACCEPTED = 9, _("Accepted (closed)")
    WITHDRAWN = -9, _("Withdrawn (not a hazard)")


OPEN_STATES = (HazardState.TO_CONFIRM, HazardState.RECTIFYING, HazardState.AWAITING_ACCEPTANCE)


class CheckResult(models.TextChoices):
    PENDING = "pending", _("Due")
    DONE = "done", _("Done, nothing found")
    HAZARD_FOUND = "hazard_found", _("Hidden hazard found")
    OVERDUE = "overdue", _("Overdue")


class EvidenceStage(models.TextChoices):
    DISCOVERY = "discovery", _("At discovery")
    RECTIFICATION = "rectification", _("Rectification")
    ACCEPTANCE = "acceptance", _("Acceptance")


class ReminderKind(models.TextChoices):
    DEADLINE_SOON = "deadline_soon", _("Deadline approaching")
    OVERDUE_LIABLE = "overdue_liable", _("Overdue: liable person")
    OVERDUE_SUPERVISOR = "overdue_supervisor", _("Overdue: supervising official")
    ACCEPTANCE_OVERDUE = "acceptance_overdue", _("Acceptance overdue (major hidden hazard)")

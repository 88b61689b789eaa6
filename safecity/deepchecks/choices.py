"""Codes of the deep safety check (深度安全体检): expert levels, campaign and panel states, root causes.

The root-cause categories are the four classic accident causes (person, object, management,
environment: 人、物、管、环). The management-system elements follow the chemical process safety
management elements of 《化工过程安全管理导则》(AQ/T 3034-2022) and the 2019 hazard investigation
guideline (应急〔2019〕78号), grouped as the Jiangsu deep checks report them.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ExpertLevel(models.TextChoices):
    NATIONAL = "national", _("National")
    PROVINCIAL = "provincial", _("Provincial")
    CITY = "city", _("City")
    OTHER = "other", _("Other")


# Provincial level or above: the "at least 3 of 5" rule of the Xinbei panels.
SENIOR_LEVELS = frozenset({ExpertLevel.NATIONAL, ExpertLevel.PROVINCIAL})


class AffiliationKind(models.TextChoices):
    EMPLOYER = "employer", _("Employer")
    RELATED = "related", _("Related enterprise (consulting, design, shareholding)")


class DocumentKind(models.TextChoices):
    QUALIFICATION = "qualification", _("Qualification certificate")
    APPOINTMENT = "appointment", _("Letter of appointment")
    OTHER = "other", _("Other")


class CampaignStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SCHEDULED = "scheduled", _("Schedule proposed")
    PUBLISHED = "published", _("Schedule published")
    CLOSED = "closed", _("Closed")


class PanelStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    PUBLISHED = "published", _("Published")
    IN_PROGRESS = "in_progress", _("Check in progress")
    COMPLETED = "completed", _("Check completed")


# Panels an expert is "currently" on: they may report findings at the enterprise.
CURRENT_PANEL_STATES = (PanelStatus.PUBLISHED, PanelStatus.IN_PROGRESS)


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Schedule found")
    INFEASIBLE = "infeasible", _("No schedule exists")
    FAILED = "failed", _("Failed")


class ItemResult(models.TextChoices):
    PENDING = "pending", _("Not checked yet")
    CONFORMING = "conforming", _("Conforming")
    FINDING = "finding", _("Finding recorded")
    NOT_APPLICABLE = "not_applicable", _("Not applicable")


class CauseCategory(models.TextChoices):
    """The direct cause of a finding: person, object, management, environment (人、物、管、环)."""

    PERSON = "person", _("Person (unsafe act)")
    OBJECT = "object", _("Object (unsafe condition of equipment or material)")
    MANAGEMENT = "management", _("Management (management defect)")
    ENVIRONMENT = "environment", _("Environment (unsafe environment)")


class ManagementElement(models.TextChoices):
    """The management-system element that failed: the root cause (AQ/T 3034-2022 elements)."""

    LEADERSHIP = "leadership", _("Safety leadership and responsibility")
    RISK_CONTROL = "risk_control", _("Risk identification and control")
    HAZARD_INVESTIGATION = "hazard_investigation", _("Hazard investigation and rectification")
    PROCESS_SAFETY_INFORMATION = "process_safety_information", _("Process safety information")
    OPERATING_PROCEDURES = "operating_procedures", _("Operating procedures")
    TRAINING = "training", _("Training and competence")
    EQUIPMENT_INTEGRITY = "equipment_integrity", _("Equipment integrity")
    CONTRACTORS = "contractors", _("Contractor and tenant management")
    CHANGE_MANAGEMENT = "change_management", _("Management of change")
    SPECIAL_OPERATIONS = "special_operations", _("Special operations (permit to work)")
    EMERGENCY = "emergency", _("Emergency management")
    ACCIDENT_MANAGEMENT = "accident_management", _("Accident and incident management")

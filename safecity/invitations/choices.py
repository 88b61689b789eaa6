"""Choices of the invitation-style inspections (邀约式安全检查, issue 16, domain-rules §7b)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class InvitationState(models.TextChoices):
    INVITED = "invited", _("Awaiting scheduling")
    SCHEDULED = "scheduled", _("Scheduled")
    REPORTED = "reported", _("Reported")
    FOLLOWED_UP = "followed_up", _("Followed up")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class InvitationAction(models.TextChoices):
    INVITE = "invite", _("Invite")
    SCHEDULE = "schedule", _("Accept and schedule")
    DECLINE = "decline", _("Decline")
    WITHDRAW = "withdraw", _("Withdraw the invitation")
    CHECKLIST = "checklist", _("Record the checklist")
    REPORT = "report", _("Report the inspection")
    FOLLOW_UP = "follow_up", _("Record the follow-up visit")
    RATE = "rate", _("Rate the inspection")
    REFER = "refer", _("Referred to enforcement")


class ItemResult(models.TextChoices):
    PENDING = "pending", _("Not checked yet")
    CONFORMING = "conforming", _("Conforming")
    FINDING = "finding", _("Hidden hazard found")
    NOT_APPLICABLE = "not_applicable", _("Not applicable")


class NoPenaltyCondition(models.TextChoices):
    """The four conditions of Jiangsu's no-penalty list (2025): all must hold (domain-rules §7b)."""

    FIRST_VIOLATION = "first_violation", _("First violation")
    MINOR_CORRECTED = "minor_corrected", _("Minor harm, corrected promptly")
    NO_FATAL_ACCIDENT = "no_fatal_accident", _("No fatal accident in the last 3 years")
    NOT_DISHONEST = "not_dishonest", _("Not on the serious-dishonesty list")


class ConditionStatus(models.TextChoices):
    MET = "met", _("Met")
    FAILED = "failed", _("Failed")
    PENDING = "pending", _("Not yet known")

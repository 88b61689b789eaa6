"""The states and steps of a citizen's hazard report (随手拍)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ReportState(models.TextChoices):
    RECEIVED = "received", _("Awaiting triage")
    DISMISSED = "dismissed", _("Dismissed")
    MERGED = "merged", _("Merged with a known hidden hazard")
    HAZARD = "hazard", _("Recorded as a hidden hazard")


class ReportAction(models.TextChoices):
    SUBMIT = "submit", _("Reported")
    DISMISS = "dismiss", _("Dismiss")
    MERGE = "merge", _("Merge with a known hidden hazard")
    HAZARD = "hazard", _("Record as a hidden hazard")

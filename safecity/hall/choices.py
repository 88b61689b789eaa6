"""The codes of the experience hall (issue 17 part 2, domain-rules §7d)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Period(models.TextChoices):
    MORNING = "morning", _("Morning")
    AFTERNOON = "afternoon", _("Afternoon")


class SessionState(models.TextChoices):
    OPEN = "open", _("Open for booking")
    CANCELLED = "cancelled", _("Cancelled")


class GroupType(models.TextChoices):
    SCHOOL = "school", _("School class")
    VILLAGE = "village", _("Village")
    ENTERPRISE = "enterprise", _("Enterprise staff")
    COMMUNITY = "community", _("Community")


class BookingState(models.TextChoices):
    BOOKED = "booked", _("Booked")
    WAITING = "waiting", _("On the waiting list")
    CANCELLED = "cancelled", _("Cancelled")
    ATTENDED = "attended", _("Visited")

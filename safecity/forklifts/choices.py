"""Codes of the forklift platform: vehicle types, status and its actions, plant zones, the checks of
SAMR order No. 74 and the problems a start-up check finds (TSG 81-2022, domain-rules §4)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class VehicleType(models.TextChoices):
    """In-plant motor vehicles (场(厂)内专用机动车辆) of the special-equipment catalogue, code 5000."""

    COUNTERBALANCE_ENGINE = "counterbalance_engine", _("Internal-combustion counterbalanced forklift")
    COUNTERBALANCE_BATTERY = "counterbalance_battery", _("Battery counterbalanced forklift")
    REACH = "reach", _("Reach truck")
    PALLET_STACKER = "pallet_stacker", _("Pallet stacker")
    SIGHTSEEING = "sightseeing", _("Sightseeing vehicle")


class ForkliftStatus(models.TextChoices):
    """Where a truck is in its use (TSG 81-2022): scrapped is terminal."""

    IN_USE = "in_use", _("In use")
    STOPPED = "stopped", _("Stopped")
    SCRAPPED = "scrapped", _("Scrapped")


class ForkliftAction(models.TextChoices):
    STOP = "stop", _("Stop using")
    RESUME = "resume", _("Resume use")
    SCRAP = "scrap", _("Scrap")


class ZoneKind(models.TextChoices):
    """Kinds of plant zone; each has its own speed limit (no national limit: plants set them)."""

    INDOOR = "indoor", _("Indoor")
    OUTDOOR = "outdoor", _("Outdoor")
    PEDESTRIAN = "pedestrian", _("Pedestrian zone")
    FORBIDDEN = "forbidden", _("Forbidden zone")


class InspectionResult(models.TextChoices):
    PASS = "pass", _("Pass")
    FAIL = "fail", _("Fail")


class SafetyRole(models.TextChoices):
    """The user unit's safety people (SAMR order No. 74)."""

    DIRECTOR = "director", _("Safety director")
    OFFICER = "officer", _("Safety officer")


class CheckKind(models.TextChoices):
    """日管控 / 周排查 / 月调度 (SAMR order No. 74, arts. 142-144)."""

    DAILY = "daily", _("Daily check")
    WEEKLY = "weekly", _("Weekly investigation")
    MONTHLY = "monthly", _("Monthly scheduling meeting")


class StartProblem(models.TextChoices):
    """Why a start-up must be refused (or raise an alarm): the driver or the truck."""

    DRIVER_NOT_REPORTED = "driver_not_reported", _("No driver reported at start-up")
    UNKNOWN_DRIVER = "unknown_driver", _("Unknown driver")
    CERTIFICATE_EXPIRED = "certificate_expired", _("Driver's N1 certificate expired")
    NOT_AUTHORISED = "not_authorised", _("Driver not authorised for this enterprise")
    INSPECTION_OVERDUE = "inspection_overdue", _("Periodic inspection overdue")
    NOT_REGISTERED = "not_registered", _("Not registered for use")
    NOT_IN_USE = "not_in_use", _("Stopped or scrapped")


class InspectionStatus(models.TextChoices):
    OK = "ok", _("Inspected on time")
    DUE_SOON = "due_soon", _("Inspection due within a month")
    OVERDUE = "overdue", _("Inspection overdue")
    UNKNOWN = "unknown", _("No inspection date on record")


class RegistrationStatus(models.TextChoices):
    ON_TIME = "on_time", _("Registered on time")
    LATE = "late", _("Registered late")
    PENDING = "pending", _("Not registered yet (within 30 days)")
    OVERDUE = "overdue", _("Not registered (over 30 days)")
    NOT_USED = "not_used", _("Not in use yet")


class CertificateStatus(models.TextChoices):
    VALID = "valid", _("Valid")
    EXPIRING = "expiring", _("Expires within a month")
    EXPIRED = "expired", _("Expired")


class EventKind(models.TextChoices):
    """What a forklift's timeline records (every write of its facts by the services)."""

    ADDED = "added", _("Added to the registry")
    REGISTERED = "registered", _("Use registration recorded")
    INSPECTED = "inspected", _("Periodic inspection recorded")
    STOP = "stop", _("Stopped")
    RESUME = "resume", _("Resumed")
    SCRAP = "scrap", _("Scrapped")
    OFFICER = "officer", _("Safety officer assigned")
    DEVICE = "device", _("Monitoring device fitted")


class ReminderKind(models.TextChoices):
    INSPECTION_DUE_SOON = "inspection_due_soon", _("Periodic inspection due within a month")
    INSPECTION_OVERDUE = "inspection_overdue", _("Periodic inspection overdue")
    CERTIFICATE_EXPIRING = "certificate_expiring", _("N1 certificate expires within a month")
    CERTIFICATE_EXPIRED = "certificate_expired", _("N1 certificate expired")

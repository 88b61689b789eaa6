"""Codes of the telemetry engine: device kinds and states, alarm levels and states (issue 14)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class DeviceKind(models.TextChoices):
    """What a device is. The forklift platform mounts trackers on trucks; the restaurant gas alarms
    and the urban lifeline sensors of later issues register their own kinds here."""

    FORKLIFT_TRACKER = "forklift_tracker", _("Forklift on-board terminal")
    GAS_DETECTOR = "gas_detector", _("Combustible gas detector")
    LIFELINE_SENSOR = "lifeline_sensor", _("Lifeline monitoring sensor")


class DeviceStatus(models.TextChoices):
    """A revoked device's credentials are gone from the broker's password file: it is refused."""

    ACTIVE = "active", _("Active")
    REVOKED = "revoked", _("Revoked")


class AlarmLevel(models.TextChoices):
    """Warning levels, red the highest (Emergency Response Law art. 42; domain-rules §7)."""

    RED = "red", _("Red")
    ORANGE = "orange", _("Orange")
    YELLOW = "yellow", _("Yellow")
    BLUE = "blue", _("Blue")


LEVEL_RANK = {AlarmLevel.RED: 4, AlarmLevel.ORANGE: 3, AlarmLevel.YELLOW: 2, AlarmLevel.BLUE: 1}


class AlarmState(models.TextChoices):
    """An alarm is firing until its rule's clear condition holds; then it is resolved for good
    (the next violation opens a new alarm)."""

    FIRING = "firing", _("Firing")
    RESOLVED = "resolved", _("Resolved")


class AlarmAction(models.TextChoices):
    """The steps of an alarm's timeline."""

    FIRE = "fire", _("Fired")
    CLEAR = "clear", _("Cleared")
    ACKNOWLEDGE = "acknowledge", _("Acknowledged")
    ESCALATE = "escalate", _("Escalated")
    NOTIFY = "notify", _("Notified")
    SILENCED = "silenced", _("Notification held by a silence")
    HAZARD = "hazard", _("Hidden hazard raised")


class RejectReason(models.TextChoices):
    """Why the ingest worker did not store a message as a reading (counted and logged)."""

    MALFORMED = "malformed", _("Malformed payload")
    UNKNOWN_DEVICE = "unknown_device", _("Unknown or revoked device")
    WRONG_TOPIC = "wrong_topic", _("Topic does not match the device")
    FUTURE = "future", _("Timestamp too far in the future")
    DUPLICATE = "duplicate", _("Duplicate sequence number")
    TOO_OLD = "too_old", _("Timestamp older than the retention period")

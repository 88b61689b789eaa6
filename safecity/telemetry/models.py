"""The telemetry engine's records: devices and their credentials, rule sets, readings, alarms.

Readings are the stream (many per second city-wide): they are not audited rows but data, stored in
batches by the ingest worker (COPY on PostgreSQL) into a table partitioned by month there, and
pruned to per-minute aggregates by the retention job. Everything a person changes (a device, its
credentials, a rule set, an alarm's acknowledgement, a silence) is audited.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safecity.core.models.base import AuditedModel
from safecity.core.scoping import ScopeRule
from safecity.telemetry.choices import AlarmAction, AlarmLevel, AlarmState, DeviceKind, DeviceStatus, RejectReason

# Jurisdiction roles that manage devices and rule sets; an enterprise's manager manages its own.
MANAGER_ROLES = frozenset({"city_admin", "city_official", "district_official", "inspector"})
ORGANISATION_MANAGERS = frozenset({"enterprise_manager"})
# Who sees telemetry rows at all: the regulators above and the devices' own enterprises. The
# procuratorate and the fire brigade reach the same regions but not these records.
VIEW_ROLES = MANAGER_ROLES | frozenset({"enterprise_manager", "enterprise_staff"})
SERIAL = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{2,39}$")
TOPIC_ROOT = "safecity/v1"


def device_topic_prefix(serial: str) -> str:
    """The only topic subtree a device may publish under (the broker's ACL says so too)."""
    return f"{TOPIC_ROOT}/{serial}/"


class RuleSet(AuditedModel):
    """Rules declared as data (``docs/telemetry.md``), evaluated on ingest for each device that uses
    the set. ``rules`` is validated by :func:`safecity.telemetry.rules.parse_rules` on save, so the
    worker never meets an invalid set. ``version`` grows on every change: the worker reloads a set
    whose version moved. ``owner`` is a plant's set (the forklift platform writes one per plant and
    truck) or ``None`` for a city-wide set."""

    name = models.CharField(_("name"), max_length=120)
    organisation = models.ForeignKey(
        "core.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="telemetry_rule_sets",
        null=True,
        blank=True,
    )
    rules = models.JSONField(_("rules"), default=list)
    version = models.PositiveIntegerField(_("version"), default=1)

    scope_rule = ScopeRule(
        view_roles=VIEW_ROLES,
        region_path="organisation__region__path",
        organisation="organisation",
        change_roles=MANAGER_ROLES,
        organisation_change_roles=ORGANISATION_MANAGERS,
    )

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("rule set")
        verbose_name_plural = _("rule sets")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        from safecity.telemetry.policies import rule_meta
        from safecity.telemetry.rules import RuleError

        try:
            rule_meta(self.rules)
        except RuleError as error:
            raise ValidationError({"rules": str(error)}) from error


class Device(AuditedModel):
    """A device that publishes readings: its serial is its MQTT user name and its topic prefix.

    Invariants: the broker's password file holds a device's hash only while it is active, so a
    revoked device is refused at CONNECT; its ACL lets it publish only under
    ``safecity/v1/<serial>/`` (``device_topic_prefix``). Credentials are never stored in clear:
    ``mqtt_password_hash`` is the broker's PBKDF2-SHA512 hash, ``http_token_digest`` the SHA-256 of
    the HTTP ingest token; both are shown once, when issued, and rotated by a service.
    ``mounted_on`` is the object the device is fitted to (a forklift now; a restaurant or a
    pipeline point later).
    """

    serial = models.CharField(
        _("serial number"),
        max_length=40,
        unique=True,
        validators=[RegexValidator(SERIAL, _("Use 3-40 letters, digits, '-' or '_', starting with a letter or digit."))],
    )
    kind = models.CharField(_("kind"), max_length=32, choices=DeviceKind.choices)
    name = models.CharField(_("name"), max_length=120, blank=True)
    organisation = models.ForeignKey(
        "core.Organisation", verbose_name=_("owning organisation"), on_delete=models.PROTECT, related_name="devices"
    )
    mounted_type = models.ForeignKey(
        ContentType, verbose_name=_("mounted on (type)"), on_delete=models.PROTECT, null=True, blank=True
    )
    mounted_id = models.PositiveBigIntegerField(_("mounted on (id)"), null=True, blank=True)
    mounted_on = GenericForeignKey("mounted_type", "mounted_id")
    rule_set = models.ForeignKey(
        RuleSet, verbose_name=_("rule set"), on_delete=models.SET_NULL, null=True, blank=True, related_name="devices"
    )
    status = models.CharField(_("status"), max_length=16, choices=DeviceStatus.choices, default=DeviceStatus.ACTIVE)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_reason = models.CharField(_("reason for revoking"), max_length=200, blank=True)
    mqtt_password_hash = models.CharField(_("broker password hash"), max_length=200, blank=True, editable=False)
    http_token_digest = models.CharField(_("HTTP token digest"), max_length=64, blank=True, editable=False, db_index=True)
    credentials_rotated_at = models.DateTimeField(_("credentials issued at"), null=True, blank=True, editable=False)

    scope_rule = ScopeRule(
        view_roles=VIEW_ROLES,
        region_path="organisation__region__path",
        organisation="organisation",
        change_roles=MANAGER_ROLES,
        organisation_change_roles=ORGANISATION_MANAGERS,
    )

    class Meta:
        ordering = ["serial"]
        verbose_name = _("device")
        verbose_name_plural = _("devices")
        indexes = [models.Index(fields=["mounted_type", "mounted_id"], name="telemetry_device_mounted")]

    def __str__(self) -> str:
        return f"{self.serial} {self.name}".strip()

    @property
    def topic_prefix(self) -> str:
        return device_topic_prefix(self.serial)

    @property
    def is_active(self) -> bool:
        return self.status == DeviceStatus.ACTIVE


class Reading(models.Model):
    """One message from a device as stored: its sequence number, device time, receive time, values
    and position. Unique (device, sequence, device time): a redelivered message (QoS 1 after a
    worker died before its acknowledgement) is the same bytes, so it hits the key and is skipped.

    On PostgreSQL the table is partitioned by month of ``device_ts`` (migration 0002), which is
    why the key includes it; partitions are made ahead and dropped after the retention period by
    :func:`safecity.telemetry.storage.partitions_maintain`. Not audited: it is the stream, not a
    person's change. Seen by who may see the device.
    """

    id = models.BigAutoField(primary_key=True)
    # The database deletes a device's readings with it (ON DELETE CASCADE on PostgreSQL, see
    # migration 0002): Django's own cascade would load millions of rows first. Devices are revoked,
    # not deleted, in the normal course.
    device = models.ForeignKey(Device, on_delete=models.DO_NOTHING, related_name="readings", db_index=False, db_constraint=False)
    seq = models.BigIntegerField(_("sequence number"))
    device_ts = models.DateTimeField(_("device time"))
    received_at = models.DateTimeField(_("received at"))
    values = models.JSONField(_("values"), default=dict)
    lon = models.FloatField(_("longitude"), null=True, blank=True)
    lat = models.FloatField(_("latitude"), null=True, blank=True)

    scope_rule = ScopeRule(
        view_roles=VIEW_ROLES,
        region_path="device__organisation__region__path",
        organisation="device__organisation",
        change_roles=frozenset(),
    )

    class Meta:
        ordering = ["device_id", "device_ts", "seq"]
        verbose_name = _("reading")
        verbose_name_plural = _("readings")
        constraints = [
            models.UniqueConstraint(fields=["device", "seq", "device_ts"], name="telemetry_reading_unique_seq"),
        ]
        indexes = [models.Index(fields=["device", "device_ts"], name="telemetry_reading_device_ts")]

    def __str__(self) -> str:
        return f"{self.device_id}#{self.seq}"


class ReadingMinute(models.Model):
    """Per-minute aggregate of a device's readings, kept after the raw readings are pruned:
    ``values`` maps each numeric metric to ``[min, mean, max]``; ``n`` counts the readings."""

    device = models.ForeignKey(Device, on_delete=models.CASCADE, related_name="minutes")
    minute = models.DateTimeField(_("minute"))
    n = models.PositiveIntegerField(_("readings"))
    values = models.JSONField(_("values"), default=dict)
    lon = models.FloatField(_("longitude"), null=True, blank=True)
    lat = models.FloatField(_("latitude"), null=True, blank=True)

    scope_rule = ScopeRule(
        view_roles=VIEW_ROLES,
        region_path="device__organisation__region__path",
        organisation="device__organisation",
        change_roles=frozenset(),
    )

    class Meta:
        ordering = ["device_id", "minute"]
        verbose_name = _("per-minute reading")
        verbose_name_plural = _("per-minute readings")
        constraints = [models.UniqueConstraint(fields=["device", "minute"], name="telemetry_minute_unique")]

    def __str__(self) -> str:
        return f"{self.device_id}@{self.minute:%Y-%m-%d %H:%M}"


class EngineState(models.Model):
    """The rule engine's persisted state of one device (``Engine.dump_device``), written in the same
    transaction as the readings it reflects, so a worker that restarts resumes exactly."""

    device = models.OneToOneField(Device, on_delete=models.CASCADE, primary_key=True, related_name="engine_state")
    data = models.JSONField(default=dict)
    rules_version = models.CharField(max_length=64, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("engine state")
        verbose_name_plural = _("engine states")

    def __str__(self) -> str:
        return str(self.device_id)


class Alarm(AuditedModel):
    """One alarm of one (device, rule): open (firing) from the rule's fire event until its clear
    event. A database constraint keeps at most one firing alarm per (device, rule) (deduplication
    as Alertmanager does it); repeated fire conditions while it is open change nothing.

    Silences hold notifications back, never the alarm itself. Unacknowledged alarms are escalated
    by a scheduled job. Levels red/orange/yellow/blue, red the highest.
    """

    device = models.ForeignKey(Device, verbose_name=_("device"), on_delete=models.CASCADE, related_name="alarms")
    rule_id = models.CharField(_("rule"), max_length=64)
    kind = models.CharField(_("rule kind"), max_length=16)
    title = models.CharField(_("title"), max_length=120, blank=True)
    level = models.CharField(_("level"), max_length=8, choices=AlarmLevel.choices)
    state = models.CharField(_("state"), max_length=10, choices=AlarmState.choices, default=AlarmState.FIRING)
    fired_at = models.DateTimeField(_("fired at"))
    cleared_at = models.DateTimeField(_("cleared at"), null=True, blank=True)
    params = models.JSONField(_("details"), default=dict)
    clear_params = models.JSONField(_("details at clearing"), default=dict, blank=True)
    lon = models.FloatField(_("longitude"), null=True, blank=True)
    lat = models.FloatField(_("latitude"), null=True, blank=True)
    reading_seq = models.BigIntegerField(_("sequence number of the reading"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("acknowledged by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    escalation = models.PositiveSmallIntegerField(_("escalation step"), default=0)
    hazard = models.ForeignKey(
        "hazards.HiddenHazard",
        verbose_name=_("hidden hazard"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="telemetry_alarms",
    )

    scope_rule = ScopeRule(
        view_roles=VIEW_ROLES,
        region_path="device__organisation__region__path",
        organisation="device__organisation",
        change_roles=MANAGER_ROLES,
        organisation_change_roles=frozenset({"enterprise_manager", "enterprise_staff"}),
    )

    class Meta:
        ordering = ["-fired_at", "-id"]
        verbose_name = _("alarm")
        verbose_name_plural = _("alarms")
        constraints = [
            models.UniqueConstraint(
                fields=["device", "rule_id"],
                condition=Q(state=AlarmState.FIRING),
                name="telemetry_one_firing_alarm",
                violation_error_message=_("This device already has a firing alarm for this rule."),
            ),
        ]
        indexes = [
            models.Index(fields=["state", "-fired_at"], name="telemetry_alarm_state"),
            models.Index(fields=["device", "-fired_at"], name="telemetry_alarm_device"),
        ]

    def __str__(self) -> str:
        return f"{self.device.serial} · {self.rule_id}"


class AlarmEvent(models.Model):
    """A step of an alarm's timeline (fired, cleared, acknowledged, escalated, notified...).

    Written only by the alarm services, together with the change it records."""

    alarm = models.ForeignKey(Alarm, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("action"), max_length=16, choices=AlarmAction.choices)
    at = models.DateTimeField(_("at"))
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    note = models.CharField(_("note"), max_length=500, blank=True)
    params = models.JSONField(default=dict, blank=True)

    scope_rule = ScopeRule(
        view_roles=VIEW_ROLES,
        region_path="alarm__device__organisation__region__path",
        organisation="alarm__device__organisation",
        change_roles=frozenset(),
    )

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("alarm event")
        verbose_name_plural = _("alarm events")

    def __str__(self) -> str:
        return f"{self.alarm_id} {self.action}"


class Silence(AuditedModel):
    """Holds back the notifications of matching alarms from ``starts_at`` to ``ends_at``, with a
    reason (a planned maintenance, a known faulty sensor). The alarms still open and show, marked
    as silenced; an expired silence stops by itself. Matches an organisation's devices, optionally
    narrowed to one device, one rule id or one rule kind (Alertmanager's silences)."""

    organisation = models.ForeignKey(
        "core.Organisation", verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="telemetry_silences"
    )
    device = models.ForeignKey(
        Device, verbose_name=_("device"), on_delete=models.CASCADE, null=True, blank=True, related_name="silences"
    )
    rule_id = models.CharField(_("rule"), max_length=64, blank=True)
    kind = models.CharField(_("rule kind"), max_length=16, blank=True)
    starts_at = models.DateTimeField(_("starts at"), default=timezone.now)
    ends_at = models.DateTimeField(_("ends at"))
    reason = models.CharField(_("reason"), max_length=300)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    expired_early_at = models.DateTimeField(_("ended early at"), null=True, blank=True)

    scope_rule = ScopeRule(
        view_roles=VIEW_ROLES,
        region_path="organisation__region__path",
        organisation="organisation",
        change_roles=MANAGER_ROLES,
        organisation_change_roles=frozenset({"enterprise_manager"}),
    )

    class Meta:
        ordering = ["-starts_at", "-id"]
        verbose_name = _("silence")
        verbose_name_plural = _("silences")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")),
                name="telemetry_silence_ends_after_start",
                violation_error_message=_("A silence must end after it starts."),
            ),
        ]

    def __str__(self) -> str:
        return self.reason[:60]

    def is_active(self, at: datetime | None = None) -> bool:
        at = at or timezone.now()
        end = min(self.ends_at, self.expired_early_at) if self.expired_early_at else self.ends_at
        return self.starts_at <= at < end

    def matches(self, alarm: Any) -> bool:
        if alarm.device.organisation_id != self.organisation_id:
            return False
        if self.device_id and alarm.device_id != self.device_id:
            return False
        if self.rule_id and alarm.rule_id != self.rule_id:
            return False
        return not (self.kind and alarm.kind != self.kind)


class IngestCounter(models.Model):
    """How many messages the ingest workers refused, per day and reason (the reasons are also
    logged one by one). Counted in memory and added per batch, so a flood of bad messages costs
    one row update per batch, not one per message."""

    day = models.DateField(_("day"))
    reason = models.CharField(_("reason"), max_length=20, choices=RejectReason.choices)
    count = models.PositiveBigIntegerField(_("count"), default=0)
    last_detail = models.CharField(_("last example"), max_length=300, blank=True)

    class Meta:
        ordering = ["-day", "reason"]
        verbose_name = _("refused messages")
        verbose_name_plural = _("refused messages")
        constraints = [models.UniqueConstraint(fields=["day", "reason"], name="telemetry_counter_unique")]

    def __str__(self) -> str:
        return f"{self.day} {self.reason} {self.count}"

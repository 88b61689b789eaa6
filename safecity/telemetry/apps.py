from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TelemetryConfig(AppConfig):
    name = "safecity.telemetry"
    label = "telemetry"
    verbose_name = _("Telemetry")

    def ready(self) -> None:
        from safecity.core import audit
        from safecity.telemetry.models import Device

        # A device's secrets (the broker's password hash, the HTTP token digest) never reach the
        # audit trail, even hashed: the entry says that they changed, not what they are.
        audit.register(Device, masked=["mqtt_password_hash", "http_token_digest"])

        # Codes an audit entry, a list or a notification may show, in words (core.labels): the
        # kinds of rule and the metrics are stored as codes on alarms and silences.
        from safecity.core import labels
        from safecity.telemetry.choices import AlarmAction, AlarmLevel, AlarmState, DeviceKind, DeviceStatus, RejectReason
        from safecity.telemetry.wording import KINDS, METRICS

        labels.register("telemetry.rule_kind", KINDS)
        labels.register("telemetry.metric", METRICS)
        labels.register("telemetry.alarm_action", AlarmAction)
        labels.register("telemetry.alarm_level", AlarmLevel)
        labels.register("telemetry.alarm_state", AlarmState)
        labels.register("telemetry.device_kind", DeviceKind)
        labels.register("telemetry.device_status", DeviceStatus)
        labels.register("telemetry.reject_reason", RejectReason)
        labels.register(
            "notification.kind",
            {"telemetry.alarm": _("New alarms"), "telemetry.escalation": _("Alarms not acknowledged for too long")},
        )
        for model in ("telemetry.alarm", "telemetry.silence"):
            labels.register_value(model, "kind", lambda code: labels.label("telemetry.rule_kind", code))

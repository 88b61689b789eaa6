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

from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RestaurantsConfig(AppConfig):
    name = "safecity.restaurants"
    label = "restaurants"
    verbose_name = _("Restaurant gas safety")

    def ready(self) -> None:
        # Every model but the timeline is an AuditedModel (core registers those with the trail);
        # the timeline rows are audited too, so no write of the app escapes it.
        from safecity.core import audit
        from safecity.restaurants.models import ConversionEvent

        audit.register(ConversionEvent)

        from safecity.restaurants.services.leaks import leak_alarms_opened
        from safecity.telemetry.hooks import register_alarm_hook

        register_alarm_hook(leak_alarms_opened)

from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortraitsConfig(AppConfig):
    name = "safecity.portraits"
    label = "portraits"
    verbose_name = _("Enterprise health portraits")

    def ready(self) -> None:
        from safecity.core import audit
        from safecity.portraits.models import Portrait
        from safecity.portraits.services import outbox

        # When a portrait was last computed is shown on it, not a change worth an audit entry.
        audit.register(Portrait, exclude=["computed_at"])
        # Every recorded write of a portrait input marks its enterprise's portrait stale (outbox).
        audit.on_recorded(outbox.on_recorded)

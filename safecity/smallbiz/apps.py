from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SmallbizConfig(AppConfig):
    name = "safecity.smallbiz"
    label = "smallbiz"
    verbose_name = _("Small and micro enterprise safety services")

    def ready(self) -> None:
        # The reminders' notification kinds in words for the inbox and the audit trail
        # (core.labels, namespace "notification.kind"). The scheduled job itself (tasks.py) is
        # found by the core's autodiscovery of "tasks" modules.
        from safecity.core import labels
        from safecity.smallbiz.services.visits import REMINDER_KINDS

        labels.register("notification.kind", REMINDER_KINDS)

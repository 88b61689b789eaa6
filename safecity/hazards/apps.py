from __future__ import annotations

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class HazardsConfig(AppConfig):
    name = "safecity.hazards"
    label = "hazards"
    verbose_name = _("Dual prevention: risks and hidden hazards")

    def ready(self) -> None:
        from safecity.hazards.db import reinstall_after_migrate

        # The list's denormalised region path and tallies live in triggers; a later SQLite migration
        # that rebuilds a table drops them, so they are put back after every migrate.
        post_migrate.connect(reinstall_after_migrate, sender=self, dispatch_uid="hazards_list_triggers")

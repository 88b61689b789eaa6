from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HazardsConfig(AppConfig):
    name = "safecity.hazards"
    label = "hazards"
    verbose_name = _("Dual prevention: risks and hidden hazards")

from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CylindersConfig(AppConfig):
    name = "safecity.cylinders"
    label = "cylinders"
    verbose_name = _("Gas-cylinder traceability")

from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RiskDictConfig(AppConfig):
    name = "safecity.riskdict"
    label = "riskdict"
    verbose_name = _("Risk-control dictionary")

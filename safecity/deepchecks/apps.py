from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeepChecksConfig(AppConfig):
    name = "safecity.deepchecks"
    label = "deepchecks"
    verbose_name = _("Deep safety checks by expert panels")

from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SmallbizConfig(AppConfig):
    name = "safecity.smallbiz"
    label = "smallbiz"
    verbose_name = _("Small and micro enterprise safety services")

from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HallConfig(AppConfig):
    name = "safecity.hall"
    label = "hall"
    verbose_name = _("Public-safety experience hall")

from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KeyprojectsConfig(AppConfig):
    name = "safecity.keyprojects"
    label = "keyprojects"
    verbose_name = _("Annual key projects")

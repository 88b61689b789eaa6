from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortraitsConfig(AppConfig):
    name = "safecity.portraits"
    label = "portraits"
    verbose_name = _("Enterprise health portraits")

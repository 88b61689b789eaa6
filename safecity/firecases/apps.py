from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FirecasesConfig(AppConfig):
    name = "safecity.firecases"
    label = "firecases"
    verbose_name = _("Fire governance + public-interest litigation")

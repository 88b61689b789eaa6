from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FirecasesConfig(AppConfig):
    name = "safecity.firecases"
    label = "firecases"
    verbose_name = _("Fire governance + public-interest litigation")

    def ready(self) -> None:
        # The fire inspections' three-in-one determination feeds the health portraits.
        from safecity.firecases import portraits  # noqa: F401

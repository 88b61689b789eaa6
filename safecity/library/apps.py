from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LibraryConfig(AppConfig):
    """The library of regulations, standards and methods: a lower floor every sub-system cites from.

    It imports no sub-system: each citing app registers its citation table in its own
    ``citations.py`` (:func:`safecity.library.citations.register_citing`), discovered here.
    """

    name = "safecity.library"
    label = "library"
    verbose_name = _("Library of regulations, standards and methods")

    def ready(self) -> None:
        from django.utils.module_loading import autodiscover_modules

        autodiscover_modules("citations")

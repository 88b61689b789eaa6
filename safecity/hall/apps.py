from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HallConfig(AppConfig):
    name = "safecity.hall"
    label = "hall"
    verbose_name = _("Public-safety experience hall")

    def ready(self) -> None:
        from safecity.core import audit
        from safecity.hall.models import PhoneVerification, TextMessage

        # Personal data: recorded that a row was written or deleted, never the phone or the code.
        audit.register(PhoneVerification, masked=["phone", "code_hash", "details", "token"])
        audit.register(TextMessage, masked=["phone", "text"])

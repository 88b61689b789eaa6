from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CitizenReportsConfig(AppConfig):
    name = "safecity.citizenreports"
    label = "citizenreports"
    verbose_name = _("Citizens' hazard reports")

    def ready(self) -> None:
        # The reporter's phone is recorded in the trail as a digest only, never shown; the sender
        # digest is noise. The timeline rows are audited too.
        from safecity.citizenreports.models import CitizenReport, ReportEvent
        from safecity.core import audit

        audit.register(CitizenReport, masked=["reporter_phone"], exclude=["address_digest"])
        audit.register(ReportEvent)

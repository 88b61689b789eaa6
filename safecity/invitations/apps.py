from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InvitationsConfig(AppConfig):
    name = "safecity.invitations"
    label = "invitations"
    verbose_name = _("Invitation-style inspections")

    def ready(self) -> None:
        # Every model but the timeline is an AuditedModel; the timeline rows are audited too.
        from safecity.core import audit
        from safecity.invitations.models import InvitationEvent

        audit.register(InvitationEvent)

from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InvitationsConfig(AppConfig):
    name = "safecity.invitations"
    label = "invitations"
    verbose_name = _("Invitation-style inspections")

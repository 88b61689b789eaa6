"""Notifications: what the platform tells a person (reminders, escalations), shown in their inbox."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from safecity.core.scoping import ScopeRule


class Notification(models.Model):
    """A message to one user, with a link to what it is about. Written by services, read by its recipient."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recipient"), on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("kind"), max_length=40)
    message = models.TextField(_("message"))
    link = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    # Each person sees their own; the views also filter on the signed-in user.
    scope_rule = ScopeRule(person="recipient__person", change_roles=frozenset())

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [models.Index(fields=["recipient", "read_at"], name="core_notification_inbox")]

    def __str__(self) -> str:
        return self.message[:60]

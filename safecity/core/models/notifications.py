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


class Delivery(models.Model):
    """A notification sent to its recipient over a second channel besides the inbox (e-mail, SMS),
    for what must reach people at once over at least two channels (a gas leak: GB/T 45839-2025).
    One row per (notification, channel): what was sent where, when, and whether the channel took it.
    Written by ``core.delivery``; the inbox row is the first channel."""

    class Channel(models.TextChoices):
        EMAIL = "email", _("e-mail")
        SMS = "sms", _("text message (SMS)")

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting to be sent")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")

    notification = models.ForeignKey(
        Notification, verbose_name=_("notification"), on_delete=models.CASCADE, related_name="deliveries"
    )
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    address = models.CharField(_("address"), max_length=254)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    error = models.CharField(_("error"), max_length=300, blank=True)

    scope_rule = ScopeRule(person="notification__recipient__person", change_roles=frozenset())

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [
            models.UniqueConstraint(fields=["notification", "channel"], name="core_delivery_one_per_channel"),
        ]
        indexes = [models.Index(fields=["status", "created_at"], name="core_delivery_pending")]

    def __str__(self) -> str:
        return f"{self.channel} {self.address}"

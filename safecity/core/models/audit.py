"""The audit trail: one row per create, update and delete of every domain model."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from safecity.core.choices import AuditAction, AuditSource
from safecity.core.scoping import ScopeRule


class AuditEntry(models.Model):
    """One recorded write: who (actor), when, through which path (source, request id), what
    (object, action) and the values before and after.

    Append-only: nobody may change or delete an entry through the application (no change roles;
    the admin is read-only). ``region_path`` and ``organisation_id`` copy the object's scope keys
    at the time of the write, so the trail is scoped by the same rule as the object.
    """

    time = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_constraint=False,
    )
    actor_label = models.CharField(_("actor"), max_length=150, blank=True)
    source = models.CharField(_("source"), max_length=16, choices=AuditSource.choices)
    request_id = models.CharField(_("request id"), max_length=64, blank=True, db_index=True)
    action = models.CharField(_("action"), max_length=8, choices=AuditAction.choices)
    content_type = models.ForeignKey(ContentType, verbose_name=_("object type"), on_delete=models.PROTECT, related_name="+")
    object_id = models.CharField(_("object id"), max_length=64)
    object_repr = models.CharField(_("object"), max_length=255)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)
    changed_fields = models.JSONField(_("changed fields"), default=list, blank=True)
    region_path = models.CharField(_("region path"), max_length=255, blank=True)
    organisation_id = models.BigIntegerField(_("organisation id"), null=True, blank=True)

    scope_rule = ScopeRule(region_path="region_path", organisation="organisation_id", change_roles=frozenset())

    class Meta:
        ordering = ["-time", "-id"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        indexes = [
            models.Index(fields=["content_type", "object_id", "time"], name="core_audit_object"),
            models.Index(fields=["region_path"], name="core_audit_region", opclasses=["varchar_pattern_ops"]),
        ]

    def __str__(self) -> str:
        return f"{self.time:%Y-%m-%d %H:%M:%S} {self.get_action_display()} {self.object_repr}"

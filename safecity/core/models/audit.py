"""The audit trail: one row per create, update and delete of every domain model, and its seal.

Entries are append-only in the database (triggers, :mod:`safecity.core.audit_db`). A periodic
job chains the committed entries, in order, into sealed segments (:class:`AuditSegment`, one
:class:`AuditLink` per entry with its chain hash) and anchors each segment's head in the
verifiable ledger as a statement signed by the platform organisation (ADR 0006).
"""

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

    Append-only: nobody may change or delete an entry (database triggers; the admin is
    read-only); only ``safecity audit prune`` removes whole sealed segments past the retention.
    ``region_path``, ``organisation_id`` and ``person_id`` copy the object's scope keys at the
    time of the write (its ScopeRule's region path, organisation and person lookups), so an entry
    is shown exactly to those whom the record's own rule shows it (:mod:`safecity.core.audit_scope`),
    even after the record is deleted.
    """

    time = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        # The entry is never rewritten: a deleted user stays named by actor_label.
        on_delete=models.DO_NOTHING,
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
    person_id = models.BigIntegerField(_("person id"), null=True, blank=True)

    # The coarse rule (region and organisation) for the generic scoping helpers; the audit
    # selectors apply each record's own rule instead (core.audit_scope).
    scope_rule = ScopeRule(region_path="region_path", organisation="organisation_id", change_roles=frozenset())

    class Meta:
        ordering = ["-time", "-id"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        indexes = [
            models.Index(fields=["content_type", "object_id", "time"], name="core_audit_object"),
            models.Index(fields=["region_path"], name="core_audit_region", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["time", "id"], name="core_audit_time_id"),
            models.Index(fields=["organisation_id", "time"], name="core_audit_org_time"),
            models.Index(fields=["person_id", "time"], name="core_audit_person_time"),
        ]

    def __str__(self) -> str:
        return f"{self.time:%Y-%m-%d %H:%M:%S} {self.get_action_display()} {self.object_repr}"


class AuditSegment(models.Model):
    """A sealed run of the chain: the entries at positions [first_position, first_position + count).

    ``previous_head`` is the chain hash before the segment (32 zero bytes for the first),
    ``head`` the hash after its last entry. ``cutoff``: every entry written before it and not
    in an earlier segment is in this one. ``ledger_index``: the log entry of the signed anchor
    statement (kind ``audit.seal``). Append-only; never deleted, also after its entries are pruned.
    """

    number = models.PositiveIntegerField(_("segment"), primary_key=True)
    first_position = models.BigIntegerField(_("first position"))
    count = models.PositiveIntegerField(_("number of entries"))
    first_entry_id = models.BigIntegerField(_("first audit entry"))
    last_entry_id = models.BigIntegerField(_("last audit entry"))
    previous_head = models.BinaryField(_("previous chain head"))
    head = models.BinaryField(_("chain head"))
    cutoff = models.DateTimeField(_("cut-off"))
    sealed_at = models.DateTimeField(_("sealed at"))
    ledger_index = models.BigIntegerField(_("ledger index"), unique=True)

    class Meta:
        ordering = ["number"]
        verbose_name = _("audit segment")
        verbose_name_plural = _("audit segments")

    def __str__(self) -> str:
        return f"{self.number}: {self.first_position}+{self.count}"


class AuditLink(models.Model):
    """One entry's place in the chain: ``hash`` = SHA-256(previous hash || SHA-256(entry)).

    Keyed by the entry (an entry is sealed once); ``position`` is its place in the chain.
    Append-only; removed with its entry only by a prune of its whole segment.
    """

    entry_id = models.BigIntegerField(_("audit entry"), primary_key=True)
    position = models.BigIntegerField(_("chain position"), unique=True)
    segment = models.PositiveIntegerField(_("segment"), db_index=True)
    hash = models.BinaryField(_("chain hash"))

    class Meta:
        ordering = ["position"]
        verbose_name = _("audit chain link")
        verbose_name_plural = _("audit chain links")

    def __str__(self) -> str:
        return f"{self.position}: {self.entry_id}"

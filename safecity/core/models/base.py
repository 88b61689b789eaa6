"""Base classes for every domain model: timestamps and the audit trail hooks.

Every concrete subclass of :class:`AuditedModel` is recorded in the audit trail on create,
update and delete, whatever path the write takes: ``save()``/``delete()`` are caught by the
receivers in :mod:`safecity.core.audit`, and the queryset's bulk methods (``update``,
``bulk_create``, ``bulk_update``) are overridden here to record too, so no ORM path escapes.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.db import models

from safecity.core import audit


class AuditedQuerySet(models.QuerySet):
    """A queryset whose bulk writes record one audit entry per row they touch."""

    def update(self, **kwargs: Any) -> int:
        return audit.recorded_update(self, kwargs, super().update)

    def bulk_create(self, objs: Any, *args: Any, **kwargs: Any) -> list[Any]:
        created = super().bulk_create(objs, *args, **kwargs)
        audit.record_bulk_create(self.model, created)
        return created

    def bulk_update(self, objs: Any, fields: Any, *args: Any, **kwargs: Any) -> int:
        objs = list(objs)
        with audit.bulk_update_block():
            count = super().bulk_update(objs, fields, *args, **kwargs)
        audit.record_bulk_update(self.model, objs)
        return count


class AuditedManager(models.Manager.from_queryset(AuditedQuerySet)):  # type: ignore[misc]
    pass


class AuditedModel(models.Model):
    """Abstract base: creation/update times, and the snapshot the audit trail diffs against."""

    created_at = models.DateTimeField(auto_now_add=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True, editable=False)

    objects: ClassVar[AuditedManager] = AuditedManager()

    class Meta:
        abstract = True

    @classmethod
    def from_db(cls, db: str | None, field_names: Any, values: Any) -> Any:
        instance = super().from_db(db, field_names, values)
        # Keep what the row looked like when loaded, so an update is recorded as before/after
        # without a second query.
        instance._audit_snapshot = audit.snapshot(instance)  # type: ignore[attr-defined]
        return instance

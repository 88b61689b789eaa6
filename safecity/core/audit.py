"""The audit trail: context (who, through which path, which request) and recording.

Every write to an audited model is recorded, whatever path it takes:
- ``save()`` and ``delete()`` (UI, API, admin, shell, management commands, fixtures) through the
  ``post_save`` / ``post_delete`` receivers connected in :class:`safecity.core.apps.CoreConfig`;
- ``QuerySet.update``, ``bulk_create`` and ``bulk_update`` through :class:`AuditedQuerySet`.

The receivers record unconditionally; the context only says who and how. A write outside any
request or command is recorded with source "system" and no actor, never skipped (ADR 0002).
"""

from __future__ import annotations

import contextvars
import datetime
import decimal
import hashlib
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.db import models

from safecity.core.choices import AuditAction, AuditSource


@dataclass
class AuditContext:
    source: str = AuditSource.SYSTEM
    request_id: str = ""
    actor: Any = None
    actor_label: str = ""
    request: Any = None

    def resolve_actor(self) -> tuple[Any, str]:
        actor = self.actor
        if actor is None and self.request is not None:
            # DRF sets the authenticated user on the underlying HttpRequest, so a token-authenticated
            # API call is attributed to its user too.
            actor = getattr(self.request, "user", None)
        if actor is not None and getattr(actor, "is_authenticated", False):
            return actor, self.actor_label or actor.get_username()
        return None, self.actor_label


_context: contextvars.ContextVar[AuditContext | None] = contextvars.ContextVar("safecity_audit", default=None)


def current() -> AuditContext:
    return _context.get() or AuditContext()


@contextmanager
def audit_context(
    *,
    source: str,
    actor: Any = None,
    actor_label: str = "",
    request_id: str | None = None,
    request: Any = None,
) -> Iterator[AuditContext]:
    """Say who writes and through which path for the writes inside the block."""
    ctx = AuditContext(
        source=source,
        request_id=request_id or uuid.uuid4().hex,
        actor=actor,
        actor_label=actor_label,
        request=request,
    )
    token = _context.set(ctx)
    try:
        yield ctx
    finally:
        _context.reset(token)


@dataclass(frozen=True)
class AuditOptions:
    exclude: frozenset[str] = field(default_factory=frozenset)
    masked: frozenset[str] = field(default_factory=frozenset)
    # field attname -> the roles that may read its values in the trail (superusers always may).
    restricted: dict[str, frozenset[str]] = field(default_factory=dict)


_registry: dict[type[models.Model], AuditOptions] = {}


def register(
    model: type[models.Model],
    *,
    exclude: Iterable[str] = (),
    masked: Iterable[str] = (),
    restricted: dict[str, Iterable[str]] | None = None,
) -> None:
    """Record ``model`` in the audit trail.

    ``exclude`` names fields never stored (noise such as last_login); ``masked`` names secrets whose
    change is recorded as a short digest, never the value (a password hash, an API token), and
    whose digest is never shown either; ``restricted`` maps a field to the roles that may read its
    before/after values in the trail (others see that it changed, not the values).
    """
    _registry[model] = AuditOptions(
        exclude=frozenset(exclude),
        masked=frozenset(masked),
        restricted={name: frozenset(roles) for name, roles in (restricted or {}).items()},
    )


def registered() -> dict[type[models.Model], AuditOptions]:
    """Every audited model and its options (the audit scoping builds its rules from these)."""
    return dict(_registry)


def options_for(model: type[models.Model]) -> AuditOptions | None:
    model = model._meta.concrete_model or model
    return _registry.get(model)


def is_audited(model: type[models.Model]) -> bool:
    return options_for(model) is not None


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, bytes | memoryview):
        return bytes(value).hex()
    if hasattr(value, "name") and hasattr(value, "storage"):  # FieldFile
        return value.name or None
    return value


def _mask(value: Any) -> str:
    return "sha256:" + hashlib.sha256(str(value).encode()).hexdigest()[:12] if value else ""


def snapshot(instance: models.Model) -> dict[str, Any]:
    """The stored values of ``instance`` as JSON-ready data (deferred fields left out)."""
    opts = options_for(type(instance)) or AuditOptions()
    deferred = instance.get_deferred_fields()
    data: dict[str, Any] = {}
    for f in instance._meta.concrete_fields:
        if f.attname in deferred or f.name in opts.exclude:
            continue
        value = getattr(instance, f.attname)
        if f.name in opts.masked:
            value = _mask(value)
        data[f.attname] = _jsonable(value)
    return data


_NOISE = frozenset({"updated_at"})


def _changed(before: dict[str, Any] | None, after: dict[str, Any] | None) -> list[str]:
    if before is None or after is None:
        return sorted((after or before or {}).keys())
    return sorted(k for k in after if k not in _NOISE and before.get(k) != after.get(k))


def build_entry(action: str, instance: models.Model, before: dict[str, Any] | None, after: dict[str, Any] | None) -> Any:
    """An unsaved AuditEntry for one write (callers save them in bulk)."""
    from django.contrib.contenttypes.models import ContentType

    from safecity.core.models import AuditEntry
    from safecity.core.scoping import scope_keys

    ctx = current()
    actor, label = ctx.resolve_actor()
    region_path, organisation_id = scope_keys(instance)
    person_id = person_key(instance)
    opts = options_for(type(instance)) or AuditOptions()
    object_id, object_repr = str(instance.pk), str(instance)[:255]
    if instance._meta.pk is not None and instance._meta.pk.name in opts.masked:
        # The key is the secret itself (an API token): identify the row by its digest only.
        object_id = object_repr = _mask(instance.pk)
    return AuditEntry(
        actor=actor,
        actor_label=label[:150],
        source=ctx.source,
        request_id=ctx.request_id,
        action=action,
        content_type=ContentType.objects.get_for_model(instance, for_concrete_model=True),
        object_id=object_id,
        object_repr=object_repr,
        before=before,
        after=after,
        changed_fields=_changed(before, after),
        region_path=region_path,
        organisation_id=organisation_id,
        person_id=person_id,
    )


def person_key(instance: models.Model) -> int | None:
    """The person an object is about, read from its ScopeRule's ``person`` lookup (or None)."""
    from safecity.core.scoping import ScopeRule, _walk

    rule = getattr(type(instance), "scope_rule", None)
    if not isinstance(rule, ScopeRule) or not rule.person:
        return None
    *path, last = rule.person.split("__")
    holder = _walk(instance, "__".join(path)) if path else instance
    if holder is None:
        return None
    # The last step's column (judge.person_id), so the person row itself is not loaded.
    value = holder.pk if last == "pk" else getattr(holder, f"{last}_id", None)
    if value is None and last != "pk":
        value = getattr(holder, last, None)
    if isinstance(value, models.Model):
        value = value.pk
    return value if isinstance(value, int) else None


_recorded_listeners: list[Callable[[list[Any]], None]] = []


def on_recorded(listener: Callable[[list[Any]], None]) -> None:
    """Call ``listener(entries)`` after every batch of audit entries is written, inside the write's
    transaction. Every ORM write path of an audited model passes here (ADR 0002), so an app that
    must react to changes of other apps' records (the portraits' rescore outbox) cannot miss one."""
    if listener not in _recorded_listeners:
        _recorded_listeners.append(listener)


def _write(entries: list[Any]) -> None:
    if entries:
        from safecity.core.models import AuditEntry

        AuditEntry.objects.bulk_create(entries, batch_size=1000)
        for listener in _recorded_listeners:
            listener(entries)


# --- receivers (connected in CoreConfig.ready) ----------------------------------------------


def on_pre_save(sender: type[models.Model], instance: models.Model, raw: bool = False, **kwargs: Any) -> None:
    """For audited models without the load-time snapshot (e.g. the auth User), read the old row."""
    if not is_audited(sender) or hasattr(instance, "_audit_snapshot") or instance.pk is None:
        return
    old = type(instance)._base_manager.filter(pk=instance.pk).first()
    instance._audit_snapshot = snapshot(old) if old is not None else None  # type: ignore[attr-defined]


def on_post_save(sender: type[models.Model], instance: models.Model, created: bool, **kwargs: Any) -> None:
    if not is_audited(sender):
        return
    after = snapshot(instance)
    before = None if created else getattr(instance, "_audit_snapshot", None)
    if created or before is None:
        _write([build_entry(AuditAction.CREATE if created else AuditAction.UPDATE, instance, before, after)])
    elif _changed(before, after):
        _write([build_entry(AuditAction.UPDATE, instance, before, after)])
    instance._audit_snapshot = after  # type: ignore[attr-defined]


def on_post_delete(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    if not is_audited(sender):
        return
    _write([build_entry(AuditAction.DELETE, instance, snapshot(instance), None)])


# --- bulk paths (called by AuditedQuerySet) --------------------------------------------------


_inside_bulk_update: contextvars.ContextVar[bool] = contextvars.ContextVar("safecity_bulk_update", default=False)


@contextmanager
def bulk_update_block() -> Iterator[None]:
    """Inside ``bulk_update`` Django calls ``update()`` per batch; the bulk method records instead."""
    token = _inside_bulk_update.set(True)
    try:
        yield
    finally:
        _inside_bulk_update.reset(token)


def recorded_update(queryset: models.QuerySet, values: dict[str, Any], do_update: Callable[..., int]) -> int:
    """Run ``QuerySet.update`` and record one entry per changed row, with before and after."""
    model = queryset.model
    if not is_audited(model) or _inside_bulk_update.get():
        return do_update(**values)
    pks = list(queryset.values_list("pk", flat=True))
    if not pks:
        return 0
    before = {obj.pk: snapshot(obj) for obj in _fetch(model, pks)}
    count = do_update(**values)
    entries = []
    for obj in _fetch(model, pks):
        after = snapshot(obj)
        old = before.get(obj.pk)
        if _changed(old, after):
            entries.append(build_entry(AuditAction.UPDATE, obj, old, after))
    _write(entries)
    return count


def _fetch(model: type[models.Model], pks: list[Any]) -> Iterator[models.Model]:
    related = [f.name for f in model._meta.concrete_fields if f.is_relation and f.many_to_one]
    for start in range(0, len(pks), 2000):
        chunk = pks[start : start + 2000]
        yield from model._base_manager.filter(pk__in=chunk).select_related(*related)


def record_bulk_create(model: type[models.Model], objs: list[models.Model]) -> None:
    if not is_audited(model):
        return
    entries = []
    for obj in objs:
        after = snapshot(obj)
        entries.append(build_entry(AuditAction.CREATE, obj, None, after))
        obj._audit_snapshot = after  # type: ignore[attr-defined]
    _write(entries)


def record_bulk_update(model: type[models.Model], objs: list[models.Model]) -> None:
    if not is_audited(model):
        return
    entries = []
    for obj in objs:
        after = snapshot(obj)
        before = getattr(obj, "_audit_snapshot", None)
        if before is None or _changed(before, after):
            entries.append(build_entry(AuditAction.UPDATE, obj, before, after))
        obj._audit_snapshot = after  # type: ignore[attr-defined]
    _write(entries)


def bulk_create(model: type[models.Model], objs: Iterable[models.Model], *, batch_size: int = 1000) -> list[models.Model]:
    """The bulk-write helper: create many rows, recording each in the trail (any audited model)."""
    objs = list(objs)
    manager = model._default_manager
    queryset = manager.get_queryset()
    created = models.QuerySet.bulk_create(queryset, objs, batch_size=batch_size)
    record_bulk_create(model, created)
    return created

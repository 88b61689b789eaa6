"""Every write of the library: its entries (the committee office) and the citations of any
registered citing kind (whoever the citing app lets cite; see :mod:`safecity.library.citations`)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext as _

from safecity.core.scoping import require_target
from safecity.library.choices import LibraryKind
from safecity.library.citations import CitingKind, kind_for
from safecity.library.models import LibraryEntry
from safecity.library.selectors import is_editor

LIBRARY_FIELDS = ("kind", "code", "title", "issuing_body", "summary", "effective_on", "body", "url")


def require_editor(user: Any) -> None:
    if not is_editor(user):
        raise PermissionDenied


@transaction.atomic
def library_entry_create(
    *,
    actor: Any,
    kind: str,
    title: str,
    summary: str,
    code: str = "",
    issuing_body: str = "",
    effective_on: date | None = None,
    body: str = "",
    url: str = "",
) -> LibraryEntry:
    """Add a regulation, standard, work method or practice to the library (committee office).

    ``code`` is the official number only when it is known; it is never made up.
    """
    require_editor(actor)
    if kind not in LibraryKind.values:
        raise ValidationError({"kind": _("Unknown kind.")})
    item = LibraryEntry(
        kind=kind,
        title=title,
        summary=summary,
        code=code,
        issuing_body=issuing_body,
        effective_on=effective_on,
        body=body,
        url=url,
    )
    item.full_clean()
    require_target(actor, item)
    item.save()
    return item


@transaction.atomic
def library_entry_update(*, actor: Any, item: LibraryEntry, **changes: Any) -> LibraryEntry:
    """Correct an entry of the library (committee office); only the entry's own fields."""
    require_editor(actor)
    item = LibraryEntry.objects.select_for_update().get(pk=item.pk)
    unknown = set(changes) - set(LIBRARY_FIELDS)
    if unknown:
        raise ValidationError({name: _("This field cannot be changed here.") for name in unknown})
    for name, value in changes.items():
        setattr(item, name, value)
    item.full_clean()
    item.save()
    return item


def _kind_of(actor: Any, record: models.Model) -> CitingKind:
    kind = kind_for(type(record))
    if kind is None:
        raise ValidationError(_("This kind of record cannot cite the library."), code="not_citing")
    if not getattr(actor, "is_authenticated", False) or not kind.may_cite(actor, record):
        raise PermissionDenied
    return kind


@transaction.atomic
def citation_add(*, actor: Any, library_entry: LibraryEntry, record: models.Model) -> models.Model:
    """Record that ``record`` (a hidden hazard, a key project, ...) cites ``library_entry`` as its
    legal basis or method. Who: the citing kind's ``may_cite`` (whoever may change the record);
    a pair is linked once (a second link is refused, nothing changes)."""
    kind = _kind_of(actor, record)
    LibraryEntry.objects.select_for_update().filter(pk=library_entry.pk).first()  # one link of a pair at a time
    rows = kind.citation._default_manager.filter(library_entry=library_entry, **{kind.record_field: record})
    if rows.exists():
        raise ValidationError(str(kind.duplicate), code="duplicate")
    values: dict[str, Any] = {"library_entry": library_entry, kind.record_field: record}
    if any(f.name == "created_by" for f in kind.citation._meta.fields):
        values["created_by"] = actor
    try:
        with transaction.atomic():
            return kind.citation._default_manager.create(**values)
    except IntegrityError:  # a concurrent link of the same pair won
        raise ValidationError(str(kind.duplicate), code="duplicate") from None


@transaction.atomic
def citation_remove(*, actor: Any, library_entry: LibraryEntry, record: models.Model) -> None:
    """Remove the citation (same people as :func:`citation_add`); removing a pair that is not
    linked changes nothing. Each row is deleted on its own so the audit trail records it."""
    kind = _kind_of(actor, record)
    for row in kind.citation._default_manager.filter(library_entry=library_entry, **{kind.record_field: record}):
        row.delete()

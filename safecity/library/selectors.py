"""Every read of the library that a user sees; each starts from :func:`scoped`.

- Everybody, signed in or not, reads the library (entries are public).
- What cites an entry is shown per registered citing kind (:mod:`safecity.library.citations`):
  only the citing records the viewer may see on their own model (a district official sees the
  hidden hazards of their district, never another district's; an anonymous visitor sees none).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import Http404

from safecity.core.scoping import CHANGE, principal_for, scope_q, scoped
from safecity.library.citations import CitedRecord, CitingKind, kind_for, kinds
from safecity.library.models import LibraryEntry


def is_editor(user: Any) -> bool:
    """The committee office: those who may change every library entry (city-wide city
    administrators and city officials)."""
    principal = principal_for(user)
    return principal.is_authenticated and scope_q(LibraryEntry, principal, CHANGE) is None


def _count(kind: CitingKind) -> Any:
    rows = (
        kind.citation._default_manager.filter(library_entry=OuterRef("pk"))
        .order_by()
        .values("library_entry")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), Value(0))


def count_columns() -> list[CitingKind]:
    """The citing kinds counted in a column of the library list (the innovation projects)."""
    return [k for k in kinds() if k.count_field]


def library_list(*, user: Any, q: str | None = None, kind: str | None = None) -> QuerySet[LibraryEntry]:
    """The public library, searched by text in the title, summary or code, filtered by kind."""
    queryset = scoped(LibraryEntry, user).annotate(**{k.count_field: _count(k) for k in count_columns() if k.count_field})
    if q:
        queryset = queryset.filter(Q(title__icontains=q) | Q(summary__icontains=q) | Q(code__icontains=q))
    if kind:
        queryset = queryset.filter(kind=kind)
    return queryset.order_by("kind", "title", "id")


def library_get(*, user: Any, pk: Any) -> LibraryEntry:
    try:
        return scoped(LibraryEntry, user).get(pk=int(pk))
    except (ValueError, TypeError, LibraryEntry.DoesNotExist):
        raise Http404 from None


def _shown(kind: CitingKind, user: Any) -> bool:
    if kind.signed_out is not None and not getattr(user, "is_authenticated", False):
        return False
    return kind.visible_to is None or kind.visible_to(user)


def cited_records(*, user: Any, item: LibraryEntry, kind: CitingKind) -> list[Any]:
    """The records of ``kind`` citing ``item`` that ``user`` may see (at most ``kind.max_shown``)."""
    if not _shown(kind, user):
        return []
    if kind.rows is not None:
        return list(kind.rows(user, item))[: kind.max_shown]
    cited = kind.citation._default_manager.filter(library_entry=item).values(f"{kind.record_field}_id")
    queryset = scoped(kind.record_model, user).filter(pk__in=cited)
    if kind.select_related:
        queryset = queryset.select_related(*kind.select_related)
    return list(queryset.order_by(*kind.ordering)[: kind.max_shown])


@dataclass(frozen=True)
class CitedSection:
    kind: CitingKind
    records: list[CitedRecord]
    signed_out: bool  # the viewer is anonymous and reads ``kind.signed_out`` instead


def cited_by(*, user: Any, item: LibraryEntry) -> list[CitedSection]:
    """The library page's sections: per citing kind, the citing records the viewer may see."""
    sections = []
    for kind in kinds():
        anonymous = kind.signed_out is not None and not getattr(user, "is_authenticated", False)
        if not anonymous and kind.visible_to is not None and not kind.visible_to(user):
            sections.append(CitedSection(kind, [], False))
            continue
        records = [] if anonymous else [kind.describe(r) for r in cited_records(user=user, item=item, kind=kind)]
        sections.append(CitedSection(kind, records, anonymous))
    return sections


def cited_entries(*, user: Any, record: Any) -> QuerySet[LibraryEntry]:
    """The library entries ``record`` cites, for a viewer who may see the record (404 otherwise);
    the entries themselves are public."""
    kind = kind_for(type(record))
    if kind is None or not scoped(type(record), user).filter(pk=record.pk).exists():
        return LibraryEntry.objects.none()
    cited = kind.citation._default_manager.filter(**{kind.record_field: record}).values("library_entry_id")
    return scoped(LibraryEntry, user).filter(pk__in=cited).order_by("kind", "title", "id")


def citation_candidates(*, user: Any, record: Any) -> QuerySet[LibraryEntry]:
    """The library entries ``record`` does not cite yet (what its page offers to cite)."""
    kind = kind_for(type(record))
    if kind is None:
        return LibraryEntry.objects.none()
    cited = kind.citation._default_manager.filter(**{kind.record_field: record}).values("library_entry_id")
    return scoped(LibraryEntry, user).exclude(pk__in=cited).order_by("kind", "title", "id")


def may_cite(*, user: Any, record: Any) -> bool:
    kind = kind_for(type(record))
    return kind is not None and getattr(user, "is_authenticated", False) and kind.may_cite(user, record)

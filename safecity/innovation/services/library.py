"""The library of selected methods and local regulations and standards, and its links."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from safecity.core.scoping import CHANGE, can, require, require_target
from safecity.hazards.models import HiddenHazard
from safecity.innovation.choices import LibraryKind
from safecity.innovation.models import (
    InnovationEntry,
    LibraryEntry,
    LibraryEntryProject,
    LibraryHazardCitation,
    LibraryKeyProjectCitation,
)
from safecity.innovation.services.common import require_committee
from safecity.keyprojects.models import KeyProject

LIBRARY_FIELDS = ("kind", "code", "title", "issuing_body", "summary", "effective_on", "body", "url")


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
    require_committee(actor)
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
    require_committee(actor)
    item = LibraryEntry.objects.select_for_update().get(pk=item.pk)
    unknown = set(changes) - set(LIBRARY_FIELDS)
    if unknown:
        raise ValidationError({name: _("This field cannot be changed here.") for name in unknown})
    for name, value in changes.items():
        setattr(item, name, value)
    item.full_clean()
    item.save()
    return item


@transaction.atomic
def library_project_link(*, actor: Any, item: LibraryEntry, entry: InnovationEntry) -> None:
    """Link an innovation project that produced or cites the library entry (committee office)."""
    require_committee(actor)
    if not LibraryEntryProject.objects.filter(library_entry=item, entry=entry).exists():
        LibraryEntryProject.objects.create(library_entry=item, entry=entry)


@transaction.atomic
def library_hazard_link(*, actor: Any, item: LibraryEntry, hazard: HiddenHazard) -> None:
    """Record that a hidden hazard cites the library entry (the rule it breaches).

    Who: whoever may change the hazard (the inspector or official handling it, the enterprise), so
    nobody links a hazard they cannot see.
    """
    if not can(actor, hazard, CHANGE):
        raise PermissionDenied
    if LibraryHazardCitation.objects.filter(library_entry=item, hazard=hazard).exists():
        raise ValidationError(_("This hidden hazard already cites this entry."), code="duplicate")
    LibraryHazardCitation.objects.create(library_entry=item, hazard=hazard)


@transaction.atomic
def library_hazard_unlink(*, actor: Any, item: LibraryEntry, hazard: HiddenHazard) -> None:
    if not can(actor, hazard, CHANGE):
        raise PermissionDenied
    LibraryHazardCitation.objects.filter(library_entry=item, hazard=hazard).delete()


def _require_key_project_change(actor: Any, key_project: KeyProject) -> None:
    """Whoever may change the key project: the key projects write a project through its year plan
    (``require(actor, plan, CHANGE)``: the committee office, city-wide), and so does this link."""
    if not getattr(actor, "is_authenticated", False):
        raise PermissionDenied
    require(actor, key_project.plan, CHANGE)


@transaction.atomic
def library_key_project_link(*, actor: Any, library_entry: LibraryEntry, key_project: KeyProject) -> LibraryKeyProjectCitation:
    """Record that an annual key project cites the library entry (the method it applies, the
    regulation or standard it implements). Committee office only; a pair is linked once."""
    _require_key_project_change(actor, key_project)
    if LibraryKeyProjectCitation.objects.filter(library_entry=library_entry, key_project=key_project).exists():
        raise ValidationError(_("This key project already cites this entry."), code="duplicate")
    return LibraryKeyProjectCitation.objects.create(library_entry=library_entry, key_project=key_project, created_by=actor)


@transaction.atomic
def library_key_project_unlink(*, actor: Any, library_entry: LibraryEntry, key_project: KeyProject) -> None:
    """Remove the citation (committee office only); unlinking a pair that is not linked changes nothing."""
    _require_key_project_change(actor, key_project)
    for citation in LibraryKeyProjectCitation.objects.filter(library_entry=library_entry, key_project=key_project):
        citation.delete()

"""Innovation projects in the library: link the entry a project produced or cites.

The library (entries, the citations of hidden hazards and key projects) is ``safecity.library``;
this is the innovation side of it, through the library's one citation service."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from safecity.innovation.models import InnovationEntry, LibraryEntryProject
from safecity.library.models import LibraryEntry
from safecity.library.services import citation_add


@transaction.atomic
def library_project_link(*, actor: Any, item: LibraryEntry, entry: InnovationEntry) -> None:
    """Link an innovation project that produced or cites the library entry (committee office);
    linking a pair twice changes nothing."""
    if not LibraryEntryProject.objects.filter(library_entry=item, entry=entry).exists():
        citation_add(actor=actor, library_entry=item, record=entry)

"""Innovation projects in the library: the projects that produced or cite an entry, registered
with the library (which knows nothing of the innovation selection).

Shown to everybody as the published list shows them (title, department, year, rank), and in full,
with a link, to those who may see the entry itself; a draft or unpublished project is shown only
to those who may see it. The committee office links them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import serializers

from safecity.core.scoping import scoped
from safecity.innovation.models import InnovationEntry, LibraryEntryProject, SelectedEntry
from safecity.innovation.services.common import is_committee
from safecity.library.citations import CitedRecord, CitingKind, register_citing


@dataclass(frozen=True)
class LinkedProject:
    title: str
    department: str
    year: int
    rank: int | None
    entry_id: int | None  # set when the viewer may open the entry itself


class LinkedProjectSerializer(serializers.Serializer):
    title = serializers.CharField()
    department = serializers.CharField()
    year = serializers.IntegerField()
    rank = serializers.IntegerField(allow_null=True)
    entry_id = serializers.IntegerField(allow_null=True)


def library_projects(user: Any, item: Any) -> list[LinkedProject]:
    """The projects linked to the entry: those on a published list (public), plus those the viewer may see."""
    linked_ids = list(LibraryEntryProject.objects.filter(library_entry=item).values_list("entry_id", flat=True))
    visible = {e.pk: e for e in scoped(InnovationEntry, user).filter(pk__in=linked_ids).select_related("department", "round")}
    public = {
        row.entry_id: row
        for row in scoped(SelectedEntry, user)
        .filter(entry_id__in=linked_ids, selection__published_at__isnull=False)
        .select_related("selection__round")
    }
    projects = []
    for pk in linked_ids:
        if pk in visible:
            e = visible[pk]
            row = public.get(pk)
            projects.append(LinkedProject(e.title, e.department.name, e.round.year, row.rank if row else None, pk))
        elif pk in public:
            row = public[pk]
            projects.append(LinkedProject(row.title, row.department_name, row.selection.round.year, row.rank, None))
    return sorted(projects, key=lambda p: (-p.year, p.rank or 9999, p.title))


def _describe(project: LinkedProject) -> CitedRecord:
    parts = [project.department, str(project.year)]
    if project.rank:
        parts.append(_("rank %(n)s") % {"n": project.rank})
    url = reverse("innovation:entry-detail", args=[project.entry_id]) if project.entry_id else None
    return CitedRecord(label=project.title, url=url, detail=" · ".join(parts))


PROJECT_CITATIONS = register_citing(
    CitingKind(
        key="innovation.innovationentry",
        slug="projects",
        citation=LibraryEntryProject,
        record_field="entry",
        heading=gettext_lazy("Innovation projects"),
        order=10,
        describe=_describe,
        may_cite=lambda user, entry: is_committee(user),
        api_field="projects",
        serializer=LinkedProjectSerializer,
        duplicate=gettext_lazy("This project is already linked to this entry."),
        empty=gettext_lazy("No linked project."),
        rows=library_projects,
        count_field="project_count",
        count_label=gettext_lazy("Projects"),
    )
)

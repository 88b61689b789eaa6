"""Annual key projects cite the library (the method a project applies, the regulation or standard
it implements): registered with the library, which knows nothing of key projects. The committee
office links them (whoever may change the project's year plan); a citation is seen only where its
key project is, and only by the roles that open the key projects at all."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from safecity.core.scoping import CHANGE, can
from safecity.keyprojects.models import KeyProject, LibraryCitation
from safecity.keyprojects.selectors import sees_key_projects
from safecity.library.citations import CitedRecord, CitingKind, register_citing


class CitingKeyProjectSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
    year = serializers.IntegerField(source="plan.year")
    lead_department = serializers.CharField(source="lead_department.name")


def _describe(project: KeyProject) -> CitedRecord:
    return CitedRecord(
        label=f"{project.code} {project.name}",
        url=reverse("keyprojects:project-detail", args=[project.pk]),
        detail=project.lead_department.name,
    )


def _may_cite(user: Any, project: Any) -> bool:
    """The key projects write a project through its year plan (``require(actor, plan, CHANGE)``:
    the committee office, city-wide), and so does a citation."""
    return can(user, project.plan, CHANGE)


KEY_PROJECT_CITATIONS = register_citing(
    CitingKind(
        key="keyprojects.keyproject",
        slug="key-projects",
        citation=LibraryCitation,
        record_field="key_project",
        heading=_("Key projects citing this"),
        order=30,
        describe=_describe,
        may_cite=_may_cite,
        api_field="key_projects",
        serializer=CitingKeyProjectSerializer,
        duplicate=_("This key project already cites this entry."),
        empty=_("No key project that you may see."),
        signed_out=_("Sign in to see the key projects you follow."),
        visible_to=sees_key_projects,
        select_related=("plan", "lead_department"),
        ordering=("-plan__year", "sequence"),
    )
)

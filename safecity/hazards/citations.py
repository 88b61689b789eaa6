"""Hidden hazards cite the library (the regulation or standard a hazard breaches): registered with
the library, which knows nothing of hazards. Whoever may change the hazard (the inspector or
official handling it, the enterprise) links it; each citation is seen only by those who may see
the hazard."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from safecity.core.scoping import CHANGE, can, scoped
from safecity.hazards.models import HiddenHazard, LibraryCitation
from safecity.library.citations import CitedRecord, CitingKind, register_citing


class CitingHazardSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField(allow_null=True)
    organisation = serializers.CharField(source="organisation.name")
    description = serializers.CharField()


def _describe(hazard: HiddenHazard) -> CitedRecord:
    return CitedRecord(
        label=hazard.code or "—",
        url=reverse("hazards:hazard-detail", args=[hazard.pk]),
        detail=f"{hazard.organisation.name} · {Truncator(hazard.description).chars(60)}",
    )


def _may_cite(user: Any, hazard: Any) -> bool:
    return can(user, hazard, CHANGE)


def _lookup(user: Any, number: str) -> HiddenHazard | None:
    return scoped(HiddenHazard, user).filter(code=number).first()


HAZARD_CITATIONS = register_citing(
    CitingKind(
        key="hazards.hiddenhazard",
        slug="hazards",
        citation=LibraryCitation,
        record_field="hazard",
        heading=_("Hidden hazards citing it"),
        order=20,
        describe=_describe,
        may_cite=_may_cite,
        api_field="hazards",
        serializer=CitingHazardSerializer,
        duplicate=_("This hidden hazard already cites this entry."),
        empty=_("None that you may see."),
        signed_out=_("Sign in to see the hidden hazards you are responsible for."),
        lookup=_lookup,
        lookup_label=_("Hidden hazard number"),
        lookup_placeholder=_("Hidden hazard number, e.g. YH-2023-000001"),
        lookup_button=_("Link a hidden hazard citing it"),
        select_related=("organisation",),
        ordering=("-discovered_at", "-id"),
    )
)

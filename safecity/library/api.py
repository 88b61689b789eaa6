"""Library API: thin serializers and views over the same selectors and services as the UI.

``/api/library/entries/`` (public to read): ``?q=`` searches title, summary and code, ``?kind=``
filters. The detail of an entry carries one list per registered citing kind (``hazards``,
``key_projects``, ``projects``), each holding only what the caller may see.
``POST``/``DELETE /api/library/entries/{id}/citations/`` with ``{kind, record}`` links or unlinks a
citing record (the citing kind's rule decides who may). The former ``/api/innovation/library/``
addresses redirect here permanently (308, method and body kept).
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from safecity.core.scoping import scoped
from safecity.library import selectors, services
from safecity.library.choices import LibraryKind
from safecity.library.citations import CitingKind, kind_by_key, kinds
from safecity.library.models import LibraryEntry


class CitedList(serializers.ListSerializer):
    """The citing records of one kind that the caller may see (read-only)."""

    def __init__(self, *args: Any, kind: CitingKind, **kwargs: Any) -> None:
        self.kind = kind
        super().__init__(*args, **kwargs)

    def get_attribute(self, instance: LibraryEntry) -> Any:
        return selectors.cited_records(user=self.context["request"].user, item=instance, kind=self.kind)


class LibrarySerializer(serializers.ModelSerializer):
    kind = serializers.CharField(read_only=True)
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = LibraryEntry
        fields = ["id", "kind", "kind_display", "code", "title", "issuing_body", "summary", "effective_on", "url"]

    def get_fields(self) -> dict[str, Any]:
        fields = super().get_fields()
        for kind in selectors.count_columns():
            fields[kind.count_field or ""] = serializers.IntegerField(read_only=True, default=0)
        return fields


class LibraryDetailSerializer(LibrarySerializer):
    body = serializers.CharField(read_only=True)

    class Meta(LibrarySerializer.Meta):
        fields = [*LibrarySerializer.Meta.fields, "body"]

    def get_fields(self) -> dict[str, Any]:
        fields = super().get_fields()
        for kind in kinds():
            fields[kind.api_field] = CitedList(child=kind.serializer(), kind=kind, read_only=True)
        return fields


class LibraryInput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=LibraryKind.choices)
    title = serializers.CharField(max_length=200)
    summary = serializers.CharField()
    code = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")
    issuing_body = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    effective_on = serializers.DateField(required=False, allow_null=True, default=None)
    body = serializers.CharField(required=False, allow_blank=True, default="")
    url = serializers.URLField(required=False, allow_blank=True, default="")


class LibraryQuery(serializers.Serializer):
    """The filters of the library list (a malformed value is a 400 naming it)."""

    q = serializers.CharField(required=False, allow_blank=True, max_length=200)
    kind = serializers.ChoiceField(choices=LibraryKind.choices, required=False, allow_blank=True)


class CitationInput(serializers.Serializer):
    kind = serializers.CharField(
        help_text="the citing kind: hazards.hiddenhazard, keyprojects.keyproject, innovation.innovationentry"
    )
    record = serializers.IntegerField(min_value=1, max_value=2**63 - 1, help_text="the id of the citing record")


def _citation_input(request: Request) -> tuple[CitingKind, int, str]:
    """``{kind, record}``; the kind may also come as ``?kind=`` and the record under the kind's own
    field name (``hazard``, ``key_project``): the body the former addresses took."""
    data: dict[str, Any] = dict(request.data.items()) if hasattr(request.data, "items") else {}
    data.setdefault("kind", request.query_params.get("kind", ""))
    kind = kind_by_key(str(data["kind"]))
    name = "record"
    if kind is not None and "record" not in data and kind.record_field in data:
        name = kind.record_field
        data["record"] = data[name]
    body = CitationInput(data=data)
    if not body.is_valid():
        errors = dict(body.errors)
        if "record" in errors:
            errors[name] = errors.pop("record")
        raise serializers.ValidationError(errors)
    if kind is None:
        raise serializers.ValidationError({"kind": [_("Unknown kind of citing record.")]})
    return kind, body.validated_data["record"], name


class LibraryViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The public library; the committee office adds entries; citing records are linked by whoever
    the citing kind lets cite (whoever may change the hidden hazard; the committee office for key
    projects and innovation projects)."""

    def get_permissions(self) -> Any:
        return [AllowAny()] if self.action in ("list", "retrieve") else super().get_permissions()

    def get_serializer_class(self) -> Any:
        return LibraryDetailSerializer if self.action == "retrieve" else LibrarySerializer

    def get_queryset(self) -> Any:
        if self.action != "list":  # ``?kind=`` of a citation names the citing kind, not the entry's
            return selectors.library_list(user=self.request.user)
        query = LibraryQuery(data=self.request.query_params.dict())
        query.is_valid(raise_exception=True)
        return selectors.library_list(
            user=self.request.user, q=query.validated_data.get("q"), kind=query.validated_data.get("kind")
        )

    @extend_schema(parameters=[LibraryQuery])
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(request=LibraryInput, responses=LibrarySerializer)
    def create(self, request: Request) -> Response:
        body = LibraryInput(data=request.data)
        body.is_valid(raise_exception=True)
        item = services.library_entry_create(actor=request.user, **body.validated_data)
        return Response(LibrarySerializer(selectors.library_list(user=request.user).get(pk=item.pk)).data, status=201)

    @extend_schema(request=CitationInput, responses={204: None}, parameters=[OpenApiParameter("kind", str)])
    @action(detail=True, methods=["post", "delete"])
    def citations(self, request: Request, pk: str | None = None) -> Response:
        """Link (POST) or unlink (DELETE) a record citing the entry."""
        kind, record_id, name = _citation_input(request)
        record = scoped(kind.record_model, request.user).filter(pk=record_id).first()
        if record is None:
            raise serializers.ValidationError({name: [_("Unknown record, or one you may not see.")]})
        item = self.get_object()
        if request.method == "DELETE":
            services.citation_remove(actor=request.user, library_entry=item, record=record)
        else:
            services.citation_add(actor=request.user, library_entry=item, record=record)
        return Response(status=204)

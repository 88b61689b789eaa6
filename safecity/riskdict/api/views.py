"""Dictionary API: thin views that call selectors for reads and services for writes."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, renderers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from safecity.riskdict import selectors, services
from safecity.riskdict.api.serializers import (
    DictionaryImportSerializer,
    DictionaryVersionSerializer,
    RiskEntrySerializer,
    diff_payload,
)
from safecity.riskdict.filtersets import DictionaryVersionFilterSet, RiskEntryFilterSet
from safecity.riskdict.models import VERSION_RE


class XlsxRenderer(renderers.BaseRenderer):
    """Lets a client ask for the export with ``Accept: application/vnd.openxmlformats-...``."""

    media_type = services.XLSX_CONTENT_TYPE
    format = "xlsx"
    charset = None
    render_style = "binary"

    def render(self, data: Any, accepted_media_type: str | None = None, renderer_context: Any = None) -> Any:
        return data


ENTRY_FILTERS = [
    OpenApiParameter("q", str, description="words in the code, name, accident types, risk points, measures or check items"),
    OpenApiParameter("code", str, description="risk code or its first digits"),
    OpenApiParameter("category", str, description="management category code (2 digits)"),
    OpenApiParameter("measure_class", str, description="entries with a measure of this class"),
]


class DictionaryVersionViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet
):
    """Versions of the risk-control dictionary. Reads: every signed-in user. Import, publish and
    deleting a draft: city administrators and city officials."""

    serializer_class = DictionaryVersionSerializer
    filterset_class = DictionaryVersionFilterSet
    lookup_field = "version"
    lookup_value_regex = VERSION_RE.pattern.strip("^$")

    def get_queryset(self) -> Any:
        return selectors.dictionary_version_list(user=self.request.user)

    def perform_destroy(self, instance: Any) -> None:
        services.dictionary_delete(actor=self.request.user, version=instance)

    def _entries(self, version: Any) -> Any:
        return selectors.risk_entry_list(user=self.request.user, version=version)

    @extend_schema(parameters=ENTRY_FILTERS, responses=RiskEntrySerializer(many=True))
    @action(detail=True, methods=["get"], filterset_class=None)
    def entries(self, request: Request, version: str | None = None) -> Response:
        """The version's risk entries with their measures and check items (filter: code, category, q)."""
        found = self.get_object()
        categories = selectors.category_list(user=request.user, version=found).values_list("code", "name")
        filterset = RiskEntryFilterSet(request.query_params, queryset=self._entries(found), categories=categories)
        if not filterset.is_valid():
            raise ValidationError(filterset.errors)
        page = self.paginate_queryset(filterset.qs)
        return self.get_paginated_response(RiskEntrySerializer(page, many=True).data)

    @extend_schema(
        parameters=[OpenApiParameter("code", str, OpenApiParameter.PATH, description="4-digit risk code")],
        responses=RiskEntrySerializer,
    )
    @action(detail=True, methods=["get"], url_path=r"entries/(?P<code>[0-9]{4})", filterset_class=None)
    def entry(self, request: Request, version: str | None = None, code: str = "") -> Response:
        """One risk entry of the version, by its code."""
        found = self.get_object()
        return Response(RiskEntrySerializer(selectors.risk_entry_get(user=request.user, version=found, code=code)).data)

    @extend_schema(responses={(200, services.XLSX_CONTENT_TYPE): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"], renderer_classes=[renderers.JSONRenderer, XlsxRenderer], filterset_class=None)
    def export(self, request: Request, version: str | None = None) -> HttpResponse:
        """The version as an .xlsx file in the exchange format."""
        found = self.get_object()
        response = HttpResponse(services.dictionary_export_excel(version=found), content_type=services.XLSX_CONTENT_TYPE)
        response["Content-Disposition"] = f'attachment; filename="riskdict-{found.version}.xlsx"'
        return response

    @extend_schema(request=None, responses=DictionaryVersionSerializer)
    @action(detail=True, methods=["post"], filterset_class=None)
    def publish(self, request: Request, version: str | None = None) -> Response:
        """Publish a draft: its content is frozen from now on."""
        found = self.get_object()
        published = services.dictionary_publish(actor=request.user, version=found)
        return Response(DictionaryVersionSerializer(self.get_queryset().get(pk=published.pk)).data)

    @extend_schema(
        request={"multipart/form-data": DictionaryImportSerializer},
        responses={201: DictionaryVersionSerializer, 400: OpenApiResponse(description="row errors under fields.file")},
    )
    @action(
        detail=False,
        methods=["post"],
        url_path="import",
        parser_classes=[MultiPartParser, FormParser],
        filterset_class=None,
    )
    def import_file(self, request: Request) -> Response:
        """Import an .xlsx file as a new draft version; 400 lists every row problem as "row N, column: ..."."""
        if not selectors.dictionary_can_edit(user=request.user):
            raise PermissionDenied
        serializer = DictionaryImportSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        imported = services.dictionary_import_excel(actor=request.user, **serializer.validated_data)
        data = DictionaryVersionSerializer(self.get_queryset().get(pk=imported.pk)).data
        return Response(data, status=status.HTTP_201_CREATED)

    @extend_schema(
        parameters=[
            OpenApiParameter("old", str, required=True, description="the older version string"),
            OpenApiParameter("new", str, required=True, description="the newer version string"),
        ],
        responses=OpenApiTypes.OBJECT,
    )
    @action(detail=False, methods=["get"], filterset_class=None)
    def diff(self, request: Request) -> Response:
        """Entries added, removed and changed between two versions (measures and check items too)."""
        names = {name: (request.query_params.get(name) or "").strip() for name in ("old", "new")}
        missing = {name: [_("Give a version string such as 2023.1.")] for name, value in names.items() if not value}
        if missing:
            raise ValidationError(missing)
        old = selectors.dictionary_version_get(user=request.user, version=names["old"])
        new = selectors.dictionary_version_get(user=request.user, version=names["new"])
        return Response(diff_payload(services.dictionary_diff(old=old, new=new)))

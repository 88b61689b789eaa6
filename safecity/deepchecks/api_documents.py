"""Qualification documents in the API: the same selectors and services as the expert's page.

``GET /api/deepchecks/expert-documents/?expert=<id>`` lists what the caller may see (the pool's
officials, the expert), expired documents included (``expired: true``); ``POST`` (multipart:
``expert, kind, number, issuer, valid_until, file``) uploads; ``POST {id}/replace/`` replaces the
file and/or its details; ``GET {id}/file/`` downloads. A refused file is a 400 naming ``file``.
"""

from __future__ import annotations

from typing import Any

from django.http import FileResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from safecity.core.scoping import scoped
from safecity.deepchecks.choices import DocumentKind
from safecity.deepchecks.models import Expert, ExpertDocument
from safecity.deepchecks.services.documents import document_add, document_replace

MAX_ID = 2**63 - 1


class DocumentSerializer(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    expired = serializers.SerializerMethodField()
    uploaded_at = serializers.DateTimeField(source="created_at", read_only=True)

    class Meta:
        model = ExpertDocument
        fields = ["id", "expert", "kind", "kind_display", "number", "issuer", "valid_until", "expired", "content_type", "size", "uploaded_at", "updated_at"]  # fmt: skip
        read_only_fields = fields

    def get_expired(self, obj: ExpertDocument) -> bool:
        return obj.is_expired()


class DocumentInput(serializers.Serializer):
    expert = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    kind = serializers.ChoiceField(choices=DocumentKind.choices, default=DocumentKind.QUALIFICATION)
    number = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    issuer = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    valid_until = serializers.DateField(required=False, allow_null=True, default=None)
    file = serializers.FileField()


class DocumentReplaceInput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=DocumentKind.choices, required=False)
    number = serializers.CharField(max_length=100, required=False, allow_blank=True)
    issuer = serializers.CharField(max_length=200, required=False, allow_blank=True)
    valid_until = serializers.DateField(required=False, allow_null=True)
    file = serializers.FileField(required=False)


class DocumentQuery(serializers.Serializer):
    expert = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False)


class ExpertDocumentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = DocumentSerializer
    parser_classes = [MultiPartParser, FormParser]

    def get_queryset(self) -> Any:
        queryset = scoped(ExpertDocument, self.request.user).order_by("expert", "kind", "-valid_until", "id")
        if self.action == "list":
            query = DocumentQuery(data=self.request.query_params.dict())
            query.is_valid(raise_exception=True)
            if query.validated_data.get("expert"):
                queryset = queryset.filter(expert_id=query.validated_data["expert"])
        return queryset

    @extend_schema(parameters=[DocumentQuery])
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(request={"multipart/form-data": DocumentInput}, responses={201: DocumentSerializer})
    def create(self, request: Request) -> Response:
        body = DocumentInput(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        expert = scoped(Expert, request.user).filter(pk=data.pop("expert")).first()
        if expert is None:
            raise serializers.ValidationError({"expert": [_("Unknown expert, or one you may not see.")]})
        document = document_add(actor=request.user, expert=expert, **data)
        return Response(DocumentSerializer(document).data, status=201)

    @extend_schema(request={"multipart/form-data": DocumentReplaceInput}, responses=DocumentSerializer)
    @action(detail=True, methods=["post"])
    def replace(self, request: Request, pk: str | None = None) -> Response:
        body = DocumentReplaceInput(data=request.data)
        body.is_valid(raise_exception=True)
        document = document_replace(actor=request.user, document=self.get_object(), **body.validated_data)
        return Response(DocumentSerializer(document).data)

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"])
    def file(self, request: Request, pk: str | None = None) -> FileResponse:
        document = self.get_object()
        response = FileResponse(document.file.open("rb"), content_type=document.content_type or "application/octet-stream")
        response["Content-Disposition"] = f'attachment; filename="qualification-{document.pk}"'
        return response

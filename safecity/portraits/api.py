"""Health-portrait API: thin serializers and views over the selectors and the rescoring service."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from safecity.portraits import selectors, services
from safecity.portraits.filtersets import PortraitFilterSet
from safecity.portraits.models import Deduction, DimensionScore, Portrait


class PortraitSerializer(serializers.ModelSerializer):
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)
    region = serializers.CharField(source="organisation.region.code", read_only=True)
    colour_key = serializers.CharField(read_only=True)
    colour_display = serializers.CharField(source="get_colour_display", read_only=True)

    class Meta:
        model = Portrait
        fields = [
            "id", "organisation", "organisation_name", "region", "year", "score", "colour", "colour_key", "colour_display",
            "forced_red", "hazards_found", "hazards_closed", "computed_at",
        ]  # fmt: skip


class DimensionSerializer(serializers.ModelSerializer):
    title = serializers.CharField(read_only=True)

    class Meta:
        model = DimensionScore
        fields = ["dimension", "title", "max_points", "points"]


class DeductionSerializer(serializers.ModelSerializer):
    rule_title = serializers.CharField(read_only=True)
    evidence_kind = serializers.CharField(read_only=True)
    evidence_url = serializers.CharField(read_only=True, allow_null=True)

    class Meta:
        model = Deduction
        fields = [
            "dimension",
            "rule",
            "rule_title",
            "points",
            "evidence_kind",
            "evidence_id",
            "evidence_label",
            "evidence_url",
            "detail",
        ]


class PortraitDetailSerializer(PortraitSerializer):
    dimensions = DimensionSerializer(many=True, read_only=True)
    deductions = DeductionSerializer(many=True, read_only=True)
    forced_reasons = serializers.SerializerMethodField()

    class Meta(PortraitSerializer.Meta):
        fields = [*PortraitSerializer.Meta.fields, "forced_reasons", "dimensions", "deductions"]

    def get_forced_reasons(self, obj: Portrait) -> list[dict[str, Any]]:
        return [{k: str(v) if k in ("title", "title_zh") else v for k, v in r.items()} for r in obj.forced_reason_rows()]


class PortraitViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Portraits within reach; filter by ``year``, ``colour`` (1 red .. 4 blue), ``region`` code."""

    lookup_value_regex = r"\d+"  # a non-numeric id is a 404, not a 500

    filterset_class = PortraitFilterSet

    def get_queryset(self) -> Any:
        if self.action == "list":
            return selectors.portrait_list(user=self.request.user).order_by("-year", "score", "id")
        return selectors.portrait_list(user=self.request.user).prefetch_related("dimensions", "deductions")

    def get_serializer_class(self) -> Any:
        return PortraitSerializer if self.action == "list" else PortraitDetailSerializer

    def get_object(self) -> Portrait:
        return selectors.portrait_get(user=self.request.user, pk=int(self.kwargs["pk"]))

    @action(detail=True)
    def trend(self, request: Request, pk: str | None = None) -> Response:
        portrait = self.get_object()
        return Response(selectors.portrait_trend(user=request.user, organisation_id=portrait.organisation_id))

    @action(detail=True)
    def peers(self, request: Request, pk: str | None = None) -> Response:
        return Response(selectors.portrait_peers(portrait=self.get_object()))

    @action(detail=True)
    def pdf(self, request: Request, pk: str | None = None) -> HttpResponse:
        from safecity.portraits.pdf import portrait_pdf

        portrait = self.get_object()
        content = portrait_pdf(
            portrait=portrait,
            trend=selectors.portrait_trend(user=request.user, organisation_id=portrait.organisation_id),
            peers=selectors.portrait_peers(portrait=portrait),
        )
        response = HttpResponse(content, content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="portrait-{portrait.organisation_id}-{portrait.year}.pdf"'
        return response


class RescoreInput(serializers.Serializer):
    year = serializers.IntegerField(min_value=2000, max_value=2100, required=False)
    organisation = serializers.IntegerField(required=False)


class RescoreView(APIView):
    """Rescore the portraits of a year: officials only, for the enterprises of their jurisdiction."""

    @extend_schema(request=RescoreInput, responses=OpenApiTypes.OBJECT)
    def post(self, request: Request) -> Response:
        data = RescoreInput(data=request.data)
        data.is_valid(raise_exception=True)
        year = data.validated_data.get("year") or timezone.localdate().year
        count = services.portraits_rescore_by(
            actor=request.user, year=year, organisation_id=data.validated_data.get("organisation")
        )
        return Response({"year": year, "portraits": count}, status=status.HTTP_200_OK)

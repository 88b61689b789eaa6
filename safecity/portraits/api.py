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

from safecity.core.api.fields import IdField
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
    detail = serializers.CharField(source="detail_text", read_only=True, help_text="In the request's language.")
    detail_data = serializers.JSONField(
        source="detail", read_only=True, help_text="The same as codes and numbers (root_cause, finding, rate, missing, ...)."
    )
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
            "detail_data",
        ]


class PortraitDetailSerializer(PortraitSerializer):
    dimensions = DimensionSerializer(many=True, read_only=True)
    deductions = DeductionSerializer(many=True, read_only=True)
    forced_reasons = serializers.SerializerMethodField()

    class Meta(PortraitSerializer.Meta):
        fields = [*PortraitSerializer.Meta.fields, "forced_reasons", "dimensions", "deductions"]

    def get_forced_reasons(self, obj: Portrait) -> list[dict[str, Any]]:
        return [{k: str(v) if k in ("title", "title_zh") else v for k, v in r.items()} for r in obj.forced_reason_rows()]


class TrendPointSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    score = serializers.FloatField()
    colour = serializers.IntegerField(help_text="1 red .. 4 blue")
    colour_hex = serializers.CharField()
    forced_red = serializers.BooleanField()


class PeerDistrictSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class PeerBandSerializer(serializers.Serializer):
    to = serializers.IntegerField()
    count = serializers.IntegerField()

    def get_fields(self) -> dict[str, Any]:
        # "from" is a Python keyword: the field is added by name.
        return {"from": serializers.IntegerField(), **super().get_fields()}


class PeersSerializer(serializers.Serializer):
    """Aggregates only: the district's portraits of the same year, never another enterprise's row."""

    district = PeerDistrictSerializer()
    year = serializers.IntegerField()
    count = serializers.IntegerField()
    mean = serializers.FloatField()
    rank = serializers.IntegerField()
    percentile = serializers.FloatField(allow_null=True)
    colours = serializers.DictField(child=serializers.IntegerField(), help_text="portraits per colour (1 red .. 4 blue)")
    bands = PeerBandSerializer(many=True)
    score = serializers.FloatField()


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

    @extend_schema(responses=TrendPointSerializer(many=True))
    @action(detail=True, pagination_class=None)
    def trend(self, request: Request, pk: str | None = None) -> Response:
        portrait = self.get_object()
        return Response(selectors.portrait_trend(user=request.user, organisation_id=portrait.organisation_id))

    @extend_schema(responses=PeersSerializer)
    @action(detail=True)
    def peers(self, request: Request, pk: str | None = None) -> Response:
        return Response(selectors.portrait_peers(portrait=self.get_object()))

    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY})
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
    organisation = IdField(required=False)


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

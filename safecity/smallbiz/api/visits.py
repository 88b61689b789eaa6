"""The visits API: service visits (sign with findings and photos, score, cancel), village
supervision rounds and the street ranking."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from safecity.core.models import Region
from safecity.core.scoping import scoped
from safecity.smallbiz import selectors
from safecity.smallbiz.api.common import REGION, ScopedViewSet, call, region_param
from safecity.smallbiz.choices import ScoreBy, VisitState
from safecity.smallbiz.exports import visits_export
from safecity.smallbiz.models import SupervisionRound, Visit
from safecity.smallbiz.services import sheet as sheet_services
from safecity.smallbiz.services import supervision as supervision_services
from safecity.smallbiz.services import visits as visit_services

# --- visits -----------------------------------------------------------------------------------


class SmallbizVisitSerializer(serializers.ModelSerializer):
    enterprise_name = serializers.CharField(source="enterprise.organisation.name", read_only=True)
    village = serializers.CharField(source="enterprise.organisation.region.code", read_only=True)
    contract_number = serializers.CharField(source="contract.number", read_only=True)
    engineer_name = serializers.CharField(source="engineer.person.name", read_only=True, allow_null=True)
    on_time = serializers.BooleanField(read_only=True, allow_null=True)

    class Meta:
        model = Visit
        fields = [
            "id", "contract", "contract_number", "enterprise", "enterprise_name", "village", "engineer", "engineer_name",
            "sequence", "due_on", "planned_on", "state", "done_at", "on_time", "latitude", "longitude", "checklist", "note",
        ]  # fmt: skip
        read_only_fields = fields


class SmallbizFindingInputSerializer(serializers.Serializer):
    description = serializers.CharField(max_length=2000)
    level = serializers.IntegerField(default=0)
    hazard_type = serializers.IntegerField(default=1)


class SmallbizSignSerializer(serializers.Serializer):
    latitude = serializers.DecimalField(max_digits=9, decimal_places=6)
    longitude = serializers.DecimalField(max_digits=9, decimal_places=6)
    checklist = serializers.ListField(child=serializers.DictField(), default=list)
    note = serializers.CharField(required=False, allow_blank=True, default="")
    findings = SmallbizFindingInputSerializer(many=True, required=False, default=list)
    photos = serializers.ListField(child=serializers.FileField(), required=False, default=list)


class SmallbizScoreSerializer(serializers.Serializer):
    by = serializers.ChoiceField(choices=ScoreBy.choices)
    score = serializers.CharField(help_text="1 to 5")
    comment = serializers.CharField(required=False, allow_blank=True, default="", max_length=500)


class VisitViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    serializer_class = SmallbizVisitSerializer

    def get_queryset(self) -> Any:
        params = self.request.query_params
        status_value = params.get("status", "")
        return selectors.visit_list(
            user=self.request.user,
            filters={
                "region": region_param(self.request),
                "status": status_value,
                "planned": params.get("planned", ""),
                "mine": params.get("mine", "") in ("1", "true"),
                "sort": params.get("sort", ""),
            },
        )

    @extend_schema(
        parameters=[
            REGION,
            OpenApiParameter("status", str, enum=["due", "overdue", *VisitState.values]),
            OpenApiParameter("planned", str, enum=["today", "week"], description="planned for today or this week"),
            OpenApiParameter("mine", bool, description="only the visits given to the caller as the engineer"),
            OpenApiParameter("sort", str, enum=sorted(selectors.VISIT_SORTS), description="the order of the rows"),
        ]
    )
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(
        responses={(200, sheet_services.XLSX_CONTENT_TYPE): OpenApiTypes.BINARY},
        parameters=[REGION, OpenApiParameter("status", str)],
    )
    @action(detail=False, methods=["get"], url_path="export")
    def export(self, request: Request) -> Any:
        return visits_export(queryset=self.get_queryset())

    @extend_schema(request=SmallbizSignSerializer, responses=SmallbizVisitSerializer)
    @action(detail=True, methods=["post"], parser_classes=[JSONParser, MultiPartParser, FormParser])
    def sign(self, request: Request, pk: str | None = None) -> Response:
        data = SmallbizSignSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        call(
            visit_services.visit_sign,
            actor=request.user,
            visit=self.get_object(),
            latitude=values["latitude"],
            longitude=values["longitude"],
            checklist=values["checklist"],
            note=values["note"],
            photos=values["photos"],
            findings=[dict(f) for f in values["findings"]],
        )
        return Response(SmallbizVisitSerializer(self.get_object()).data)

    @extend_schema(
        request=SmallbizScoreSerializer,
        responses={201: inline_serializer("SmallbizScore", {"score": serializers.IntegerField()})},
    )
    @action(detail=True, methods=["post"])
    def score(self, request: Request, pk: str | None = None) -> Response:
        data = SmallbizScoreSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        row = call(visit_services.visit_score, actor=request.user, visit=self.get_object(), **data.validated_data)
        return Response({"score": row.score}, status=201)

    @extend_schema(
        request=inline_serializer("SmallbizCancel", {"reason": serializers.CharField()}), responses=SmallbizVisitSerializer
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str | None = None) -> Response:
        call(visit_services.visit_cancel, actor=request.user, visit=self.get_object(), reason=str(request.data.get("reason", "")))
        return Response(SmallbizVisitSerializer(self.get_object()).data)


# --- supervision ------------------------------------------------------------------------------


class SmallbizRoundSerializer(serializers.ModelSerializer):
    village = serializers.CharField(source="village.code", read_only=True)
    village_name = serializers.CharField(source="village.name", read_only=True)

    class Meta:
        model = SupervisionRound
        fields = [
            "id",
            "village",
            "village_name",
            "month",
            "done_on",
            "enterprises_seen",
            "visits_overdue",
            "hazards_open",
            "note",
        ]
        read_only_fields = fields


class SmallbizRoundInputSerializer(serializers.Serializer):
    village = serializers.CharField(max_length=12)
    month = serializers.DateField()
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class SupervisionRoundViewSet(mixins.ListModelMixin, ScopedViewSet):
    serializer_class = SmallbizRoundSerializer

    def get_queryset(self) -> Any:
        return selectors.supervision_round_list(user=self.request.user)

    @extend_schema(request=SmallbizRoundInputSerializer, responses={201: SmallbizRoundSerializer})
    def create(self, request: Request) -> Response:
        data = SmallbizRoundInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        village = scoped(Region, request.user).filter(code=data.validated_data["village"]).first()
        if village is None:
            raise serializers.ValidationError({"village": [_("No region has this division code.")]})
        row = call(
            supervision_services.supervision_round_record,
            actor=request.user,
            village=village,
            month=data.validated_data["month"],
            note=data.validated_data["note"],
        )
        return Response(SmallbizRoundSerializer(row).data, status=201)


class StreetRankingView(APIView):
    """Streets ranked by the on-time rate of their service visits (the district's picture)."""

    @extend_schema(
        parameters=[REGION],
        responses=inline_serializer(
            "SmallbizStreetRank",
            {
                "street": serializers.CharField(),
                "code": serializers.CharField(),
                "done": serializers.IntegerField(),
                "on_time": serializers.IntegerField(),
                "overdue": serializers.IntegerField(),
                "on_time_rate": serializers.FloatField(allow_null=True),
            },
            many=True,
        ),
    )
    def get(self, request: Request) -> Response:
        return Response(selectors.street_ranking(user=request.user, region=region_param(request)))

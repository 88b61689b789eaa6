"""The register's management API: the landlord's checklist and inspections, trainings and drills,
the register's own findings, and the district's campaign figures."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import mixins, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from safecity.core.api.fields import IdField
from safecity.core.scoping import scoped
from safecity.hazards.choices import HazardType
from safecity.parks import selectors, services
from safecity.parks.api.common import PARK, TENANT, ParksViewSet, ReachIdField, bool_param, call, id_param, within_reach
from safecity.parks.choices import AgreementState, ParkFindingKind, TrainingKind
from safecity.parks.models import (
    InspectionFinding,
    Park,
    ParkFinding,
    Tenant,
    TenantInspection,
    Training,
    TrainingAttendance,
)
from safecity.parks.rules import checklist

# --- inspections and the checklist -----------------------------------------------------------


class ParkChecklistItemSerializer(serializers.Serializer):
    code = serializers.CharField()
    text = serializers.CharField()
    hazard_type = serializers.ChoiceField(choices=HazardType.choices)
    hazard_type_display = serializers.CharField()


class ChecklistView(APIView):
    """The landlord's checklist for a tenant inspection, in the caller's language."""

    @extend_schema(responses=ParkChecklistItemSerializer(many=True))
    def get(self, request: Request) -> Response:
        rows = [
            {
                "code": item.code,
                "text": str(item.text),
                "hazard_type": item.hazard_type,
                "hazard_type_display": str(HazardType(item.hazard_type).label),
            }
            for item in checklist()
        ]
        return Response(ParkChecklistItemSerializer(rows, many=True).data)


class ParkInspectionFindingSerializer(serializers.ModelSerializer):
    item_text = serializers.SerializerMethodField()
    hazard_code = serializers.CharField(source="hazard.code", read_only=True, allow_null=True)
    hazard_state = serializers.IntegerField(source="hazard.state", read_only=True)
    hazard_state_display = serializers.CharField(source="hazard.get_state_display", read_only=True)

    class Meta:
        model = InspectionFinding
        fields = ["id", "item", "item_text", "note", "hazard", "hazard_code", "hazard_state", "hazard_state_display"]
        read_only_fields = fields

    def get_item_text(self, obj: InspectionFinding) -> str:
        texts = {item.code: str(item.text) for item in checklist()}
        return texts.get(obj.item, obj.item)


class ParkChecklistAnswerSerializer(serializers.Serializer):
    ok = serializers.BooleanField()
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class ParkInspectionSerializer(serializers.ModelSerializer):
    tenant_name = serializers.CharField(source="tenant.organisation.name", read_only=True)
    tenant_number = serializers.CharField(source="tenant.full_number", read_only=True)
    park = serializers.IntegerField(source="tenant.park_id", read_only=True)
    results = serializers.DictField(child=ParkChecklistAnswerSerializer(), read_only=True, help_text="item code -> answer")
    failed = serializers.IntegerField(read_only=True, help_text="items failed")

    class Meta:
        model = TenantInspection
        fields = [
            "id", "tenant", "tenant_name", "tenant_number", "park", "inspected_on", "inspector_name", "results", "failed",
            "note", "created_at",
        ]  # fmt: skip
        read_only_fields = fields


class ParkInspectionDetailSerializer(ParkInspectionSerializer):
    findings = serializers.SerializerMethodField()

    class Meta(ParkInspectionSerializer.Meta):
        fields = [*ParkInspectionSerializer.Meta.fields, "findings"]
        read_only_fields = fields

    @extend_schema_field(ParkInspectionFindingSerializer(many=True))
    def get_findings(self, obj: TenantInspection) -> Any:
        user = self.context["request"].user
        return ParkInspectionFindingSerializer(selectors.inspection_findings(user=user, inspection=obj), many=True).data


class ParkInspectionInput(serializers.Serializer):
    tenant = ReachIdField(queryset=Tenant.objects.all())
    inspected_on = serializers.DateField()
    results = serializers.DictField(
        child=ParkChecklistAnswerSerializer(),
        help_text="every checklist item's code -> {ok, note}; a failed item says what was found",
    )
    inspector_name = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    note = serializers.CharField(max_length=20000, required=False, allow_blank=True, default="")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        within_reach(self, tenant=lambda user: selectors.tenant_list(user=user))


class InspectionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ParksViewSet):
    """The landlord's inspections of its tenants; POST records one (each failed item a hidden hazard)."""

    serializer_class = ParkInspectionSerializer

    def get_queryset(self) -> QuerySet[TenantInspection]:
        queryset = selectors.inspections(user=self.request.user)
        if self.action == "list":
            if (tenant := id_param(self.request, "tenant")) is not None:
                queryset = queryset.filter(tenant_id=tenant)
            if (park := id_param(self.request, "park")) is not None:
                queryset = queryset.filter(tenant__park_id=park)
        return queryset

    def get_object(self) -> TenantInspection:
        return selectors.inspection_get(user=self.request.user, pk=self.kwargs.get("pk"))

    @extend_schema(parameters=[TENANT, PARK])
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    def _detail(self, request: Request, pk: int, status_code: int = 200) -> Response:
        inspection = selectors.inspection_get(user=request.user, pk=pk)
        return Response(ParkInspectionDetailSerializer(inspection, context={"request": request}).data, status=status_code)

    @extend_schema(responses=ParkInspectionDetailSerializer)
    def retrieve(self, request: Request, pk: str | None = None) -> Response:
        return self._detail(request, self.get_object().pk)

    @extend_schema(request=ParkInspectionInput, responses={201: ParkInspectionDetailSerializer})
    def create(self, request: Request) -> Response:
        """Record an inspection with every checklist item answered."""
        body = ParkInspectionInput(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        data["results"] = {code: dict(answer) for code, answer in data["results"].items()}
        inspection = call(services.inspection_record, actor=request.user, **data)
        return self._detail(request, inspection.pk, 201)


# --- trainings -------------------------------------------------------------------------------


class ParkAttendanceSerializer(serializers.ModelSerializer):
    tenant_name = serializers.CharField(source="tenant.organisation.name", read_only=True)

    class Meta:
        model = TrainingAttendance
        fields = ["tenant", "tenant_name", "attendees"]
        read_only_fields = fields


class ParkTrainingSerializer(serializers.ModelSerializer):
    park_name = serializers.CharField(source="park.name", read_only=True)
    kind = serializers.ChoiceField(choices=TrainingKind.choices, read_only=True)
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    tenants_attending = serializers.IntegerField(read_only=True)
    people = serializers.IntegerField(read_only=True, allow_null=True)
    attendance = ParkAttendanceSerializer(many=True, read_only=True, source="attendance_seen")

    class Meta:
        model = Training
        fields = [
            "id", "park", "park_name", "kind", "kind_display", "held_on", "topic", "hours", "note", "tenants_attending",
            "people", "attendance",
        ]  # fmt: skip
        read_only_fields = fields


class ParkAttendanceInput(serializers.Serializer):
    tenant = IdField()
    attendees = serializers.IntegerField(min_value=0, max_value=100000)


class ParkTrainingInput(serializers.Serializer):
    park = ReachIdField(queryset=Park.objects.all())
    kind = serializers.ChoiceField(choices=TrainingKind.choices)
    held_on = serializers.DateField()
    topic = serializers.CharField(max_length=200)
    hours = serializers.DecimalField(max_digits=4, decimal_places=1, min_value=0)
    attendance = ParkAttendanceInput(many=True, help_text="how many people of each tenant attended")
    note = serializers.CharField(max_length=20000, required=False, allow_blank=True, default="")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        within_reach(self, park=lambda user: selectors.park_list(user=user))

    def validate_attendance(self, rows: list[dict[str, Any]]) -> dict[int, int]:
        counts: dict[int, int] = {}
        for row in rows:
            if row["tenant"] in counts:
                raise serializers.ValidationError(_("Each tenant is listed once."))
            counts[row["tenant"]] = row["attendees"]
        return counts


class TrainingViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ParksViewSet):
    """The trainings and drills the landlords held, with each tenant's attendance; POST records one."""

    serializer_class = ParkTrainingSerializer

    def get_queryset(self) -> QuerySet[Training]:
        user = self.request.user
        queryset = (
            selectors.trainings(user=user)
            .select_related("park")
            .prefetch_related(
                Prefetch(
                    "attendance",
                    queryset=scoped(TrainingAttendance, user).select_related("tenant__organisation"),
                    to_attr="attendance_seen",
                )
            )
        )
        park = id_param(self.request, "park") if self.action == "list" else None
        return queryset.filter(park_id=park) if park is not None else queryset

    @extend_schema(parameters=[PARK])
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(request=ParkTrainingInput, responses={201: ParkTrainingSerializer})
    def create(self, request: Request) -> Response:
        body = ParkTrainingInput(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        training = call(services.training_record, actor=request.user, **body.validated_data)
        return Response(ParkTrainingSerializer(self.get_queryset().get(pk=training.pk)).data, status=201)


# --- findings and the campaign ---------------------------------------------------------------


class ParkFindingSerializer(serializers.ModelSerializer):
    park_name = serializers.CharField(source="park.name", read_only=True)
    tenant_name = serializers.CharField(source="tenant.organisation.name", read_only=True, allow_null=True, default=None)
    tenant_number = serializers.CharField(source="tenant.full_number", read_only=True, allow_null=True, default=None)
    kind = serializers.ChoiceField(choices=ParkFindingKind.choices, read_only=True)
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    hazard_code = serializers.CharField(source="hazard.code", read_only=True, allow_null=True)
    hazard_level = serializers.IntegerField(source="hazard.level", read_only=True)
    hazard_level_display = serializers.CharField(source="hazard.get_level_display", read_only=True)
    hazard_state = serializers.IntegerField(source="hazard.state", read_only=True)
    hazard_state_display = serializers.CharField(source="hazard.get_state_display", read_only=True)
    standing = serializers.SerializerMethodField()

    class Meta:
        model = ParkFinding
        fields = [
            "id", "park", "park_name", "tenant", "tenant_name", "tenant_number", "kind", "kind_display", "raised_on",
            "cleared_on", "standing", "hazard", "hazard_code", "hazard_level", "hazard_level_display", "hazard_state",
            "hazard_state_display",
        ]  # fmt: skip
        read_only_fields = fields

    def get_standing(self, obj: ParkFinding) -> bool:
        return obj.cleared_on is None


class FindingViewSet(mixins.ListModelMixin, ParksViewSet):
    """The hidden hazards the register raised by itself: those standing (``?standing=false``: all)."""

    serializer_class = ParkFindingSerializer

    def get_queryset(self) -> QuerySet[ParkFinding]:
        standing = bool_param(self.request, "standing", True)
        queryset = selectors.findings(user=self.request.user, standing=bool(standing))
        park = id_param(self.request, "park")
        return queryset.filter(park_id=park) if park is not None else queryset

    @extend_schema(parameters=[PARK, OpenApiParameter("standing", bool, description="true (default): standing only; false: all")])
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)


class ParkAgreementCountsSerializer(serializers.Serializer):
    valid = serializers.IntegerField()
    expiring = serializers.IntegerField()
    missing = serializers.IntegerField()
    expired = serializers.IntegerField()


class ParkCampaignFiguresSerializer(serializers.Serializer):
    tenants = serializers.IntegerField()
    agreements = ParkAgreementCountsSerializer()
    overdue = serializers.IntegerField(help_text="tenants not inspected within the landlord's period")
    three_in_one = serializers.IntegerField()
    major_open = serializers.IntegerField(help_text="major hidden hazards the register raised, still open")


class ParkCampaignRowSerializer(ParkCampaignFiguresSerializer):
    park = serializers.IntegerField()
    name = serializers.CharField()
    landlord_name = serializers.CharField()
    region = serializers.CharField()


class ParkCampaignSerializer(serializers.Serializer):
    rows = ParkCampaignRowSerializer(many=True)
    totals = ParkCampaignFiguresSerializer()


def _figures(row: selectors.ParkRow | None) -> dict[str, Any]:
    agreements = row.agreements if row is not None else {}
    return {
        "tenants": row.tenants if row else 0,
        "agreements": {state: agreements.get(state, 0) for state in AgreementState.values},
        "overdue": row.overdue if row else 0,
        "three_in_one": row.three_in_one if row else 0,
        "major_open": row.major_open if row else 0,
    }


class CampaignView(APIView):
    """The district's campaign view: per park its tenants, their agreements valid / expiring /
    missing / expired, tenants overdue or three-in-one, the major hazards still open; and the totals."""

    @extend_schema(
        parameters=[OpenApiParameter("district", str, description="a district's 6-digit division code, to narrow to")],
        responses=ParkCampaignSerializer,
    )
    def get(self, request: Request) -> Response:
        district = (request.query_params.get("district") or "").strip()
        if district and not (len(district) == 6 and district.isascii() and district.isdigit()):
            raise serializers.ValidationError({"district": [_("A district's division code is 6 digits.")]})
        found = selectors.campaign(user=request.user, district=district)
        rows = [
            {
                "park": row.park.pk,
                "name": row.park.name,
                "landlord_name": row.park.landlord.name,
                "region": row.park.landlord.region.code,
                **_figures(row),
            }
            for row in found.rows
        ]
        return Response(ParkCampaignSerializer({"rows": rows, "totals": _figures(found.totals)}).data)

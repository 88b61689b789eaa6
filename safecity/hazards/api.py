"""Dual-prevention API: thin serializers and views over selectors and services."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from safecity.core.api.fields import IdRelatedField
from safecity.core.filtering import KeepFilterSetBackend
from safecity.core.models import Organisation, Person
from safecity.core.paging import KeysetPagination, api_year
from safecity.core.scoping import scoped
from safecity.hazards import reports, selectors, services
from safecity.hazards.api_rows import ValuesRows, choice_display
from safecity.hazards.choices import EvidenceStage, HazardLevel, HazardState, HazardType, ManagementType
from safecity.hazards.filtersets import HiddenHazardFilterSet, RiskEventFilterSet
from safecity.hazards.models import CheckRecord, HazardEvidence, HazardTransition, HiddenHazard, RiskEvent


class HazardSerializer(serializers.ModelSerializer):
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)
    region = serializers.CharField(source="organisation.region.code", read_only=True)
    state_display = serializers.CharField(source="get_state_display", read_only=True)
    level_display = serializers.CharField(source="get_level_display", read_only=True)
    is_overdue = serializers.BooleanField(read_only=True)

    class Meta:
        model = HiddenHazard
        fields = [
            "id", "code", "organisation", "organisation_name", "region", "level", "level_display", "source", "management_type",
            "hazard_type", "state", "state_display", "description", "cause", "measures", "cost", "liable_person", "location",
            "discovered_at", "deadline", "is_overdue", "rectification", "acceptance_requested_at", "accepted_at", "acceptance_comment",
        ]  # fmt: skip
        read_only_fields = [
            "id",
            "code",
            "state",
            "rectification",
            "acceptance_requested_at",
            "accepted_at",
            "acceptance_comment",
        ]


def _is_overdue() -> Callable[[Any], bool]:
    # HiddenHazard.is_overdue for a row, with today's date read once per page.
    today = timezone.localdate()
    late = (HazardState.TO_CONFIRM, HazardState.RECTIFYING)
    return lambda row: row["state"] in late and row["deadline"] is not None and row["deadline"] < today


# The list's page is built from .values() in HazardSerializer's shape (see api_rows.py).
HAZARD_ROWS = ValuesRows(
    HazardSerializer,
    computed={
        "state_display": choice_display(HiddenHazard, "state"),
        "level_display": choice_display(HiddenHazard, "level"),
        "is_overdue": (("state", "deadline"), _is_overdue),
    },
)


class HazardReportSerializer(serializers.ModelSerializer):
    """Input of a new hidden hazard (state: to be confirmed)."""

    organisation = IdRelatedField(queryset=Organisation.objects.none())
    liable_person = IdRelatedField(queryset=Person.objects.none(), allow_null=True, required=False)

    class Meta:
        model = HiddenHazard
        fields = [
            "organisation",
            "level",
            "source",
            "management_type",
            "hazard_type",
            "description",
            "cause",
            "measures",
            "cost",
            "liable_person",
            "location",
            "deadline",
            "discovered_at",
        ]
        extra_kwargs: dict[str, dict[str, object]] = {"discovered_at": {"required": False}}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["organisation"].queryset = scoped(Organisation, request.user)  # type: ignore[attr-defined]
            self.fields["liable_person"].queryset = scoped(Person, request.user)  # type: ignore[attr-defined]


class ActionSerializer(serializers.Serializer):
    """A lifecycle step; ``evidence`` (multipart) is filed at the step's stage: rectification for
    fix-on-the-spot and request-acceptance, acceptance for accept."""

    comment = serializers.CharField(required=False, allow_blank=True, default="")
    rectification = serializers.CharField(required=False, allow_blank=True, default="")
    deadline = serializers.DateField(required=False, allow_null=True, default=None)
    evidence = serializers.FileField(required=False, allow_null=True, default=None)


class TimelineSerializer(serializers.ModelSerializer):
    class Meta:
        model = HazardTransition
        fields = ["action", "from_state", "to_state", "actor_label", "at", "comment"]


class EvidenceSerializer(serializers.ModelSerializer):
    class Meta:
        model = HazardEvidence
        fields = ["id", "stage", "content_type", "size", "created_at"]


class EvidenceUploadSerializer(serializers.Serializer):
    """An upload; without ``stage`` it is filed at the hazard's current stage."""

    stage = serializers.ChoiceField(choices=EvidenceStage.choices, required=False, allow_blank=True, default="")
    file = serializers.FileField()


class PlanSerializer(serializers.Serializer):
    responsibility = serializers.CharField(required=False, allow_blank=True)
    measures = serializers.CharField(required=False, allow_blank=True)
    funds = serializers.DecimalField(max_digits=12, decimal_places=2, required=False, allow_null=True)
    deadline = serializers.DateField(required=False, allow_null=True)
    emergency_plan = serializers.CharField(required=False, allow_blank=True)


ACTION_PARSERS = [JSONParser, MultiPartParser, FormParser]


class HazardViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    """Hidden hazards within reach; POST reports one; lifecycle actions are POSTs on the hazard."""

    filterset_class = HiddenHazardFilterSet
    filter_backends = [KeepFilterSetBackend]
    filterset: HiddenHazardFilterSet | None = None
    # Keyset pages (?cursor=) and a maintained count: the same cost at any size and depth.
    pagination_class = KeysetPagination

    def get_queryset(self) -> Any:
        return selectors.hazard_list(user=self.request.user)

    def keyset_count(self, queryset: Any) -> int:
        return selectors.hazard_count(
            user=self.request.user, filters=self.request.query_params, queryset=queryset, filterset=self.filterset
        )

    def get_serializer_class(self) -> Any:
        return HazardReportSerializer if self.action == "create" else HazardSerializer

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        # HazardSerializer's rows without its instances (HAZARD_ROWS); the schema is still the serializer's.
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(HAZARD_ROWS.rows(queryset))
        assert page is not None  # KeysetPagination always pages
        return self.get_paginated_response(HAZARD_ROWS.render(page))

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = HazardReportSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        hazard = services.hazard_report(actor=request.user, organisation=data.pop("organisation"), **data)
        return Response(HazardSerializer(hazard).data, status=201)

    def _act(self, request: Request, name: str) -> Response:
        hazard = self.get_object()
        body = ActionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        evidence = [data["evidence"]] if data.get("evidence") else []
        if name == "confirm":
            services.hazard_confirm(actor=request.user, hazard=hazard, deadline=data["deadline"], comment=data["comment"])
        elif name == "withdraw":
            services.hazard_withdraw(actor=request.user, hazard=hazard, comment=data["comment"])
        elif name == "fix_on_the_spot":
            services.hazard_fix_on_the_spot(
                actor=request.user, hazard=hazard, rectification=data["rectification"] or data["comment"], evidence=evidence
            )
        elif name == "request_acceptance":
            services.hazard_request_acceptance(
                actor=request.user, hazard=hazard, rectification=data["rectification"] or data["comment"], evidence=evidence
            )
        elif name == "accept":
            services.hazard_accept(actor=request.user, hazard=hazard, comment=data["comment"], evidence=evidence)
        elif name == "reject":
            services.hazard_reject(actor=request.user, hazard=hazard, comment=data["comment"])
        hazard.refresh_from_db()
        return Response(HazardSerializer(hazard).data)

    @extend_schema(request=ActionSerializer, responses=HazardSerializer)
    @action(detail=True, methods=["post"], parser_classes=ACTION_PARSERS)
    def confirm(self, request: Request, pk: str | None = None) -> Response:
        return self._act(request, "confirm")

    @extend_schema(request=ActionSerializer, responses=HazardSerializer)
    @action(detail=True, methods=["post"], parser_classes=ACTION_PARSERS)
    def withdraw(self, request: Request, pk: str | None = None) -> Response:
        return self._act(request, "withdraw")

    @extend_schema(request=ActionSerializer, responses=HazardSerializer)
    @action(detail=True, methods=["post"], parser_classes=ACTION_PARSERS, url_path="fix-on-the-spot")
    def fix_on_the_spot(self, request: Request, pk: str | None = None) -> Response:
        return self._act(request, "fix_on_the_spot")

    @extend_schema(request=ActionSerializer, responses=HazardSerializer)
    @action(detail=True, methods=["post"], parser_classes=ACTION_PARSERS, url_path="request-acceptance")
    def request_acceptance(self, request: Request, pk: str | None = None) -> Response:
        return self._act(request, "request_acceptance")

    @extend_schema(request=ActionSerializer, responses=HazardSerializer)
    @action(detail=True, methods=["post"], parser_classes=ACTION_PARSERS)
    def accept(self, request: Request, pk: str | None = None) -> Response:
        return self._act(request, "accept")

    @extend_schema(request=ActionSerializer, responses=HazardSerializer)
    @action(detail=True, methods=["post"], parser_classes=ACTION_PARSERS)
    def reject(self, request: Request, pk: str | None = None) -> Response:
        return self._act(request, "reject")

    @extend_schema(responses=TimelineSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None)
    def timeline(self, request: Request, pk: str | None = None) -> Response:
        hazard = self.get_object()
        return Response(TimelineSerializer(selectors.hazard_timeline(user=request.user, hazard=hazard), many=True).data)

    @extend_schema(request=PlanSerializer, responses=OpenApiTypes.OBJECT)
    @action(detail=True, methods=["put"], url_path="governance-plan")
    def governance_plan(self, request: Request, pk: str | None = None) -> Response:
        hazard = self.get_object()
        body = PlanSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        plan = services.governance_plan_save(actor=request.user, hazard=hazard, **body.validated_data)
        return Response({"missing": plan.missing_items()})

    @extend_schema(methods=["get"], responses=EvidenceSerializer(many=True))
    @extend_schema(methods=["post"], request=EvidenceUploadSerializer, responses={201: EvidenceSerializer})
    @action(detail=True, methods=["get", "post"], parser_classes=[MultiPartParser, FormParser], pagination_class=None)
    def evidence(self, request: Request, pk: str | None = None) -> Response:
        hazard = self.get_object()
        if request.method == "GET":
            return Response(EvidenceSerializer(hazard.evidence.all(), many=True).data)
        body = EvidenceUploadSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        evidence = services.evidence_add(
            actor=request.user, hazard=hazard, stage=body.validated_data["stage"] or None, file=body.validated_data["file"]
        )
        return Response(EvidenceSerializer(evidence).data, status=201)


class RiskEventSerializer(serializers.ModelSerializer):
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)

    class Meta:
        model = RiskEvent
        fields = [
            "id",
            "organisation",
            "organisation_name",
            "unit",
            "unit_name",
            "name",
            "accident_type",
            "method",
            "initial_factors",
            "initial_score",
            "initial_level",
            "current_factors",
            "current_score",
            "current_level",
        ]


class RiskEventViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = RiskEventSerializer
    filterset_class = RiskEventFilterSet

    def get_queryset(self) -> Any:
        return selectors.risk_event_list(user=self.request.user)


class FoundHazardLinkSerializer(serializers.ModelSerializer):
    class Meta:
        model = HiddenHazard
        fields = ["id", "code"]


class CheckRecordSerializer(serializers.ModelSerializer):
    content = serializers.CharField(source="task.content", read_only=True)
    hazards = FoundHazardLinkSerializer(many=True, read_only=True, help_text="The hidden hazards this check found.")

    class Meta:
        model = CheckRecord
        fields = ["id", "organisation", "task", "content", "due_at", "checked_at", "result", "note", "hazards"]
        read_only_fields = ["id", "organisation", "task", "content", "due_at", "checked_at", "hazards"]


class FoundHazardSerializer(serializers.Serializer):
    """What a checker says about a hidden hazard found during a check (typed, so bad input is a 400)."""

    description = serializers.CharField()
    level = serializers.ChoiceField(choices=HazardLevel.choices, required=False)
    hazard_type = serializers.ChoiceField(choices=HazardType.choices, required=False)
    management_type = serializers.ChoiceField(choices=ManagementType.choices, required=False)
    cause = serializers.CharField(required=False, allow_blank=True)
    measures = serializers.CharField(required=False, allow_blank=True)
    location = serializers.CharField(required=False, allow_blank=True, max_length=200)
    deadline = serializers.DateField(required=False, allow_null=True)
    cost = serializers.DecimalField(max_digits=12, decimal_places=2, required=False, allow_null=True)

    def to_internal_value(self, data: Any) -> Any:
        # The enterprise, risk event and check record come from the check itself; anything else unknown is refused.
        unknown = sorted(set(data) - set(self.fields)) if isinstance(data, dict) else []
        if unknown:
            raise serializers.ValidationError({name: [_("Unknown field.")] for name in unknown})
        return super().to_internal_value(data)


class CheckCompleteSerializer(serializers.Serializer):
    result = serializers.ChoiceField(choices=["done", "hazard_found"])
    note = serializers.CharField(required=False, allow_blank=True, default="")
    hazard = FoundHazardSerializer(required=False, allow_null=True, default=None)


class DueCheckViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Due and overdue checks within reach; POST …/complete/ records one."""

    serializer_class = CheckRecordSerializer

    def get_queryset(self) -> Any:
        return selectors.due_checks(user=self.request.user)

    @extend_schema(request=CheckCompleteSerializer, responses=CheckRecordSerializer)
    @action(detail=True, methods=["post"])
    def complete(self, request: Request, pk: str | None = None) -> Response:
        record = self.get_object()
        body = CheckCompleteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        record = services.check_record_complete(actor=request.user, record=record, **body.validated_data)
        return Response(CheckRecordSerializer(record).data)


class StatisticsView(APIView):
    """Hidden-hazard statistics by quarter and year (filters as on the hazard list)."""

    @extend_schema(parameters=[OpenApiParameter("year", int)], responses=OpenApiTypes.OBJECT)
    def get(self, request: Request) -> Response:
        year = api_year(request)
        filterset = HiddenHazardFilterSet(request.query_params, queryset=selectors.hazard_list(user=request.user))
        if not filterset.is_valid():
            raise serializers.ValidationError(filterset.errors)
        return Response(reports.hazard_statistics(hazards=filterset.qs, year=year))


class ProvincialReportView(APIView):
    """The enterprise's provincial risk report (JSON; ``?format=xlsx`` for the Excel file)."""

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request: Request, organisation_id: int) -> Response | HttpResponse:
        report = reports.provincial_risk_report(user=request.user, organisation_id=organisation_id)
        if request.query_params.get("as") == "xlsx":
            response = HttpResponse(
                reports.provincial_risk_report_xlsx(report),
                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            )
            response["Content-Disposition"] = f'attachment; filename="risk-report-{organisation_id}.xlsx"'
            return response
        return Response(report)


__all__ = ["CheckRecord", "HazardEvidence"]

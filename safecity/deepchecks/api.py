"""Deep safety check API: thin serializers and views over selectors and services (core error format)."""

from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from safecity.core.api.fields import IdField
from safecity.core.models import Organisation
from safecity.core.paging import year_of
from safecity.core.scoping import scoped
from safecity.deepchecks import selectors, services
from safecity.deepchecks.choices import CauseCategory, ManagementElement
from safecity.deepchecks.models import Campaign, Expert, Finding, Panel, ScheduleRun
from safecity.hazards.choices import HazardLevel, HazardType


class ExpertSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="person.name", read_only=True)
    employer = serializers.CharField(source="person.organisation.name", read_only=True)
    specialties = serializers.SlugRelatedField(many=True, read_only=True, slug_field="code")

    class Meta:
        model = Expert
        fields = ["id", "name", "level", "title", "employer", "specialties"]


class MemberSerializer(serializers.Serializer):
    expert = serializers.IntegerField(source="expert_id")
    name = serializers.CharField(source="expert.person.name")
    level = serializers.CharField(source="expert.level")
    is_leader = serializers.BooleanField()


class PanelSerializer(serializers.ModelSerializer):
    enterprise = serializers.IntegerField(source="target.organisation_id", read_only=True)
    enterprise_name = serializers.CharField(source="target.organisation.name", read_only=True)
    members = MemberSerializer(many=True, read_only=True)

    class Meta:
        model = Panel
        fields = ["id", "campaign", "enterprise", "enterprise_name", "start_date", "end_date", "status", "members"]


class MembersInput(serializers.Serializer):
    experts = serializers.ListField(child=IdField(), min_length=1, max_length=100)
    leader = IdField(required=False, allow_null=True)


class CampaignSerializer(serializers.ModelSerializer):
    class Meta:
        model = Campaign
        fields = [
            "id", "name", "region", "year", "period_start", "period_end", "min_panel_size", "min_senior",
            "workload_cap", "days_per_check", "status",
        ]  # fmt: skip


class RunSerializer(serializers.ModelSerializer):
    class Meta:
        model = ScheduleRun
        fields = ["id", "status", "progress", "solver_status", "objective", "bound", "gap", "wall_time", "uncovered", "reasons"]


class FindingInput(serializers.Serializer):
    session = IdField()
    description = serializers.CharField()
    hazard_type = serializers.ChoiceField(choices=HazardType.choices, default=HazardType.SAFETY)
    level = serializers.ChoiceField(choices=HazardLevel.choices, default=HazardLevel.GENERAL)
    checklist_item = IdField(required=False, allow_null=True)
    location = serializers.CharField(required=False, allow_blank=True, default="")
    deadline = serializers.DateField(required=False, allow_null=True, default=None)


class RootCauseInput(serializers.Serializer):
    category = serializers.ChoiceField(choices=CauseCategory.choices)
    management_element = serializers.ChoiceField(choices=ManagementElement.choices)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class FindingSerializer(serializers.ModelSerializer):
    hazard_code = serializers.CharField(source="hazard.code", read_only=True)
    hazard_state = serializers.IntegerField(source="hazard.state", read_only=True)
    source = serializers.IntegerField(source="hazard.source", read_only=True)
    category = serializers.CharField(source="root_cause.category", read_only=True, default=None)
    management_element = serializers.CharField(source="root_cause.management_element", read_only=True, default=None)

    class Meta:
        model = Finding
        fields = [
            "id",
            "organisation",
            "hazard",
            "hazard_code",
            "hazard_state",
            "source",
            "found_at",
            "category",
            "management_element",
        ]


class ExpertViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = ExpertSerializer

    def get_queryset(self) -> Any:
        return selectors.expert_list(user=self.request.user)


class CampaignViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = CampaignSerializer

    def get_queryset(self) -> Any:
        return selectors.campaign_list(user=self.request.user)

    @extend_schema(request=None, responses=RunSerializer)
    @action(detail=True, methods=["post"], url_path="schedule")
    def schedule(self, request: Request, pk: Any = None) -> Response:
        """Run the scheduler (a background task); poll the run returned."""
        run = services.schedule_request(actor=request.user, campaign=self.get_object())
        run.refresh_from_db()
        return Response(RunSerializer(run).data, status=status.HTTP_202_ACCEPTED)


class PanelViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = PanelSerializer

    def get_queryset(self) -> Any:
        return selectors.panel_list(user=self.request.user)

    @extend_schema(request=MembersInput, responses=PanelSerializer)
    @action(detail=True, methods=["patch"], url_path="members")
    def members(self, request: Request, pk: Any = None) -> Response:
        """Replace the members; refused (400, the rule named) when a rule breaks."""
        panel = self.get_object()
        data = MembersInput(data=request.data)
        data.is_valid(raise_exception=True)
        experts = list(scoped(Expert, request.user).filter(pk__in=data.validated_data["experts"]))
        if len(experts) != len(set(data.validated_data["experts"])):
            raise serializers.ValidationError({"experts": [_("Choose experts from the campaign's expert pool.")]})
        leader = next((e for e in experts if e.pk == data.validated_data.get("leader")), None)
        services.panel_member_set(actor=request.user, panel=panel, experts=experts, leader=leader)
        return Response(PanelSerializer(selectors.panel_get(user=request.user, pk=panel.pk)).data)


class FindingViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = FindingSerializer

    def get_queryset(self) -> Any:
        return selectors.finding_list(user=self.request.user)

    @extend_schema(request=FindingInput, responses=FindingSerializer)
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = FindingInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        session = selectors.session_get(user=request.user, pk=values.pop("session"))
        item_id = values.pop("checklist_item", None)
        item = get_object_or_404(selectors.checklist(user=request.user, session=session), pk=item_id) if item_id else None
        finding = services.finding_record(actor=request.user, session=session, checklist_item=item, **values)
        return Response(FindingSerializer(finding).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=RootCauseInput, responses=FindingSerializer)
    @action(detail=True, methods=["put"], url_path="root-cause")
    def root_cause(self, request: Request, pk: Any = None) -> Response:
        finding = self.get_object()
        data = RootCauseInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.root_cause_save(actor=request.user, finding=finding, **data.validated_data)
        return Response(FindingSerializer(selectors.finding_get(user=request.user, pk=finding.pk)).data)


class EnterpriseAnalysisView(APIView):
    """An enterprise's causes and most frequent root causes (with their hazards) in a year."""

    @extend_schema(parameters=[OpenApiParameter("year", int)], responses=OpenApiTypes.OBJECT)
    def get(self, request: Request, organisation_id: int) -> Response:
        organisation = get_object_or_404(scoped(Organisation, request.user), pk=organisation_id)
        year = year_of(request)
        roots = selectors.enterprise_root_causes(user=request.user, organisation=organisation, year=year)
        return Response(
            {
                "organisation": organisation.pk,
                "year": year,
                "causes": selectors.enterprise_causes(user=request.user, organisation=organisation, year=year),
                "root_causes": [
                    {**r, "hazards": [{"id": h.pk, "code": h.code, "description": h.description} for h in r["hazards"]]}
                    for r in roots
                ],
            }
        )

"""Small and micro enterprise safety services API (issue 16 §6): the register (with its Excel list
in and out), providers and their performance, the providers' qualifications, service areas and
engineers (corrected by PATCH, retired with the day and the reason), group-purchase contracts,
service visits (sign, score, cancel), village supervision rounds and the street ranking. Thin
serializers over ``selectors.py``, ``selectors_providers.py`` and ``services/`` (the core error
format).

Refusals: ``duplicate``, ``transition_not_allowed``, ``guard`` answer 409; invalid input 400 with its
fields (an import: 400 with ``rows``, the table of row/column/problem); a record outside the
caller's reach 404; a visible record the caller may not change 403.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from safecity.core.api.errors import conflict_caller
from safecity.core.api.fields import IdRelatedField
from safecity.core.ids import id_or_none
from safecity.core.models import Organisation, Region
from safecity.core.scoping import scoped
from safecity.smallbiz import selectors, selectors_providers
from safecity.smallbiz.choices import ScoreBy, VisitState
from safecity.smallbiz.exports import visits_export
from safecity.smallbiz.models import (
    Contract,
    ProviderEngineer,
    Qualification,
    ServiceArea,
    ServiceProvider,
    SmallEnterprise,
    SupervisionRound,
    Visit,
)
from safecity.smallbiz.services import contracts as contract_services
from safecity.smallbiz.services import planning as planning_services
from safecity.smallbiz.services import registry
from safecity.smallbiz.services import sheet as sheet_services
from safecity.smallbiz.services import supervision as supervision_services
from safecity.smallbiz.services import visits as visit_services
from safecity.smallbiz.services.common import SmallbizError

CONFLICTS = {"duplicate", "transition_not_allowed", "guard"}


call = conflict_caller(SmallbizError, CONFLICTS)


class ScopedViewSet(viewsets.GenericViewSet):
    lookup_value_regex = r"[0-9]+"

    def get_object(self) -> Any:
        pk = id_or_none(self.kwargs.get("pk"))
        obj = self.get_queryset().filter(pk=pk).first() if pk is not None else None
        if obj is None:
            raise Http404
        return obj


def region_param(request: Request, name: str = "region") -> Region | None:
    code = (request.query_params.get(name) or request.data.get(name) or "").strip() if hasattr(request, "data") else ""
    if not code:
        return None
    region = Region.objects.filter(code=code[:12]).first()
    if region is None:
        raise serializers.ValidationError({name: [_("No region has this division code.")]})
    return region


REGION = OpenApiParameter("region", str, description="Division code: the region and everything under it")


# --- enterprises ------------------------------------------------------------------------------


class SmallbizEnterpriseSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="organisation.name", read_only=True)
    credit_code = serializers.CharField(source="organisation.credit_code", read_only=True, allow_null=True)
    village = serializers.CharField(source="organisation.region.code", read_only=True, help_text="12-digit division code")
    village_name = serializers.CharField(source="organisation.region.name", read_only=True)
    street_name = serializers.CharField(source="organisation.region.parent.name", read_only=True, allow_null=True)

    class Meta:
        model = SmallEnterprise
        fields = [
            "id",
            "name",
            "credit_code",
            "village",
            "village_name",
            "street_name",
            "trade",
            "trade_name",
            "size",
            "risk_level",
            "employees",
        ]


class SmallbizImportRowSerializer(serializers.Serializer):
    row = serializers.IntegerField()
    column = serializers.CharField()
    problem = serializers.CharField()


class EnterpriseViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """The register of small and micro enterprises the caller reaches."""

    serializer_class = SmallbizEnterpriseSerializer

    def get_queryset(self) -> Any:
        filters = {"region": region_param(self.request), "q": self.request.query_params.get("q", "").strip()}
        return selectors.enterprise_list(user=self.request.user, filters=filters)

    @extend_schema(parameters=[REGION, OpenApiParameter("q", str)])
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(responses={(200, sheet_services.XLSX_CONTENT_TYPE): OpenApiTypes.BINARY}, parameters=[REGION])
    @action(detail=False, methods=["get"], url_path="export")
    def export(self, request: Request) -> HttpResponse:
        data = sheet_services.enterprises_export(queryset=self.get_queryset())
        response = HttpResponse(data, content_type=sheet_services.XLSX_CONTENT_TYPE)
        response["Content-Disposition"] = 'attachment; filename="smallbiz-enterprises.xlsx"'
        return response

    @extend_schema(
        request=inline_serializer("SmallbizImportRequest", {"street": serializers.CharField(), "file": serializers.FileField()}),
        responses={
            201: SmallbizEnterpriseSerializer(many=True),
            # The core error format, plus the sheet's rows when the sheet itself is refused (absent
            # when the request is malformed: no street, no file).
            400: inline_serializer(
                "SmallbizImportErrors",
                {
                    "code": serializers.CharField(),
                    "message": serializers.CharField(),
                    "fields": serializers.DictField(child=serializers.ListField(child=serializers.CharField())),
                    "rows": SmallbizImportRowSerializer(many=True, required=False),
                },
            ),
        },
    )
    @action(detail=False, methods=["post"], url_path="import", parser_classes=[MultiPartParser, FormParser])
    def import_sheet(self, request: Request) -> Response:
        street = region_param(request, "street")
        upload = request.data.get("file")
        if street is None or not upload:
            raise serializers.ValidationError({"file": [_("Choose the street and the Excel file of its list.")]})
        try:
            made = sheet_services.enterprises_import(actor=request.user, street=street, file=upload.read())
        except sheet_services.EnterpriseImportError as error:
            rows = [{"row": e.row, "column": e.column, "problem": e.problem} for e in error.errors]
            return Response(
                {
                    "code": "invalid",
                    "message": _("Nothing was imported: correct the rows below and import again."),
                    "fields": {},
                    "rows": rows,
                },
                status=400,
            )
        return Response(SmallbizEnterpriseSerializer(made, many=True).data, status=201)

    @extend_schema(
        responses=inline_serializer(
            "SmallbizCheckItem",
            {"item": serializers.IntegerField(), "content": serializers.CharField(), "basis": serializers.CharField()},
            many=True,
        )
    )
    @action(detail=True, methods=["get"])
    def checklist(self, request: Request, pk: str | None = None) -> Response:
        return Response(selectors.visit_checklist(self.get_object()))


# --- providers --------------------------------------------------------------------------------


class SmallbizProviderSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="organisation.name", read_only=True)
    credit_code = serializers.CharField(source="organisation.credit_code", read_only=True, allow_null=True)
    registered_with = serializers.CharField(source="registered_with.code", read_only=True)

    class Meta:
        model = ServiceProvider
        fields = ["id", "name", "credit_code", "registered_with", "premises"]


class SmallbizPerformanceSerializer(serializers.Serializer):
    provider = serializers.IntegerField(source="provider.pk")
    name = serializers.CharField(source="provider.organisation.name")
    visits_done = serializers.IntegerField()
    on_time = serializers.IntegerField()
    on_time_rate = serializers.FloatField(allow_null=True)
    overdue = serializers.IntegerField()
    score = serializers.FloatField(allow_null=True)
    registered_engineers = serializers.IntegerField()
    qualification_until = serializers.DateField(allow_null=True)


class ProviderViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    serializer_class = SmallbizProviderSerializer

    def get_queryset(self) -> Any:
        return selectors.provider_list(user=self.request.user)

    @extend_schema(responses=SmallbizPerformanceSerializer(many=True))
    # One row per provider in reach, not paged (a district has tens of providers).
    @action(detail=False, methods=["get"], pagination_class=None)
    def performance(self, request: Request) -> Response:
        return Response(SmallbizPerformanceSerializer(selectors.provider_performance(user=request.user), many=True).data)


# --- the provider register: qualifications, service areas, engineers (corrected and retired) ----


PROVIDER = OpenApiParameter("provider", int, description="The provider's id: its rows only")


def provider_param(request: Request) -> int | None:
    raw = (request.query_params.get("provider") or "").strip()
    if not raw:
        return None
    pk = id_or_none(raw)
    if pk is None:
        raise serializers.ValidationError({"provider": [_("This is not the id of a provider.")]})
    return pk


class SmallbizRetireSerializer(serializers.Serializer):
    retired_on = serializers.DateField(required=False, help_text="The day (today when left out; never later)")
    # Optional here so that the service refuses a missing reason in the register's own words.
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=500)


class SmallbizRemoveSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=500)


class SmallbizQualificationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Qualification
        fields = ["id", "provider", "name", "number", "valid_from", "valid_until", "retired_on", "retired_reason"]
        read_only_fields = fields


class SmallbizQualificationCorrectSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=120, required=False, help_text="The kind of qualification")
    number = serializers.CharField(max_length=64, required=False, help_text="Certificate number")
    valid_from = serializers.DateField(required=False)
    valid_until = serializers.DateField(required=False)


class SmallbizAreaSerializer(serializers.ModelSerializer):
    region = serializers.CharField(source="region.code", read_only=True, help_text="Division code (district or street)")
    region_name = serializers.CharField(source="region.name", read_only=True)

    class Meta:
        model = ServiceArea
        fields = ["id", "provider", "region", "region_name", "retired_on", "retired_reason"]
        read_only_fields = fields


class SmallbizAreaCorrectSerializer(serializers.Serializer):
    region = serializers.CharField(max_length=12, help_text="Division code of the district or street served")


class SmallbizEngineerSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="person.name", read_only=True)

    class Meta:
        model = ProviderEngineer
        fields = [
            "id", "provider", "person", "name", "registered", "registration_number", "full_time", "retired_on",
            "retired_reason",
        ]  # fmt: skip
        read_only_fields = fields


class SmallbizEngineerCorrectSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100, required=False)
    registered = serializers.BooleanField(required=False)
    registration_number = serializers.CharField(max_length=64, required=False, allow_blank=True)
    full_time = serializers.BooleanField(required=False)


class SmallbizContractRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()


class SmallbizEngineerRetirementSerializer(serializers.Serializer):
    engineer = SmallbizEngineerSerializer()
    open_visits = serializers.IntegerField(help_text="Visits not yet done of contracts in force still planned on them")
    contracts = SmallbizContractRefSerializer(
        many=True, help_text="Their contracts: re-plan each with POST /api/smallbiz/contracts/{id}/plan/"
    )
    registered_engineers = serializers.IntegerField(help_text="The provider's full-time registered engineers in service")
    minimum = serializers.IntegerField()


class QualificationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """A provider's qualifications (retired ones with their day and reason); corrected by PATCH,
    retired by ``retire`` (the district the provider is registered with, and the city)."""

    serializer_class = SmallbizQualificationSerializer

    def get_queryset(self) -> Any:
        queryset = selectors_providers.qualification_list(user=self.request.user).order_by("provider", "-valid_until", "pk")
        pk = provider_param(self.request)
        return queryset.filter(provider_id=pk) if pk is not None else queryset

    @extend_schema(parameters=[PROVIDER])
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(request=SmallbizQualificationCorrectSerializer, responses=SmallbizQualificationSerializer)
    def partial_update(self, request: Request, pk: str | None = None) -> Response:
        """Correct a qualification as recorded (kind, certificate number, period); a retired one is
        not corrected (409)."""
        data = SmallbizQualificationCorrectSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        row = call(registry.qualification_correct, actor=request.user, qualification=self.get_object(), **data.validated_data)
        return Response(SmallbizQualificationSerializer(row).data)

    @extend_schema(request=SmallbizRetireSerializer, responses=SmallbizQualificationSerializer)
    @action(detail=True, methods=["post"])
    def retire(self, request: Request, pk: str | None = None) -> Response:
        """Retire a qualification (revoked, withdrawn) from a day, with the reason: it is no longer in force."""
        data = SmallbizRetireSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        row = call(registry.qualification_retire, actor=request.user, qualification=self.get_object(), **data.validated_data)
        return Response(SmallbizQualificationSerializer(row).data)


class ServiceAreaViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """A provider's service areas (removed ones with their day and reason); corrected by PATCH,
    removed by ``remove`` (refused while a contract in force serves enterprises there that no
    other of its areas covers)."""

    serializer_class = SmallbizAreaSerializer

    def get_queryset(self) -> Any:
        queryset = selectors_providers.service_area_list(user=self.request.user).order_by("provider", "region__code", "pk")
        pk = provider_param(self.request)
        return queryset.filter(provider_id=pk) if pk is not None else queryset

    @extend_schema(parameters=[PROVIDER])
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(request=SmallbizAreaCorrectSerializer, responses=SmallbizAreaSerializer)
    def partial_update(self, request: Request, pk: str | None = None) -> Response:
        """Correct a service area's region (a district or street, by division code)."""
        data = SmallbizAreaCorrectSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        region = scoped(Region, request.user).filter(code=data.validated_data["region"].strip()).first()
        if region is None:
            raise serializers.ValidationError({"region": [_("No region has this division code.")]})
        row = call(registry.service_area_correct, actor=request.user, area=self.get_object(), region=region)
        return Response(SmallbizAreaSerializer(row).data)

    @extend_schema(request=SmallbizRemoveSerializer, responses=SmallbizAreaSerializer)
    @action(detail=True, methods=["post"])
    def remove(self, request: Request, pk: str | None = None) -> Response:
        """Remove a service area from today, with the reason; refused (409) while a contract in force
        serves enterprises there that no other area of the provider covers."""
        data = SmallbizRemoveSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        row = call(registry.service_area_remove, actor=request.user, area=self.get_object(), reason=data.validated_data["reason"])
        return Response(SmallbizAreaSerializer(row).data)


class EngineerViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """A provider's engineers (those who left with their day and reason); corrected by PATCH,
    ``retire`` records that one left: the answer counts the visits still planned on them and
    names the contracts to re-plan."""

    serializer_class = SmallbizEngineerSerializer

    def get_queryset(self) -> Any:
        queryset = selectors_providers.engineer_list(user=self.request.user).order_by("provider", "person__name", "pk")
        pk = provider_param(self.request)
        return queryset.filter(provider_id=pk) if pk is not None else queryset

    @extend_schema(parameters=[PROVIDER])
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(request=SmallbizEngineerCorrectSerializer, responses=SmallbizEngineerSerializer)
    def partial_update(self, request: Request, pk: str | None = None) -> Response:
        """Correct an engineer as recorded (name, registered, registration number, full time)."""
        data = SmallbizEngineerCorrectSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        row = call(registry.engineer_correct, actor=request.user, engineer=self.get_object(), **data.validated_data)
        return Response(SmallbizEngineerSerializer(row).data)

    @extend_schema(request=SmallbizRetireSerializer, responses=SmallbizEngineerRetirementSerializer)
    @action(detail=True, methods=["post"])
    def retire(self, request: Request, pk: str | None = None) -> Response:
        """Record that an engineer left the provider (day, reason); the answer counts the visits still
        planned on them and names the contracts to re-plan."""
        data = SmallbizRetireSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        result = call(registry.engineer_retire, actor=request.user, engineer=self.get_object(), **data.validated_data)
        return Response(SmallbizEngineerRetirementSerializer(result).data)


# --- contracts --------------------------------------------------------------------------------


class SmallbizContractSerializer(serializers.ModelSerializer):
    provider_name = serializers.CharField(source="provider.organisation.name", read_only=True)
    buyer_name = serializers.CharField(source="buyer.name", read_only=True)
    street = serializers.CharField(source="region.code", read_only=True)
    enterprise_count = serializers.IntegerField(read_only=True)
    government_amount = serializers.DecimalField(max_digits=12, decimal_places=2, read_only=True)
    enterprise_amount = serializers.DecimalField(max_digits=12, decimal_places=2, read_only=True)

    class Meta:
        model = Contract
        fields = [
            "id", "number", "title", "buyer_kind", "buyer_name", "street", "provider", "provider_name", "visits_per_year",
            "training", "emergency_plan", "price", "government_share", "government_amount", "enterprise_amount",
            "starts_on", "ends_on", "state", "enterprise_count",
        ]  # fmt: skip
        read_only_fields = fields


class SmallbizContractInputSerializer(serializers.Serializer):
    number = serializers.CharField(max_length=40)
    title = serializers.CharField(max_length=200)
    buyer_kind = serializers.ChoiceField(choices=["street", "trade_association"])
    buyer = IdRelatedField(queryset=Organisation.objects.all())
    street = serializers.CharField(max_length=12)
    provider = IdRelatedField(queryset=ServiceProvider.objects.all())
    enterprises = serializers.ListField(child=serializers.IntegerField(), allow_empty=False)
    price = serializers.DecimalField(max_digits=12, decimal_places=2)
    government_share = serializers.DecimalField(max_digits=3, decimal_places=2)
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    visits_per_year = serializers.IntegerField(min_value=1, max_value=52, default=4)
    training = serializers.BooleanField(default=False)
    emergency_plan = serializers.BooleanField(default=False)


class ContractViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    serializer_class = SmallbizContractSerializer

    def get_queryset(self) -> Any:
        return selectors.contract_list(user=self.request.user, filters={"state": self.request.query_params.get("state")})

    @extend_schema(request=SmallbizContractInputSerializer, responses={201: SmallbizContractSerializer})
    def create(self, request: Request) -> Response:
        data = SmallbizContractInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        region = Region.objects.filter(code=values.pop("street")).first()
        if region is None:
            raise serializers.ValidationError({"street": [_("No region has this division code.")]})
        ids = values.pop("enterprises")
        enterprises = list(selectors.enterprise_list(user=request.user).filter(pk__in=ids))
        if len(enterprises) != len(set(ids)):
            raise serializers.ValidationError({"enterprises": [_("Some of these enterprises are not in your register.")]})
        contract = call(contract_services.contract_create, actor=request.user, region=region, enterprises=enterprises, **values)
        return Response(SmallbizContractSerializer(self.get_queryset().get(pk=contract.pk)).data, status=201)

    @extend_schema(request=None, responses=SmallbizContractSerializer)
    @action(detail=True, methods=["post"])
    def activate(self, request: Request, pk: str | None = None) -> Response:
        call(contract_services.contract_activate, actor=request.user, contract=self.get_object())
        return Response(SmallbizContractSerializer(self.get_object()).data)

    @extend_schema(request=None, responses=SmallbizContractSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk: str | None = None) -> Response:
        call(contract_services.contract_close, actor=request.user, contract=self.get_object())
        return Response(SmallbizContractSerializer(self.get_object()).data)

    @extend_schema(
        request=None,
        responses=inline_serializer(
            "SmallbizPlanReport",
            {
                "status": serializers.ChoiceField(choices=["optimal", "feasible", "infeasible", "empty"]),
                "visits": serializers.IntegerField(help_text="visits planned"),
                "gap": serializers.FloatField(),
                "travel_minutes": serializers.IntegerField(),
                "naive_travel_minutes": serializers.IntegerField(),
                "engineer_days": serializers.IntegerField(),
                "naive_engineer_days": serializers.IntegerField(),
                "seconds": serializers.FloatField(),
                "explanations": serializers.ListField(child=serializers.CharField()),
            },
        ),
    )
    @action(detail=True, methods=["post"])
    def plan(self, request: Request, pk: str | None = None) -> Response:
        """Re-plan the contract's scheduled visits due from today (CP-SAT: engineers' capacity per
        day, travel between villages); the report says how, or why no plan exists."""
        if not planning_services.contract_plan_allowed(request.user):
            raise PermissionDenied
        report = call(planning_services.contract_visits_plan, actor=request.user, contract=self.get_object())
        return Response({**asdict(report), "explanations": list(report.explanations)})


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

"""The register API: small and micro enterprises (with their Excel list in and out), providers and
their performance, and the provider register: qualifications, service areas and engineers
(corrected by PATCH, retired with the day and the reason)."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from safecity.core.ids import id_or_none
from safecity.core.models import Region
from safecity.core.scoping import scoped
from safecity.smallbiz import selectors, selectors_providers
from safecity.smallbiz.api.common import REGION, ScopedViewSet, call, region_param
from safecity.smallbiz.models import ProviderEngineer, Qualification, ServiceArea, ServiceProvider, SmallEnterprise
from safecity.smallbiz.services import registry
from safecity.smallbiz.services import sheet as sheet_services

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

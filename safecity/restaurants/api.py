"""Restaurant gas safety API (issue 15): the restaurant registry (with its survey sheet in and out
and the gas detector), and what the whole API shares (the error mapping, the scoped viewset, the
query parameters); the campaigns, the conversion steps and the progress are ``api_programme.py``.
Thin serializers over ``selectors.py`` and ``services/`` (the core error format).

Refusals: ``duplicate``, ``transition_not_allowed``, ``guard`` (the record does not allow the step
yet: the message says why) and ``conflict`` (``expected`` is not the step the record is at) answer
409; invalid input 400 with its fields; a record outside the caller's reach 404; a visible record
the caller may not change 403.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from safecity.core.api.errors import conflict_caller
from safecity.core.api.fields import IdRelatedField
from safecity.core.choices import OrganisationKind
from safecity.core.ids import id_or_none
from safecity.core.models import Organisation, Region
from safecity.restaurants import selectors
from safecity.restaurants.choices import ConversionAction, ConversionStep, KitchenFuel
from safecity.restaurants.filtersets import RestaurantFilterSet
from safecity.restaurants.models import Conversion, Restaurant
from safecity.restaurants.services import registry as registry_services
from safecity.restaurants.services import sheet as sheet_services
from safecity.restaurants.services.common import RestaurantError
from safecity.restaurants.services.detectors import detector_register
from safecity.telemetry.api import DeviceCredentialsSerializer, DeviceRegisteredSerializer, DeviceSerializer

CONFLICTS = {"duplicate", "transition_not_allowed", "guard", "conflict"}
XLSX = sheet_services.XLSX_CONTENT_TYPE
FILE_PARSERS = [MultiPartParser, FormParser]
STEP_PARSERS = [JSONParser, MultiPartParser, FormParser]
# The URL path of each step's action (``POST /api/restaurants/conversions/{id}/<path>/``).
ACTION_PATHS = {
    ConversionAction.SURVEY: "survey",
    ConversionAction.PLAN: "plan",
    ConversionAction.START: "start",
    ConversionAction.ACCEPT: "accept",
    ConversionAction.APPLY: "subsidy-apply",
    ConversionAction.APPROVE: "subsidy-approve",
    ConversionAction.PAY: "subsidy-pay",
}


call = conflict_caller(RestaurantError, CONFLICTS)


class ScopedViewSet(viewsets.GenericViewSet):
    """A viewset whose rows come from a selector (scoped); an id that is no id is a 404, never a query."""

    lookup_value_regex = r"[0-9]+"

    def get_object(self) -> Any:
        pk = id_or_none(self.kwargs.get("pk"))
        obj = self.get_queryset().filter(pk=pk).first() if pk is not None else None
        if obj is None:
            raise Http404
        return obj


def year_param(request: Request) -> int | None:
    value = (request.query_params.get("year") or "").strip()
    if not value:
        return None
    if not value.isdigit() or not 1900 <= int(value) <= 2100:
        raise serializers.ValidationError({"year": [_("A year is a whole number such as 2025.")]})
    return int(value)


def region_param(request: Request) -> Region | None:
    code = (request.query_params.get("region") or "").strip()
    if not code:
        return None
    region = Region.objects.filter(code=code[:12]).first()
    if region is None:
        raise serializers.ValidationError({"region": [_("No region has this division code.")]})
    return region


YEAR = OpenApiParameter("year", int, description="Acceptances in this year only (by the acceptance date)")
REGION = OpenApiParameter("region", str, description="Division code: the region and everything under it")


# --- restaurants ------------------------------------------------------------------------------


class RestaurantSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="organisation.name", read_only=True)
    credit_code = serializers.CharField(source="organisation.credit_code", read_only=True, allow_null=True)
    street = serializers.CharField(source="organisation.region.code", read_only=True, help_text="division code")
    street_name = serializers.CharField(source="organisation.region.name", read_only=True)
    district = serializers.SerializerMethodField(help_text="division code")
    district_name = serializers.SerializerMethodField()
    address = serializers.CharField(source="organisation.address", read_only=True)
    latitude = serializers.DecimalField(
        source="organisation.latitude", max_digits=9, decimal_places=6, read_only=True, allow_null=True
    )
    longitude = serializers.DecimalField(
        source="organisation.longitude", max_digits=9, decimal_places=6, read_only=True, allow_null=True
    )
    fuel_display = serializers.CharField(source="get_fuel_display", read_only=True)
    supplier_name = serializers.SerializerMethodField()
    conversion = serializers.SerializerMethodField(help_text="The restaurant's conversion in the programme, if any")
    conversion_step = serializers.SerializerMethodField()
    conversion_step_display = serializers.SerializerMethodField()

    class Meta:
        model = Restaurant
        fields = [
            "id", "organisation", "name", "credit_code", "street", "street_name", "district", "district_name", "address",
            "latitude", "longitude", "fuel", "fuel_display", "cylinders_on_site", "cylinders_allowed", "supplier",
            "supplier_name", "conversion", "conversion_step", "conversion_step_display",
        ]  # fmt: skip
        read_only_fields = fields

    @staticmethod
    def _conversion(obj: Restaurant) -> Conversion | None:
        try:
            return obj.conversion
        except Conversion.DoesNotExist:
            return None

    def get_district(self, obj: Restaurant) -> str:
        parent = obj.organisation.region.parent
        return parent.code if parent is not None else ""

    def get_district_name(self, obj: Restaurant) -> str:
        parent = obj.organisation.region.parent
        return parent.name if parent is not None else ""

    def get_supplier_name(self, obj: Restaurant) -> str:
        return obj.supplier.name if obj.supplier is not None else ""

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_conversion(self, obj: Restaurant) -> int | None:
        conversion = self._conversion(obj)
        return conversion.pk if conversion is not None else None

    @extend_schema_field(serializers.ChoiceField(choices=ConversionStep.choices, allow_blank=True))
    def get_conversion_step(self, obj: Restaurant) -> str:
        conversion = self._conversion(obj)
        return conversion.step if conversion is not None else ""

    def get_conversion_step_display(self, obj: Restaurant) -> str:
        conversion = self._conversion(obj)
        return conversion.get_step_display() if conversion is not None else ""


def _filling_units() -> Any:
    return Organisation.objects.filter(kind=OrganisationKind.FILLING_UNIT)


class RestaurantInput(serializers.Serializer):
    name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    credit_code = serializers.CharField(max_length=18)
    region = serializers.SlugRelatedField(
        slug_field="code", queryset=Region.objects.all(), help_text="The street's division code"
    )
    address = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    latitude = serializers.DecimalField(max_digits=9, decimal_places=6, required=False, allow_null=True, default=None)
    longitude = serializers.DecimalField(max_digits=9, decimal_places=6, required=False, allow_null=True, default=None)
    fuel = serializers.ChoiceField(choices=KitchenFuel.choices)
    cylinders_on_site = serializers.IntegerField(min_value=0, max_value=registry_services.MAX_CYLINDERS_ON_SITE, default=0)
    cylinders_allowed = serializers.IntegerField(min_value=1, max_value=50, required=False, allow_null=True, default=None)
    supplier = IdRelatedField(queryset=_filling_units(), required=False, allow_null=True, default=None)


class RestaurantUpdateInput(serializers.Serializer):
    """Only the fields sent are changed."""

    fuel = serializers.ChoiceField(choices=KitchenFuel.choices, required=False)
    cylinders_on_site = serializers.IntegerField(min_value=0, max_value=registry_services.MAX_CYLINDERS_ON_SITE, required=False)
    cylinders_allowed = serializers.IntegerField(min_value=1, max_value=50, required=False)
    supplier = IdRelatedField(queryset=_filling_units(), required=False, allow_null=True)
    address = serializers.CharField(max_length=200, required=False, allow_blank=True)
    latitude = serializers.DecimalField(max_digits=9, decimal_places=6, required=False, allow_null=True)
    longitude = serializers.DecimalField(max_digits=9, decimal_places=6, required=False, allow_null=True)


class RestaurantImportInput(serializers.Serializer):
    file = serializers.FileField(help_text="The survey sheet (.xlsx), columns as in GET template/")
    region = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Region.objects.all(),
        required=False,
        allow_null=True,
        default=None,
        help_text="Only restaurants within this region (division code)",
    )


class RestaurantImportResult(serializers.Serializer):
    imported = serializers.IntegerField()
    organisations_created = serializers.IntegerField()
    organisations_reused = serializers.IntegerField()


class RestaurantImportRowError(serializers.Serializer):
    row = serializers.IntegerField(help_text="The row as Excel numbers it; 0 for the file as a whole")
    column = serializers.CharField()
    message = serializers.CharField()


# The core error format plus the sheet's errors (``fields`` and ``errors`` are no names for
# serializer attributes, hence an inline serializer).
RestaurantImportRefused = inline_serializer(
    name="RestaurantImportRefused",
    fields={
        "code": serializers.CharField(),
        "message": serializers.CharField(),
        "fields": serializers.DictField(child=serializers.ListField(child=serializers.CharField())),
        # Absent when the request itself is malformed (no file): then only the core format.
        "errors": RestaurantImportRowError(many=True, required=False),
    },
)


class RestaurantDetectorInput(serializers.Serializer):
    serial = serializers.CharField(max_length=64, help_text="The detector's serial: its MQTT user name")
    name = serializers.CharField(max_length=120, required=False, allow_blank=True, default="")


class RestaurantViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """The restaurant registry within reach; POST registers one, PATCH changes its kitchen."""

    serializer_class = RestaurantSerializer
    filterset_class = RestaurantFilterSet
    # Page numbers (the default), not keyset pages: the registry is ordered by name, a field of
    # the organisation, which a keyset cannot follow; a district's registry stays in the thousands.

    def get_queryset(self) -> Any:
        return selectors.restaurant_list(user=self.request.user).select_related("organisation__region__parent", "conversion")

    def _fresh(self, restaurant: Restaurant) -> Restaurant:
        # Read back through the selector (what the list shows); the written row if out of reach.
        return self.get_queryset().filter(pk=restaurant.pk).first() or restaurant

    @extend_schema(request=RestaurantInput, responses={201: RestaurantSerializer})
    def create(self, request: Request) -> Response:
        body = RestaurantInput(data=request.data)
        body.is_valid(raise_exception=True)
        restaurant = call(registry_services.restaurant_register, actor=request.user, **body.validated_data)
        return Response(RestaurantSerializer(self._fresh(restaurant)).data, status=201)

    @extend_schema(request=RestaurantUpdateInput, responses=RestaurantSerializer)
    def partial_update(self, request: Request, pk: str | None = None) -> Response:
        restaurant = self.get_object()
        body = RestaurantUpdateInput(data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        restaurant = call(registry_services.restaurant_update, actor=request.user, restaurant=restaurant, **body.validated_data)
        return Response(RestaurantSerializer(self._fresh(restaurant)).data)

    @extend_schema(
        request={"multipart/form-data": RestaurantImportInput},
        responses={201: RestaurantImportResult, 400: RestaurantImportRefused},
    )
    @action(detail=False, methods=["post"], url_path="import", parser_classes=FILE_PARSERS, filterset_class=None)
    def import_sheet(self, request: Request) -> Response:
        """Import a district's survey sheet, all rows or none; the errors by row and column."""
        body = RestaurantImportInput(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        try:
            result = call(sheet_services.restaurants_import, actor=request.user, file=data["file"], region=data["region"])
        except sheet_services.RestaurantImportError as refused:
            messages = [str(e) for e in refused.errors]
            return Response(
                {
                    "code": "import_rejected",
                    "message": _("The sheet has errors: nothing was imported."),
                    "fields": {"file": messages},
                    "errors": [{"row": e.row, "column": e.column, "message": e.message} for e in refused.errors],
                },
                status=status.HTTP_400_BAD_REQUEST,
            )
        return Response(
            {
                "imported": result.count,
                "organisations_created": result.organisations_created,
                "organisations_reused": result.organisations_reused,
            },
            status=201,
        )

    @extend_schema(
        parameters=[
            OpenApiParameter("q", str),
            OpenApiParameter("fuel", str, enum=KitchenFuel.values),
            REGION,
            OpenApiParameter("supplier", int),
        ],
        responses={(200, XLSX): OpenApiTypes.BINARY},
    )
    @action(detail=False, methods=["get"], pagination_class=None)
    def export(self, request: Request) -> HttpResponse:
        """The restaurants of the list (with its filters) as the survey sheet (.xlsx)."""
        queryset = self.filter_queryset(self.get_queryset())
        response = HttpResponse(sheet_services.restaurants_export(user=request.user, queryset=queryset), content_type=XLSX)
        response["Content-Disposition"] = 'attachment; filename="restaurants.xlsx"'
        return response

    @extend_schema(responses={(200, XLSX): OpenApiTypes.BINARY})
    @action(detail=False, methods=["get"], pagination_class=None, filterset_class=None)
    def template(self, request: Request) -> HttpResponse:
        """The blank survey sheet to fill in (with an example on its second sheet)."""
        response = HttpResponse(sheet_services.restaurants_import_template(), content_type=XLSX)
        response["Content-Disposition"] = 'attachment; filename="restaurants-template.xlsx"'
        return response

    @extend_schema(request=RestaurantDetectorInput, responses={201: DeviceRegisteredSerializer})
    @action(detail=True, methods=["post"], filterset_class=None)
    def detector(self, request: Request, pk: str | None = None) -> Response:
        """Register the restaurant's combustible-gas detector with automatic shut-off valve; its
        broker credentials are in the answer, once."""
        restaurant = self.get_object()
        body = RestaurantDetectorInput(data=request.data)
        body.is_valid(raise_exception=True)
        device, credentials = call(detector_register, actor=request.user, restaurant=restaurant, **body.validated_data)
        data = {"device": DeviceSerializer(device).data, "credentials": DeviceCredentialsSerializer(credentials).data}
        return Response(data, status=201, headers={"Cache-Control": "no-store"})

"""Restaurant gas safety API (issue 15): the restaurant registry (with its survey sheet in and out
and the gas detector), the conversion campaigns, each restaurant's conversion steps, and the
programme's progress. Thin serializers over ``selectors.py`` and ``services/`` (the core error
format).

Refusals: ``duplicate``, ``transition_not_allowed``, ``guard`` (the record does not allow the step
yet: the message says why) and ``conflict`` (``expected`` is not the step the record is at) answer
409; invalid input 400 with its fields; a record outside the caller's reach 404; a visible record
the caller may not change 403.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import APIException
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from safecity.core.api.fields import IdField, IdRelatedField
from safecity.core.choices import OrganisationKind
from safecity.core.ids import id_or_none
from safecity.core.models import Organisation, Region
from safecity.core.scoping import roles_for
from safecity.restaurants import selectors
from safecity.restaurants.choices import Acceptor, ConversionAction, ConversionStep, ConversionTarget, KitchenFuel
from safecity.restaurants.filtersets import CampaignFilterSet, ConversionFilterSet, RestaurantFilterSet
from safecity.restaurants.models import Campaign, Conversion, ConversionEvent, ConversionEvidence, Restaurant
from safecity.restaurants.services import conversion as conversion_services
from safecity.restaurants.services import registry as registry_services
from safecity.restaurants.services import sheet as sheet_services
from safecity.restaurants.services.common import RestaurantError
from safecity.restaurants.services.detectors import detector_register
from safecity.restaurants.transitions import offered
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


class RestaurantConflict(APIException):
    status_code = status.HTTP_409_CONFLICT

    def __init__(self, error: RestaurantError) -> None:
        super().__init__(detail=" ".join(error.messages), code=error.error_code)


def call(fn: Callable[..., Any], **kwargs: Any) -> Any:
    """Call a service; its refusals that are conflicts with the record's state answer 409 (the
    others are ValidationErrors: 400 with their fields, by the core error handler)."""
    try:
        return fn(**kwargs)
    except RestaurantError as error:
        if error.error_code in CONFLICTS:
            raise RestaurantConflict(error) from None
        raise


class ScopedViewSet(viewsets.GenericViewSet):
    """A viewset whose rows come from a selector (scoped); an id that is no id is a 404, never a query."""

    lookup_value_regex = r"[0-9]+"

    def get_object(self) -> Any:
        pk = id_or_none(self.kwargs.get("pk"))
        obj = self.get_queryset().filter(pk=pk).first() if pk is not None else None
        if obj is None:
            raise Http404
        return obj


def _year(request: Request) -> int | None:
    value = (request.query_params.get("year") or "").strip()
    if not value:
        return None
    if not value.isdigit() or not 1900 <= int(value) <= 2100:
        raise serializers.ValidationError({"year": [_("A year is a whole number such as 2025.")]})
    return int(value)


def _region(request: Request) -> Region | None:
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


# --- campaigns --------------------------------------------------------------------------------


class GasCampaignSerializer(serializers.ModelSerializer):
    region = serializers.CharField(source="region.code", read_only=True, help_text="division code")
    region_name = serializers.CharField(source="region.name", read_only=True)
    restaurants = serializers.IntegerField(read_only=True, source="restaurant_count", default=0, help_text="restaurants listed")

    class Meta:
        model = Campaign
        fields = [
            "id", "name", "region", "region_name", "deadline", "subsidy_rate", "subsidy_cap", "description", "restaurants",
        ]  # fmt: skip
        read_only_fields = fields


class GasCampaignInput(serializers.Serializer):
    name = serializers.CharField(max_length=120)
    region = serializers.SlugRelatedField(slug_field="code", queryset=Region.objects.all(), help_text="division code")
    deadline = serializers.DateField()
    subsidy_cap = serializers.DecimalField(max_digits=10, decimal_places=2, min_value=0, help_text="yuan per restaurant")
    subsidy_rate = serializers.DecimalField(
        max_digits=3, decimal_places=2, min_value=0, max_value=1, required=False, help_text="share of the cost, e.g. 0.30"
    )
    description = serializers.CharField(required=False, allow_blank=True, default="")


class GasCampaignRestaurantsInput(serializers.Serializer):
    restaurants = serializers.ListField(child=IdField(), allow_empty=False, max_length=1000)


class ConversionSerializer(serializers.ModelSerializer):
    campaign_name = serializers.CharField(source="campaign.name", read_only=True)
    restaurant_name = serializers.CharField(source="restaurant.organisation.name", read_only=True)
    credit_code = serializers.CharField(source="restaurant.organisation.credit_code", read_only=True, allow_null=True)
    street = serializers.CharField(source="restaurant.organisation.region.code", read_only=True)
    street_name = serializers.CharField(source="restaurant.organisation.region.name", read_only=True)
    district_name = serializers.SerializerMethodField()
    step_display = serializers.CharField(source="get_step_display", read_only=True)
    # Blank until the plan / the acceptance: the schema says so (the model's choices do not).
    target = serializers.ChoiceField(choices=ConversionTarget.choices, allow_blank=True, read_only=True)
    acceptor = serializers.ChoiceField(choices=Acceptor.choices, allow_blank=True, read_only=True)
    target_display = serializers.CharField(source="get_target_display", read_only=True)
    acceptor_display = serializers.CharField(source="get_acceptor_display", read_only=True)
    subsidy_limit = serializers.SerializerMethodField(help_text="The most the programme pays (yuan), once the cost is known")

    class Meta:
        model = Conversion
        fields = [
            "id", "campaign", "campaign_name", "restaurant", "restaurant_name", "credit_code", "street", "street_name",
            "district_name", "step", "step_display", "surveyed_on", "appliances", "pipe_feasible", "electric_feasible",
            "willing", "survey_note", "target", "target_display", "infeasible_reason", "planned_on",
            "construction_started_on", "accepted_on", "acceptor", "acceptor_display", "acceptor_name", "cost",
            "subsidy_limit", "subsidy_amount", "subsidy_applied_on", "subsidy_approved_on", "subsidy_paid_on",
        ]  # fmt: skip
        read_only_fields = fields

    def get_district_name(self, obj: Conversion) -> str:
        parent = obj.restaurant.organisation.region.parent
        return parent.name if parent is not None else ""

    @extend_schema_field(serializers.DecimalField(max_digits=10, decimal_places=2, allow_null=True))
    def get_subsidy_limit(self, obj: Conversion) -> str | None:
        if obj.cost is None:
            return None
        return f"{conversion_services.subsidy_limit(obj):.2f}"


class ConversionEventSerializer(serializers.ModelSerializer):
    action_display = serializers.CharField(source="get_action_display", read_only=True)

    class Meta:
        model = ConversionEvent
        fields = ["id", "action", "action_display", "from_step", "to_step", "actor_label", "at", "comment"]
        read_only_fields = fields


class ConversionEvidenceSerializer(serializers.ModelSerializer):
    # A plain string, not an enum: the hazards' evidence has a ``stage`` of other choices, and
    # one field name with two choice sets is a collision in the schema's enum names.
    stage = serializers.CharField(read_only=True, help_text="The step it documents: survey, accept, apply or pay")
    stage_display = serializers.CharField(source="get_stage_display", read_only=True)
    name = serializers.CharField(source="filename", read_only=True)

    class Meta:
        model = ConversionEvidence
        fields = ["id", "stage", "stage_display", "name", "content_type", "size"]
        read_only_fields = fields


class ConversionOfferedActionSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=ConversionAction.choices)
    action_display = serializers.CharField()
    path = serializers.CharField(help_text="POST /api/restaurants/conversions/{id}/<path>/")


class ConversionDetailSerializer(ConversionSerializer):
    events = ConversionEventSerializer(many=True, read_only=True)
    evidence = ConversionEvidenceSerializer(many=True, read_only=True)
    offered_actions = serializers.SerializerMethodField(help_text="The steps the caller may take now")

    class Meta(ConversionSerializer.Meta):
        fields = [*ConversionSerializer.Meta.fields, "events", "evidence", "offered_actions"]
        read_only_fields = fields

    @extend_schema_field(ConversionOfferedActionSerializer(many=True))
    def get_offered_actions(self, obj: Conversion) -> list[dict[str, str]]:
        request = self.context.get("request")
        if request is None:
            return []
        roles = roles_for(request.user, obj)
        return [
            {
                "action": t.action,
                "action_display": str(ConversionAction(t.action).label),
                "path": ACTION_PATHS[ConversionAction(t.action)],
            }
            for t in offered(obj, roles)
        ]


EXPECTED_HELP = "The step the record is at now; another step answers 409 (someone else was quicker)"


def _expected() -> serializers.ChoiceField:
    return serializers.ChoiceField(
        choices=ConversionStep.choices, required=False, allow_null=True, default=None, help_text=EXPECTED_HELP
    )


def _evidence(required: bool = False) -> serializers.ListField:
    return serializers.ListField(
        child=serializers.FileField(),
        required=required,
        allow_empty=not required,
        default=list if not required else serializers.empty,
        max_length=20,
        help_text="Photos (JPEG, PNG) or PDF documents (multipart)",
    )


class ConversionSurveyInput(serializers.Serializer):
    surveyed_on = serializers.DateField(required=False, allow_null=True, default=None, help_text="Default today")
    appliances = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    pipe_feasible = serializers.BooleanField()
    electric_feasible = serializers.BooleanField()
    willing = serializers.BooleanField()
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    evidence = _evidence()
    expected = _expected()


class ConversionPlanInput(serializers.Serializer):
    target = serializers.ChoiceField(choices=ConversionTarget.choices)
    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    planned_on = serializers.DateField(required=False, allow_null=True, default=None)
    expected = _expected()


class ConversionStartInput(serializers.Serializer):
    started_on = serializers.DateField(required=False, allow_null=True, default=None)
    expected = _expected()


class ConversionAcceptInput(serializers.Serializer):
    acceptor = serializers.ChoiceField(choices=Acceptor.choices)
    acceptor_name = serializers.CharField(max_length=120)
    cost = serializers.DecimalField(max_digits=10, decimal_places=2, min_value=0, help_text="yuan")
    accepted_on = serializers.DateField(required=False, allow_null=True, default=None)
    evidence = _evidence(required=True)
    expected = _expected()


class ConversionSubsidyApplyInput(serializers.Serializer):
    amount = serializers.DecimalField(max_digits=10, decimal_places=2, min_value=0, help_text="yuan")
    applied_on = serializers.DateField(required=False, allow_null=True, default=None)
    evidence = _evidence()
    expected = _expected()


class ConversionSubsidyApproveInput(serializers.Serializer):
    amount = serializers.DecimalField(
        max_digits=10, decimal_places=2, min_value=0, required=False, allow_null=True, default=None,
        help_text="yuan; the amount applied for when left out",
    )  # fmt: skip
    approved_on = serializers.DateField(required=False, allow_null=True, default=None)
    comment = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    expected = _expected()


class ConversionSubsidyPayInput(serializers.Serializer):
    paid_on = serializers.DateField(required=False, allow_null=True, default=None)
    evidence = _evidence()
    expected = _expected()


class ConversionProgressRowSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="division code (empty for the total)")
    name = serializers.CharField()
    district_code = serializers.CharField()
    district_name = serializers.CharField()
    restaurants = serializers.IntegerField(help_text="registered restaurants")
    on_bottled_lpg = serializers.IntegerField(help_text="restaurants still cooking with LPG cylinders")
    in_programme = serializers.IntegerField()
    surveyed = serializers.IntegerField()
    planned_pipe = serializers.IntegerField()
    planned_electric = serializers.IntegerField()
    safety_devices = serializers.IntegerField(help_text="on the safety-device track (cannot convert)")
    converted_pipe = serializers.IntegerField()
    converted_electric = serializers.IntegerField()
    converted = serializers.IntegerField()
    percent_converted = serializers.DecimalField(max_digits=4, decimal_places=1, allow_null=True)
    subsidy_paid = serializers.DecimalField(max_digits=14, decimal_places=2, help_text="yuan")


class ConversionProgressSerializer(serializers.Serializer):
    year = serializers.IntegerField(allow_null=True)
    streets = ConversionProgressRowSerializer(many=True)
    districts = ConversionProgressRowSerializer(many=True)
    total = ConversionProgressRowSerializer()


class GasCampaignViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """The conversion campaigns within reach; POST opens one; its restaurants are listed with a POST."""

    serializer_class = GasCampaignSerializer
    filterset_class = CampaignFilterSet

    def get_queryset(self) -> Any:
        from django.db.models import Count

        return selectors.campaign_list(user=self.request.user).annotate(restaurant_count=Count("conversions"))

    @extend_schema(request=GasCampaignInput, responses={201: GasCampaignSerializer})
    def create(self, request: Request) -> Response:
        body = GasCampaignInput(data=request.data)
        body.is_valid(raise_exception=True)
        campaign = call(conversion_services.campaign_create, actor=request.user, **body.validated_data)
        campaign = self.get_queryset().filter(pk=campaign.pk).first() or campaign
        return Response(GasCampaignSerializer(campaign).data, status=201)

    @extend_schema(request=GasCampaignRestaurantsInput, responses={201: ConversionSerializer(many=True)})
    @action(detail=True, methods=["post"], filterset_class=None)
    def restaurants(self, request: Request, pk: str | None = None) -> Response:
        """Put restaurants (ids) on the campaign's list, all or none."""
        campaign = self.get_object()
        body = GasCampaignRestaurantsInput(data=request.data)
        body.is_valid(raise_exception=True)
        ids = list(dict.fromkeys(body.validated_data["restaurants"]))
        found = {r.pk: r for r in selectors.restaurant_list(user=request.user).filter(pk__in=ids)}
        missing = [pk for pk in ids if pk not in found]
        if missing:
            raise serializers.ValidationError(
                {"restaurants": [_("No restaurant with id %(id)s within your reach.") % {"id": pk} for pk in missing]}
            )
        made = call(
            conversion_services.campaign_add_restaurants,
            actor=request.user,
            campaign=campaign,
            restaurants=[found[pk] for pk in ids],
        )
        rows = selectors.conversion_list(user=request.user).filter(pk__in=[c.pk for c in made])
        return Response(ConversionSerializer(rows, many=True).data, status=201)

    @extend_schema(parameters=[YEAR], responses=ConversionProgressSerializer)
    @action(detail=True, methods=["get"], pagination_class=None, filterset_class=None)
    def progress(self, request: Request, pk: str | None = None) -> Response:
        """The campaign's progress street by street (its restaurants only)."""
        campaign = self.get_object()
        figures = selectors.progress(user=request.user, year=_year(request), campaign=campaign)
        return Response(ConversionProgressSerializer(figures).data)


# --- conversions ------------------------------------------------------------------------------


class ConversionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """The restaurants' conversions within reach; each step is a POST on the conversion (with
    ``expected``, the step the client saw, for optimistic concurrency)."""

    serializer_class = ConversionSerializer
    filterset_class = ConversionFilterSet
    # Page numbers (the default): ordered by campaign and restaurant name, as the registry is.

    def get_queryset(self) -> Any:
        return selectors.conversion_list(user=self.request.user)

    def get_serializer_class(self) -> Any:
        return ConversionSerializer if self.action == "list" else ConversionDetailSerializer

    def _detail(self, request: Request, pk: int) -> Response:
        conversion = self.get_queryset().prefetch_related("events", "evidence").filter(pk=pk).first()
        if conversion is None:  # a step the caller took left it out of their reach
            raise Http404
        return Response(ConversionDetailSerializer(conversion, context={"request": request}).data)

    def retrieve(self, request: Request, pk: str | None = None) -> Response:
        return self._detail(request, self.get_object().pk)

    def _step(self, request: Request, fn: Callable[..., Any], input_class: type[serializers.Serializer]) -> Response:
        conversion = self.get_object()
        body = input_class(data=request.data)
        body.is_valid(raise_exception=True)
        call(fn, actor=request.user, conversion=conversion, **body.validated_data)
        return self._detail(request, conversion.pk)

    @extend_schema(request=ConversionSurveyInput, responses=ConversionDetailSerializer)
    @action(detail=True, methods=["post"], parser_classes=STEP_PARSERS, filterset_class=None)
    def survey(self, request: Request, pk: str | None = None) -> Response:
        """Record the survey (一户一表): appliances, what is feasible, whether it is willing."""
        return self._step(request, conversion_services.conversion_survey, ConversionSurveyInput)

    @extend_schema(request=ConversionPlanInput, responses=ConversionDetailSerializer)
    @action(detail=True, methods=["post"], parser_classes=STEP_PARSERS, filterset_class=None)
    def plan(self, request: Request, pk: str | None = None) -> Response:
        """Decide: to piped gas, to electric, or neither (with the reason: the safety-device track)."""
        return self._step(request, conversion_services.conversion_plan, ConversionPlanInput)

    @extend_schema(request=ConversionStartInput, responses=ConversionDetailSerializer)
    @action(detail=True, methods=["post"], parser_classes=STEP_PARSERS, filterset_class=None)
    def start(self, request: Request, pk: str | None = None) -> Response:
        """Construction starts."""
        return self._step(request, conversion_services.conversion_start, ConversionStartInput)

    @extend_schema(request={"multipart/form-data": ConversionAcceptInput}, responses=ConversionDetailSerializer)
    @action(detail=True, methods=["post"], parser_classes=FILE_PARSERS, filterset_class=None)
    def accept(self, request: Request, pk: str | None = None) -> Response:
        """Record the acceptance with its certificate or photos (multipart; at least one file)."""
        return self._step(request, conversion_services.conversion_accept, ConversionAcceptInput)

    @extend_schema(request=ConversionSubsidyApplyInput, responses=ConversionDetailSerializer)
    @action(detail=True, methods=["post"], parser_classes=STEP_PARSERS, url_path="subsidy-apply", filterset_class=None)
    def subsidy_apply(self, request: Request, pk: str | None = None) -> Response:
        """Apply for the subsidy: at most the campaign's share of the cost and its cap."""
        return self._step(request, conversion_services.conversion_subsidy_apply, ConversionSubsidyApplyInput)

    @extend_schema(request=ConversionSubsidyApproveInput, responses=ConversionDetailSerializer)
    @action(detail=True, methods=["post"], parser_classes=STEP_PARSERS, url_path="subsidy-approve", filterset_class=None)
    def subsidy_approve(self, request: Request, pk: str | None = None) -> Response:
        """Approve the subsidy, as applied for or for less."""
        return self._step(request, conversion_services.conversion_subsidy_approve, ConversionSubsidyApproveInput)

    @extend_schema(request=ConversionSubsidyPayInput, responses=ConversionDetailSerializer)
    @action(detail=True, methods=["post"], parser_classes=STEP_PARSERS, url_path="subsidy-pay", filterset_class=None)
    def subsidy_pay(self, request: Request, pk: str | None = None) -> Response:
        """Record that the approved subsidy was paid."""
        return self._step(request, conversion_services.conversion_subsidy_pay, ConversionSubsidyPayInput)


class ConversionProgressView(APIView):
    """The programme's progress within reach, per street and per district (``?region=``, ``?year=``)."""

    @extend_schema(parameters=[REGION, YEAR], responses=ConversionProgressSerializer)
    def get(self, request: Request) -> Response:
        figures = selectors.progress(user=request.user, region=_region(request), year=_year(request))
        return Response(ConversionProgressSerializer(figures).data)

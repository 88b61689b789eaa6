"""Factory-within-a-factory register API (厂中厂, issue 17 part 1): parks (site plan, shapes,
buildings, the tenant list in Excel), tenants (register, correct, leave), safety-management
agreements, the landlord's inspections with the checklist, trainings and drills, the register's
own findings, and the district's campaign figures. Thin serializers over ``selectors.py`` and
``services/`` (the core error format).

Who: what core scoping gives (``models.PARK_SCOPE``, ``TENANT_SCOPE``): the district and the city
every park in their jurisdiction, the landlord's people their parks and tenants, a tenant's people
their own tenant record, agreements and inspections. Writes are checked by the services against the
park: a tenant's people read, never write (403).

Refusals: ``duplicate`` (a unified number or an enterprise already in the park) and ``left`` (the
tenant has left) answer 409; invalid input 400 with its fields (an import: 400 with ``rows``, the
table of row/column/problem); an id out of the caller's reach answers as one that does not exist
(404 in a path, 400 in a body); a visible record the caller may not change 403.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field, inline_serializer
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from safecity.core.api.errors import conflict_caller
from safecity.core.api.fields import IdField, IdRelatedField
from safecity.core.ids import id_or_none
from safecity.core.models import Organisation
from safecity.core.scoping import scoped
from safecity.hazards.choices import HazardType
from safecity.parks import selectors, services
from safecity.parks.choices import AgreementState, ParkFindingKind, ShapeKind, TrainingKind
from safecity.parks.models import (
    Building,
    InspectionFinding,
    Park,
    ParkFinding,
    SafetyAgreement,
    SiteShape,
    Tenant,
    TenantInspection,
    Training,
    TrainingAttendance,
)
from safecity.parks.rules import checklist
from safecity.parks.services.common import ParksError
from safecity.parks.services.findings import TenantStatus

CONFLICTS = {"duplicate", "left"}
INT_MAX = 2**31 - 1  # PositiveIntegerField on PostgreSQL

call = conflict_caller(ParksError, CONFLICTS)


# --- shared ----------------------------------------------------------------------------------


class ReachIdField(IdRelatedField):
    """An id of a row the caller reaches: the view's serializer narrows ``queryset`` per request
    (:func:`_within_reach`); an id out of reach and one that does not exist get the same answer."""

    default_error_messages = {"does_not_exist": gettext_lazy("Nothing with this id is within your reach.")}


def _within_reach(serializer: serializers.Serializer, **querysets: Any) -> None:
    """Narrow the id fields named to what the caller reaches (core scoping); nothing without a request."""
    request = serializer.context.get("request")
    for name, make in querysets.items():
        field = serializer.fields.get(name)
        if field is None:
            continue
        target: Any = getattr(field, "child_relation", field)
        target.queryset = make(request.user) if request is not None else target.queryset.none()


class FiniteFloatField(serializers.FloatField):
    """A float that is a number (never NaN or infinity, which no JSON column stores)."""

    def to_internal_value(self, data: Any) -> float:
        if isinstance(data, bool):
            self.fail("invalid")
        value = super().to_internal_value(data)
        if not math.isfinite(value):
            self.fail("invalid")
        return value


def id_param(request: Request, name: str) -> int | None:
    """An id from the query string (``?park=12``); a malformed one is a 400, never a query."""
    raw = (request.query_params.get(name) or "").strip()
    if not raw:
        return None
    pk = id_or_none(raw)
    if pk is None:
        raise serializers.ValidationError({name: [_("A valid id (a whole number) is required.")]})
    return pk


def bool_param(request: Request, name: str, default: bool | None) -> bool | None:
    raw = (request.query_params.get(name) or "").strip().lower()
    if not raw:
        return default
    if raw in ("true", "1", "yes"):
        return True
    if raw in ("false", "0", "no"):
        return False
    raise serializers.ValidationError({name: [_("Write true or false.")]})


class ParksViewSet(viewsets.GenericViewSet):
    """Numeric ids in paths; a row out of reach is a 404 (the selector's ``*_get``)."""

    lookup_value_regex = r"[0-9]+"

    def get_object(self) -> Any:
        pk = id_or_none(self.kwargs.get("pk"))
        obj = self.get_queryset().filter(pk=pk).first() if pk is not None else None
        if obj is None:
            from django.http import Http404

            raise Http404
        return obj


PARK = OpenApiParameter("park", OpenApiTypes.INT64, description="a park's id: its rows only")
TENANT = OpenApiParameter("tenant", OpenApiTypes.INT64, description="a tenant's id: its rows only")


# --- parks -----------------------------------------------------------------------------------


class ParkSerializer(serializers.ModelSerializer):
    landlord_name = serializers.CharField(source="landlord.name", read_only=True)
    region = serializers.CharField(source="landlord.region.code", read_only=True, help_text="the landlord's division code")
    region_name = serializers.CharField(source="landlord.region.name", read_only=True)
    tenants_in = serializers.IntegerField(read_only=True, help_text="tenants in the park now")
    site_plan_url = serializers.SerializerMethodField()

    class Meta:
        model = Park
        fields = [
            "id", "name", "landlord", "landlord_name", "region", "region_name", "address", "latitude", "longitude",
            "number_prefix", "inspection_interval_days", "gate_notice", "site_plan_url", "site_plan_width",
            "site_plan_height", "tenants_in", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = fields

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_site_plan_url(self, obj: Park) -> str | None:
        return reverse("parks:site_plan_image", args=[obj.pk]) if obj.site_plan else None


class ParkBuildingSerializer(serializers.ModelSerializer):
    tenants_in = serializers.IntegerField(read_only=True, required=False)

    class Meta:
        model = Building
        fields = ["id", "park", "name", "floors", "area_m2", "tenants_in"]
        read_only_fields = fields


class ParkDetailSerializer(ParkSerializer):
    may_manage = serializers.SerializerMethodField(help_text="the caller may write this park's register")
    buildings = serializers.SerializerMethodField()

    class Meta(ParkSerializer.Meta):
        fields = [*ParkSerializer.Meta.fields, "may_manage", "buildings"]
        read_only_fields = fields

    def get_may_manage(self, obj: Park) -> bool:
        return selectors.may_manage(self.context["request"].user, obj)

    @extend_schema_field(ParkBuildingSerializer(many=True))
    def get_buildings(self, obj: Park) -> Any:
        user = self.context["request"].user
        return ParkBuildingSerializer(selectors.buildings(user=user, park=obj), many=True).data


class ParkFieldsInput(serializers.Serializer):
    name = serializers.CharField(max_length=120)
    address = serializers.CharField(max_length=200, required=False, allow_blank=True)
    latitude = serializers.DecimalField(
        max_digits=9, decimal_places=6, min_value=-90, max_value=90, required=False, allow_null=True
    )
    longitude = serializers.DecimalField(
        max_digits=9, decimal_places=6, min_value=-180, max_value=180, required=False, allow_null=True
    )
    number_prefix = serializers.CharField(max_length=12, required=False, allow_blank=True)
    inspection_interval_days = serializers.IntegerField(
        min_value=1, max_value=366, required=False, allow_null=True,
        help_text="how often the landlord inspects each tenant; empty only if it inspects none",
    )  # fmt: skip
    gate_notice = serializers.CharField(max_length=20000, required=False, allow_blank=True)


class ParkCreateInput(ParkFieldsInput):
    landlord = ReachIdField(queryset=Organisation.objects.all(), help_text="the landlord enterprise, within reach")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _within_reach(self, landlord=lambda user: scoped(Organisation, user))


class ParkUpdateInput(ParkFieldsInput):
    name = serializers.CharField(max_length=120, required=False)


class ParkSitePlanInput(serializers.Serializer):
    file = serializers.FileField(help_text="an image (PNG, JPEG) or a PDF, at most 10 MB")
    page = serializers.IntegerField(min_value=1, max_value=9999, default=1, help_text="the PDF's page (from 1)")


class ParkShapeSerializer(serializers.ModelSerializer):
    kind = serializers.ChoiceField(choices=ShapeKind.choices, read_only=True)
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    tenant_number = serializers.SerializerMethodField()
    points = serializers.ListField(
        child=serializers.ListField(child=serializers.FloatField()), read_only=True, help_text="[[x, y], ...] in plan pixels"
    )

    class Meta:
        model = SiteShape
        fields = ["id", "park", "kind", "kind_display", "label", "points", "tenant", "tenant_number"]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_tenant_number(self, obj: SiteShape) -> str | None:
        # The park is the shape's own (select_related): no query per row.
        return f"{obj.park.number_prefix}{obj.tenant.unified_number}" if obj.tenant is not None else None


class ParkShapeInput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=ShapeKind.choices)
    points = serializers.ListField(
        child=serializers.ListField(child=FiniteFloatField(), min_length=2, max_length=2),
        min_length=1, max_length=200, help_text="[[x, y], ...] in the site plan's pixels, origin top left",
    )  # fmt: skip
    label = serializers.CharField(  # type: ignore[assignment]
        max_length=60, required=False, allow_blank=True, default=""
    )
    tenant = ReachIdField(
        queryset=Tenant.objects.all(), required=False, allow_null=True, default=None, help_text="a tenant area's tenant"
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _within_reach(self, tenant=lambda user: selectors.tenant_list(user=user))


class ParkBuildingInput(serializers.Serializer):
    name = serializers.CharField(max_length=60)
    floors = serializers.IntegerField(min_value=1, max_value=200, default=1)
    area_m2 = serializers.DecimalField(
        max_digits=10, decimal_places=1, min_value=0, required=False, allow_null=True, default=None
    )


class ParkImportRowSerializer(serializers.Serializer):
    row = serializers.IntegerField()
    column = serializers.CharField()
    problem = serializers.CharField()


IMPORT_ERRORS = inline_serializer(
    "ParkTenantImportErrors",
    {
        "code": serializers.CharField(),
        "message": serializers.CharField(),
        "fields": serializers.DictField(child=serializers.ListField(child=serializers.CharField())),
        "rows": ParkImportRowSerializer(many=True, required=False),
    },
)


# --- tenants ---------------------------------------------------------------------------------


class ParkTenantSerializer(serializers.ModelSerializer):
    """A tenant with where it stands today (its statuses come in the context: two queries a page)."""

    park_name = serializers.CharField(source="park.name", read_only=True)
    full_number = serializers.CharField(read_only=True, help_text="the park's prefix and the unified number")
    name = serializers.CharField(source="organisation.name", read_only=True)
    credit_code = serializers.CharField(source="organisation.credit_code", read_only=True, allow_null=True)
    building_name = serializers.CharField(source="building.name", read_only=True, allow_null=True, default=None)
    in_park = serializers.BooleanField(read_only=True)
    agreement = serializers.SerializerMethodField()
    agreement_display = serializers.SerializerMethodField()
    agreement_until = serializers.SerializerMethodField()
    last_inspected_on = serializers.SerializerMethodField()
    inspection_overdue = serializers.SerializerMethodField()
    three_in_one = serializers.SerializerMethodField()
    notice_url = serializers.SerializerMethodField(help_text="the public safety notice (the nameplate's QR code)")

    class Meta:
        model = Tenant
        fields = [
            "id", "park", "park_name", "unified_number", "full_number", "organisation", "name", "credit_code",
            "business_scope", "building", "building_name", "area_m2", "workers", "dangerous_processes",
            "uses_production", "uses_storage", "uses_living", "entered_on", "left_on", "left_reason", "in_park",
            "safety_notice", "agreement", "agreement_display", "agreement_until", "last_inspected_on",
            "inspection_overdue", "three_in_one", "notice_url",
        ]  # fmt: skip
        read_only_fields = fields

    def _status(self, obj: Tenant) -> TenantStatus:
        statuses = self.context.get("statuses")
        if statuses is None or obj.pk not in statuses:
            statuses = self.context["statuses"] = {**(statuses or {}), **selectors.statuses([obj])}
        return statuses[obj.pk]

    @extend_schema_field(serializers.ChoiceField(choices=AgreementState.choices))
    def get_agreement(self, obj: Tenant) -> str:
        return str(self._status(obj).agreement)

    def get_agreement_display(self, obj: Tenant) -> str:
        return str(AgreementState(self._status(obj).agreement).label)

    @extend_schema_field(serializers.DateField(allow_null=True))
    def get_agreement_until(self, obj: Tenant) -> Any:
        day = self._status(obj).agreement_until
        return day.isoformat() if day else None

    @extend_schema_field(serializers.DateField(allow_null=True))
    def get_last_inspected_on(self, obj: Tenant) -> Any:
        day = self._status(obj).last_inspected_on
        return day.isoformat() if day else None

    def get_inspection_overdue(self, obj: Tenant) -> bool:
        return self._status(obj).inspection_overdue

    def get_three_in_one(self, obj: Tenant) -> bool:
        return self._status(obj).three_in_one

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_notice_url(self, obj: Tenant) -> str | None:
        # A tenant that left has no notice any more (selectors.public_notice).
        return reverse("parks:notice", args=[obj.notice_token]) if obj.left_on is None else None


def tenant_rows(tenants: Iterable[Tenant], request: Request) -> Any:
    tenants = list(tenants)
    context = {"request": request, "statuses": selectors.statuses(tenants)}
    return ParkTenantSerializer(tenants, many=True, context=context).data


class ParkViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ParksViewSet):
    """The parks within reach, with how many tenants are in each; POST registers one, PATCH
    corrects it; the site plan, its shapes, the buildings and the tenant list are actions on it."""

    serializer_class = ParkSerializer

    def get_queryset(self) -> QuerySet[Park]:
        # The count's GROUP BY drops the model's ordering: the pages need one.
        return selectors.park_list(user=self.request.user).order_by("landlord__region__code", "name", "pk")

    def get_object(self) -> Park:
        return selectors.park_get(user=self.request.user, pk=self.kwargs.get("pk"))

    def _detail(self, request: Request, pk: int, status_code: int = 200) -> Response:
        park = selectors.park_get(user=request.user, pk=pk)
        return Response(ParkDetailSerializer(park, context={"request": request}).data, status=status_code)

    @extend_schema(responses=ParkDetailSerializer)
    def retrieve(self, request: Request, pk: str | None = None) -> Response:
        return self._detail(request, self.get_object().pk)

    @extend_schema(request=ParkCreateInput, responses={201: ParkDetailSerializer})
    def create(self, request: Request) -> Response:
        """Register a park of a landlord enterprise within reach."""
        body = ParkCreateInput(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        park = call(services.park_create, actor=request.user, **body.validated_data)
        return self._detail(request, park.pk, 201)

    @extend_schema(request=ParkUpdateInput, responses=ParkDetailSerializer)
    def partial_update(self, request: Request, pk: str | None = None) -> Response:
        """Correct the park's record (only the fields given)."""
        park = self.get_object()
        body = ParkUpdateInput(data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        call(services.park_update, actor=request.user, park=park, **body.validated_data)
        return self._detail(request, park.pk)

    @extend_schema(request={"multipart/form-data": ParkSitePlanInput}, responses=ParkDetailSerializer)
    @action(detail=True, methods=["post"], url_path="site-plan", parser_classes=[MultiPartParser, FormParser])
    def site_plan(self, request: Request, pk: str | None = None) -> Response:
        """Put the site plan: an image, or one page of a PDF; the shapes drawn keep their place."""
        park = self.get_object()
        body = ParkSitePlanInput(data=request.data)
        body.is_valid(raise_exception=True)
        call(services.site_plan_upload, actor=request.user, park=park, **body.validated_data)
        return self._detail(request, park.pk)

    @extend_schema(methods=["GET"], request=None, responses=ParkShapeSerializer(many=True))
    @extend_schema(methods=["POST"], request=ParkShapeInput, responses={201: ParkShapeSerializer})
    @action(detail=True, methods=["get", "post"], pagination_class=None)
    def shapes(self, request: Request, pk: str | None = None) -> Response:
        """The shapes drawn on the site plan; POST draws one (the plan uploaded first)."""
        park = self.get_object()
        if request.method == "GET":
            rows = selectors.shapes(user=request.user, park=park).select_related("park")
            return Response(ParkShapeSerializer(rows, many=True).data)
        body = ParkShapeInput(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        shape = call(services.shape_add, actor=request.user, park=park, **body.validated_data)
        row = selectors.shapes(user=request.user, park=park).select_related("park").get(pk=shape.pk)
        return Response(ParkShapeSerializer(row).data, status=201)

    @extend_schema(methods=["GET"], request=None, responses=ParkBuildingSerializer(many=True))
    @extend_schema(methods=["POST"], request=ParkBuildingInput, responses={201: ParkBuildingSerializer})
    @action(detail=True, methods=["get", "post"], pagination_class=None)
    def buildings(self, request: Request, pk: str | None = None) -> Response:
        """The park's buildings with their tenants; POST adds one."""
        park = self.get_object()
        if request.method == "GET":
            return Response(ParkBuildingSerializer(selectors.buildings(user=request.user, park=park), many=True).data)
        body = ParkBuildingInput(data=request.data)
        body.is_valid(raise_exception=True)
        building = call(services.building_save, actor=request.user, park=park, **body.validated_data)
        row = selectors.buildings(user=request.user, park=park).get(pk=building.pk)
        return Response(ParkBuildingSerializer(row).data, status=201)

    @extend_schema(
        request={"multipart/form-data": inline_serializer("ParkTenantImport", {"file": serializers.FileField()})},
        # The core error format, plus the sheet's rows when the sheet itself is refused.
        responses={201: ParkTenantSerializer(many=True), 400: IMPORT_ERRORS},
    )
    @action(
        detail=True, methods=["post"], url_path="tenants/import", parser_classes=[MultiPartParser, FormParser],
        pagination_class=None,
    )  # fmt: skip
    def tenants_import(self, request: Request, pk: str | None = None) -> Response:
        """Import the park's tenant list (Excel, the columns of the export): all rows or none."""
        park = self.get_object()
        upload = request.data.get("file")
        if not upload or isinstance(upload, str):
            raise serializers.ValidationError({"file": [_("Choose the Excel (.xlsx) file of the tenant list.")]})
        try:
            made = call(services.tenants_import, actor=request.user, park=park, file=upload)
        except services.TenantImportError as error:
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
        tenants = list(selectors.tenant_list(user=request.user).filter(pk__in=[t.pk for t in made]))
        return Response(tenant_rows(tenants, request), status=201)


class ShapeViewSet(mixins.RetrieveModelMixin, mixins.DestroyModelMixin, ParksViewSet):
    """One shape of a site plan; DELETE erases it (those who run the park)."""

    serializer_class = ParkShapeSerializer

    def get_queryset(self) -> QuerySet[SiteShape]:
        return scoped(SiteShape, self.request.user).select_related("park", "tenant")

    def perform_destroy(self, instance: SiteShape) -> None:
        call(services.shape_delete, actor=self.request.user, shape=instance)


class ParkTenantFieldsInput(serializers.Serializer):
    business_scope = serializers.CharField(max_length=300, required=False, allow_blank=True)
    building = ReachIdField(queryset=Building.objects.all(), required=False, allow_null=True, help_text="a building of the park")
    area_m2 = serializers.DecimalField(
        max_digits=10, decimal_places=1, min_value=0, required=False, allow_null=True, help_text="leased area (m²)"
    )
    workers = serializers.IntegerField(min_value=0, max_value=INT_MAX, required=False)
    dangerous_processes = serializers.CharField(max_length=300, required=False, allow_blank=True)
    uses_production = serializers.BooleanField(required=False)
    uses_storage = serializers.BooleanField(required=False)
    uses_living = serializers.BooleanField(required=False, help_text="people live in the premises")
    safety_notice = serializers.CharField(max_length=20000, required=False, allow_blank=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _within_reach(self, building=lambda user: scoped(Building, user))


class ParkTenantRegisterInput(ParkTenantFieldsInput):
    park = ReachIdField(queryset=Park.objects.all(), help_text="a park within reach")
    # Lengths left to the service: it answers in the register's words (GB 32100-2015).
    credit_code = serializers.CharField(max_length=40, help_text="the enterprise's unified social credit code")
    name = serializers.CharField(
        max_length=200, required=False, allow_blank=True, default="",
        help_text="the enterprise's name, to register an enterprise new to the platform",
    )  # fmt: skip
    unified_number = serializers.CharField(max_length=40, help_text="the park's number for the tenant")
    entered_on = serializers.DateField()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _within_reach(self, park=lambda user: selectors.park_list(user=user))


class ParkTenantUpdateInput(ParkTenantFieldsInput):
    unified_number = serializers.CharField(max_length=40, required=False)


class ParkTenantLeaveInput(serializers.Serializer):
    left_on = serializers.DateField(required=False, allow_null=True, default=None, help_text="today when left out")
    reason = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


TENANT_FILTERS = [
    PARK,
    OpenApiParameter("in_park", bool, description="true (default: all): tenants in the park now; false: those that left"),
]


class TenantViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ParksViewSet):
    """The tenants within reach with where each stands today (agreement, last inspection, overdue,
    three-in-one); POST registers one; PATCH corrects it; ``leave`` records that it left."""

    serializer_class = ParkTenantSerializer

    def get_queryset(self) -> QuerySet[Tenant]:
        queryset = selectors.tenant_list(user=self.request.user)
        if self.action != "list":
            return queryset
        park = id_param(self.request, "park")
        if park is not None:
            queryset = queryset.filter(park_id=park)
        in_park = bool_param(self.request, "in_park", None)
        if in_park is not None:
            queryset = queryset.filter(left_on__isnull=in_park)
        return queryset

    def get_object(self) -> Tenant:
        return selectors.tenant_get(user=self.request.user, pk=self.kwargs.get("pk"))

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), "statuses": getattr(self, "_statuses", None)}

    def get_serializer(self, *args: Any, **kwargs: Any) -> Any:
        # The page's statuses at once (two queries), not one tenant at a time.
        if args and kwargs.get("many"):
            args = (list(args[0]), *args[1:])
            self._statuses = selectors.statuses(args[0])
        return super().get_serializer(*args, **kwargs)

    def _detail(self, request: Request, pk: int, status_code: int = 200) -> Response:
        tenant = selectors.tenant_get(user=request.user, pk=pk)
        return Response(tenant_rows([tenant], request)[0], status=status_code)

    @extend_schema(parameters=TENANT_FILTERS)
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    def retrieve(self, request: Request, pk: str | None = None) -> Response:
        return self._detail(request, self.get_object().pk)

    @extend_schema(request=ParkTenantRegisterInput, responses={201: ParkTenantSerializer})
    def create(self, request: Request) -> Response:
        """Register a tenant of a park by its enterprise's credit code (GB 32100-2015)."""
        body = ParkTenantRegisterInput(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        tenant = call(services.tenant_register, actor=request.user, **body.validated_data)
        return self._detail(request, tenant.pk, 201)

    @extend_schema(request=ParkTenantUpdateInput, responses=ParkTenantSerializer)
    def partial_update(self, request: Request, pk: str | None = None) -> Response:
        """Correct the tenant's record (only the fields given); a tenant that left is kept as it was (409)."""
        tenant = self.get_object()
        body = ParkTenantUpdateInput(data=request.data, partial=True, context={"request": request})
        body.is_valid(raise_exception=True)
        call(services.tenant_update, actor=request.user, tenant=tenant, **body.validated_data)
        return self._detail(request, tenant.pk)

    @extend_schema(request=ParkTenantLeaveInput, responses=ParkTenantSerializer)
    @action(detail=True, methods=["post"])
    def leave(self, request: Request, pk: str | None = None) -> Response:
        """Record that the tenant left the park (its history stays; twice is a 409)."""
        tenant = self.get_object()
        body = ParkTenantLeaveInput(data=request.data)
        body.is_valid(raise_exception=True)
        call(services.tenant_leave, actor=request.user, tenant=tenant, **body.validated_data)
        return self._detail(request, tenant.pk)


# --- agreements ------------------------------------------------------------------------------


class ParkAgreementSerializer(serializers.ModelSerializer):
    tenant_name = serializers.CharField(source="tenant.organisation.name", read_only=True)
    document_url = serializers.SerializerMethodField()

    class Meta:
        model = SafetyAgreement
        fields = [
            "id", "tenant", "tenant_name", "signed_on", "valid_from", "valid_until", "in_lease", "landlord_duties",
            "tenant_duties", "document_url", "created_at",
        ]  # fmt: skip
        read_only_fields = fields

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_document_url(self, obj: SafetyAgreement) -> str | None:
        return reverse("parks:agreement_document", args=[obj.pk]) if obj.document else None


class ParkAgreementInput(serializers.Serializer):
    tenant = ReachIdField(queryset=Tenant.objects.all(), help_text="a tenant in the park")
    signed_on = serializers.DateField()
    valid_from = serializers.DateField()
    valid_until = serializers.DateField()
    in_lease = serializers.BooleanField(required=False, default=False, help_text="the duties are set out in the lease")
    landlord_duties = serializers.CharField(max_length=20000)
    tenant_duties = serializers.CharField(max_length=20000)
    document = serializers.FileField(required=False, allow_null=True, default=None, help_text="a PDF or a photo")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _within_reach(self, tenant=lambda user: selectors.tenant_list(user=user))


class AgreementViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ParksViewSet):
    """The safety-management agreements within reach (Safety Production Law art. 49); POST records one."""

    serializer_class = ParkAgreementSerializer
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_queryset(self) -> QuerySet[SafetyAgreement]:
        queryset = scoped(SafetyAgreement, self.request.user).select_related("tenant__organisation")
        tenant = id_param(self.request, "tenant") if self.action == "list" else None
        return queryset.filter(tenant_id=tenant) if tenant is not None else queryset

    def get_object(self) -> SafetyAgreement:
        return selectors.agreement_get(user=self.request.user, pk=self.kwargs.get("pk"))

    @extend_schema(parameters=[TENANT])
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(
        request={"application/json": ParkAgreementInput, "multipart/form-data": ParkAgreementInput},
        responses={201: ParkAgreementSerializer},
    )
    def create(self, request: Request) -> Response:
        """Record a signed agreement with a tenant in the park (the document optional, multipart)."""
        body = ParkAgreementInput(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        agreement = call(services.agreement_record, actor=request.user, **body.validated_data)
        return Response(ParkAgreementSerializer(self.get_queryset().get(pk=agreement.pk)).data, status=201)


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
        _within_reach(self, tenant=lambda user: selectors.tenant_list(user=user))


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
        _within_reach(self, park=lambda user: selectors.park_list(user=user))

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

"""The parks API: parks, the site plan and the shapes drawn on it, the buildings, and the import
of a park's tenant list (Excel)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_field, inline_serializer
from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from safecity.core.models import Organisation
from safecity.core.scoping import scoped
from safecity.parks import selectors, services
from safecity.parks.api.common import (
    FiniteFloatField,
    ParksViewSet,
    ParkTenantSerializer,
    ReachIdField,
    call,
    tenant_rows,
    within_reach,
)
from safecity.parks.choices import ShapeKind
from safecity.parks.models import Building, Park, SiteShape, Tenant

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
        within_reach(self, landlord=lambda user: scoped(Organisation, user))


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
        within_reach(self, tenant=lambda user: selectors.tenant_list(user=user))


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

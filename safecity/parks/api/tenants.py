"""The tenants API: tenants (register, correct, leave) and their safety-management agreements."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from safecity.core.scoping import scoped
from safecity.parks import selectors, services
from safecity.parks.api.common import (
    INT_MAX,
    PARK,
    TENANT,
    ParksViewSet,
    ParkTenantSerializer,
    ReachIdField,
    bool_param,
    call,
    id_param,
    tenant_rows,
    within_reach,
)
from safecity.parks.models import Building, Park, SafetyAgreement, Tenant

# --- tenants ---------------------------------------------------------------------------------


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
        within_reach(self, building=lambda user: scoped(Building, user))


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
        within_reach(self, park=lambda user: selectors.park_list(user=user))


class ParkTenantUpdateInput(ParkTenantFieldsInput):
    unified_number = serializers.CharField(max_length=40, required=False)
    entered_on = serializers.DateField(required=False, help_text="a correction of the day it moved in")


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
        within_reach(self, tenant=lambda user: selectors.tenant_list(user=user))


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

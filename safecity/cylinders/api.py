"""Cylinder API: thin serializers and views over selectors and services (core error format).

Errors are ``{code, message, fields}``: ``unknown_code`` 404, ``bad_signature`` 400,
``statement_mismatch`` 400, ``stale_time`` 400 (a claimed time away from now: only the platform's
historic path records past times), ``out_of_order`` 409, ``duplicate`` 409 (the message names the event
already recorded), ``refused`` 409 (the filling gate said no; the refusal itself is recorded),
``code_in_use`` 409, ``invalid`` 400. Every write takes an ``Idempotency-Key`` header (or an
``idempotency_key`` field); a client holding its own organisation key may send the ``statement``
it signed instead of letting the platform sign with the custodial key.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import APIException, PermissionDenied
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from safecity.core.api.fields import IdField, IdRelatedField
from safecity.core.choices import OrganisationKind
from safecity.core.models import Organisation
from safecity.core.paging import KeysetPagination
from safecity.cylinders import selectors, services
from safecity.cylinders.choices import CylinderState, InspectionResult
from safecity.cylinders.models import Cylinder, CylinderEvent, FillAttempt
from safecity.cylinders.rules import PrefillCheck
from safecity.cylinders.services import CylinderError
from safecity.ledger.services import Statement

STATUS = {
    "unknown_code": status.HTTP_404_NOT_FOUND,
    "bad_signature": status.HTTP_400_BAD_REQUEST,
    "statement_mismatch": status.HTTP_400_BAD_REQUEST,
    "out_of_order": status.HTTP_409_CONFLICT,
    "duplicate": status.HTTP_409_CONFLICT,
    "refused": status.HTTP_409_CONFLICT,
    "code_in_use": status.HTTP_409_CONFLICT,
    "stale_time": status.HTTP_400_BAD_REQUEST,
}
STATEMENT_FIELDS = {"kind", "subject", "body", "organisation_id", "key_id", "signed_at", "idempotency_key", "signature"}
IDEMPOTENCY = OpenApiParameter("Idempotency-Key", OpenApiTypes.STR, OpenApiParameter.HEADER, required=False)


class CylinderApiError(APIException):
    def __init__(self, error: CylinderError) -> None:
        self.status_code = STATUS.get(error.error_code, status.HTTP_400_BAD_REQUEST)
        super().__init__(detail=" ".join(error.messages), code=error.error_code)


def _call(fn: Callable[..., Any], **kwargs: Any) -> Any:
    try:
        return fn(**kwargs)
    except CylinderError as error:
        raise CylinderApiError(error) from None


def _registry_user(request: Request) -> None:
    if not selectors.sees_registry(request.user):
        raise PermissionDenied


# --- output -------------------------------------------------------------------------------------


class CylinderSerializer(serializers.ModelSerializer):
    owner_name = serializers.CharField(source="owner.name", read_only=True)
    state = serializers.CharField(read_only=True)
    medium = serializers.CharField(read_only=True)
    state_display = serializers.CharField(source="get_state_display", read_only=True)
    # "" until the first periodic inspection.
    last_inspection_result = serializers.ChoiceField(choices=InspectionResult.choices, allow_blank=True, read_only=True)

    class Meta:
        model = Cylinder
        fields = [
            "code", "serial_number", "manufacturer", "manufactured_on", "medium", "model_name", "nominal_pressure_mpa",
            "volume_l", "wall_thickness_mm", "product_standard", "owner", "owner_name", "state", "state_display",
            "last_inspected_on", "last_inspection_result", "next_inspection_on", "scrap_on", "scrapped_on", "code_voided",
        ]  # fmt: skip
        read_only_fields = fields


class EventSerializer(serializers.ModelSerializer):
    code = serializers.CharField(source="cylinder.code", read_only=True)
    kind = serializers.CharField(read_only=True)
    to_state = serializers.CharField(read_only=True)
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)

    class Meta:
        model = CylinderEvent
        fields = ["id", "code", "kind", "organisation", "organisation_name", "occurred_at", "from_state", "to_state", "data", "ledger_index", "idempotency_key", "key_id"]  # fmt: skip
        read_only_fields = fields


class AttemptSerializer(serializers.ModelSerializer):
    station_name = serializers.CharField(source="station.name", read_only=True)
    reasons = serializers.ListField(
        source="reason_list", child=serializers.DictField(), read_only=True, help_text="code, params and message (translated)"
    )

    class Meta:
        model = FillAttempt
        fields = ["id", "station", "station_name", "code", "attempted_at", "allowed", "reasons", "ledger_index", "idempotency_key"]  # fmt: skip
        read_only_fields = fields


class PublicEventSerializer(serializers.Serializer):
    kind = serializers.CharField()
    kind_display = serializers.CharField()
    occurred_at = serializers.DateTimeField()
    organisation = serializers.CharField()
    to_state = serializers.CharField()
    data = serializers.DictField()
    ledger_index = serializers.IntegerField()


class PublicRefusalSerializer(serializers.Serializer):
    occurred_at = serializers.DateTimeField()
    station = serializers.CharField()
    reasons = serializers.ListField(child=serializers.CharField())
    reason_codes = serializers.ListField(child=serializers.CharField())
    ledger_index = serializers.IntegerField()


class PublicHistorySerializer(serializers.Serializer):
    code = serializers.CharField()
    state = serializers.CharField()
    medium = serializers.CharField()
    model_name = serializers.CharField()
    owner = serializers.CharField()
    next_inspection_on = serializers.DateField(allow_null=True)
    scrap_on = serializers.DateField(allow_null=True)
    code_voided = serializers.BooleanField()
    events = PublicEventSerializer(many=True)
    refusals = PublicRefusalSerializer(many=True)


# --- input --------------------------------------------------------------------------------------


class KeyedInput(serializers.Serializer):
    idempotency_key = serializers.CharField(required=False, max_length=100, help_text="Or the Idempotency-Key header.")
    occurred_at = serializers.DateTimeField(
        required=False,
        help_text="Default now; with a statement: its signed_at. Must lie within the skew window of now (stale_time otherwise).",
    )
    statement = serializers.JSONField(required=False, help_text="A statement signed with the organisation's own key.")

    def validate_statement(self, value: Any) -> Statement:
        if not isinstance(value, dict) or set(value) != STATEMENT_FIELDS:
            raise serializers.ValidationError(
                _("A statement has exactly the fields: %(fields)s.") % {"fields": ", ".join(sorted(STATEMENT_FIELDS))}
            )
        return Statement(**value)


class RegisterInput(KeyedInput):
    code = serializers.CharField(max_length=32)
    serial_number = serializers.CharField(max_length=40)
    manufacturer = serializers.CharField(max_length=120)
    manufactured_on = serializers.DateField()
    medium = serializers.CharField(max_length=20, default="lpg", help_text="lpg, oxygen, nitrogen, argon, ...")
    model_name = serializers.CharField(max_length=40, required=False, default="")
    nominal_pressure_mpa = serializers.DecimalField(max_digits=6, decimal_places=2)
    volume_l = serializers.DecimalField(max_digits=7, decimal_places=1)
    wall_thickness_mm = serializers.DecimalField(max_digits=5, decimal_places=2)
    product_standard = serializers.CharField(max_length=40, default="GB 5842")
    owner = IdRelatedField(queryset=Organisation.objects.filter(kind=OrganisationKind.FILLING_UNIT))


class CodeInput(KeyedInput):
    code = serializers.CharField(max_length=64)


class PreCheckInput(serializers.Serializer):
    marks_legible = serializers.BooleanField(default=True)
    accessories_ok = serializers.BooleanField(default=True)
    appearance_ok = serializers.BooleanField(default=True)


class FillInput(CodeInput):
    net_kg = serializers.DecimalField(max_digits=6, decimal_places=1)
    pre_check = PreCheckInput()
    leak_free = serializers.BooleanField(default=True)


class DispatchInput(CodeInput):
    waybill = serializers.CharField(max_length=40, required=False, default="", allow_blank=True)


class DeliverInput(CodeInput):
    recipient_kind = serializers.CharField(max_length=20, help_text="restaurant or household")
    recipient_organisation = IdRelatedField(
        queryset=Organisation.objects.filter(kind=OrganisationKind.ENTERPRISE), required=False, allow_null=True
    )
    household_name = serializers.CharField(max_length=60, required=False, default="", allow_blank=True)
    household_address = serializers.CharField(max_length=120, required=False, default="", allow_blank=True)
    recipient_ref = serializers.CharField(max_length=64, required=False, default="", allow_blank=True)


class ReturnInput(CodeInput):
    residual_kg = serializers.DecimalField(max_digits=5, decimal_places=1, required=False, allow_null=True)


class InspectInput(CodeInput):
    result = serializers.CharField(max_length=10, help_text="pass or fail")
    report_number = serializers.CharField(max_length=40)
    defects = serializers.ListField(child=serializers.CharField(max_length=200), required=False, default=list)


class RepairInput(CodeInput):
    work = serializers.CharField(max_length=200)


class ScrapInput(CodeInput):
    reason = serializers.CharField(max_length=200)


class GateInput(serializers.Serializer):
    code = serializers.CharField(max_length=64)
    pre_check = PreCheckInput(required=False)
    idempotency_key = serializers.CharField(required=False, max_length=100)


class GateOutput(serializers.Serializer):
    allowed = serializers.BooleanField()
    reasons = serializers.ListField(child=serializers.DictField())
    attempt = serializers.IntegerField()
    ledger_index = serializers.IntegerField(allow_null=True)


def _keyed(request: Request, data: dict[str, Any]) -> dict[str, Any]:
    """Idempotency key and event time, from the header, the field or the pre-signed statement."""
    statement: Statement | None = data.pop("statement", None)
    key = (
        request.headers.get("Idempotency-Key")
        or data.pop("idempotency_key", "")
        or (statement.idempotency_key if statement else "")
    )
    data.pop("idempotency_key", None)
    if statement is not None:
        try:
            data["occurred_at"] = datetime.fromisoformat(str(statement.signed_at).replace("Z", "+00:00"))
        except ValueError:
            raise CylinderApiError(
                CylinderError(_("The signing time must be RFC 3339 UTC ending in Z."), code="invalid")
            ) from None
    return {**data, "idempotency_key": key, "presigned": statement}


# --- views ------------------------------------------------------------------------------------


class CylinderQuery(serializers.Serializer):
    """The filters of the registry list (a malformed value is a 400 naming it)."""

    q = serializers.CharField(required=False, allow_blank=True, max_length=64, help_text="code or serial number")
    state = serializers.ChoiceField(choices=CylinderState.choices, required=False)
    owner = IdField(required=False, help_text="filling unit id")
    inspection = serializers.ChoiceField(choices=["overdue", "due_soon", "past_scrap_age"], required=False)


class CylinderViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The registry (scoped); ``POST`` registers a cylinder; ``/{code}/`` its facts and events."""

    serializer_class = CylinderSerializer
    lookup_field = "code"
    lookup_value_regex = "[^/]+"

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):
            return Cylinder.objects.none()
        _registry_user(self.request)
        query = CylinderQuery(data=self.request.query_params.dict() if self.action == "list" else {})
        query.is_valid(raise_exception=True)
        return selectors.cylinder_list(user=self.request.user, filters=dict(query.validated_data))

    @extend_schema(parameters=[CylinderQuery])
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(responses=CylinderSerializer)
    def retrieve(self, request: Request, code: str | None = None) -> Response:
        cylinder, _full = selectors.cylinder_scan(user=request.user, code=code or "")
        return Response(CylinderSerializer(cylinder).data)

    @extend_schema(request=RegisterInput, responses={201: CylinderSerializer}, parameters=[IDEMPOTENCY])
    def create(self, request: Request) -> Response:
        data = RegisterInput(data=request.data)
        data.is_valid(raise_exception=True)
        cylinder = _call(services.cylinder_register, actor=request.user, **_keyed(request, dict(data.validated_data)))
        return Response(CylinderSerializer(cylinder).data, status=201)

    @extend_schema(responses=EventSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None)
    def events(self, request: Request, code: str | None = None) -> Response:
        cylinder, _full = selectors.cylinder_scan(user=request.user, code=code or "")
        return Response(EventSerializer(selectors.event_list(cylinder=cylinder), many=True).data)


def _event_view(kind: str, input_class: type[CodeInput], service: Callable[..., Any]) -> type[APIView]:
    class EventView(APIView):
        @extend_schema(
            request=input_class,
            responses={201: EventSerializer},
            parameters=[IDEMPOTENCY],
            operation_id=f"cylinders_events_{kind}",
        )
        def post(self, request: Request) -> Response:
            data = input_class(data=request.data)
            data.is_valid(raise_exception=True)
            kwargs = _keyed(request, dict(data.validated_data))
            if kind == "filling":
                kwargs["pre_check"] = PrefillCheck(**kwargs.get("pre_check", {}))
            if kind == "return" and kwargs.get("residual_kg") is None:
                kwargs.pop("residual_kg", None)
            event = _call(service, actor=request.user, **kwargs)
            return Response(EventSerializer(event).data, status=201)

    EventView.__name__ = f"{kind.title()}EventView"
    EventView.__doc__ = f"Record a {kind} event (signed and appended to the ledger)."
    return EventView


EVENT_VIEWS = {
    "filling": _event_view("filling", FillInput, services.cylinder_fill),
    "dispatch": _event_view("dispatch", DispatchInput, services.cylinder_dispatch),
    "delivery": _event_view("delivery", DeliverInput, services.cylinder_deliver),
    "return": _event_view("return", ReturnInput, services.cylinder_return),
    "inspection": _event_view("inspection", InspectInput, services.cylinder_inspect),
    "repair": _event_view("repair", RepairInput, services.cylinder_repair),
    "scrapping": _event_view("scrapping", ScrapInput, services.cylinder_scrap),
}


class GateView(APIView):
    """The filling gate: scan a code, get allow or refuse with every reason (the scan is recorded)."""

    @extend_schema(request=GateInput, responses={200: GateOutput}, parameters=[IDEMPOTENCY])
    def post(self, request: Request) -> Response:
        data = GateInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        attempt = _call(
            services.cylinder_fill_check,
            actor=request.user,
            code=values["code"],
            pre_check=PrefillCheck(**values["pre_check"]) if "pre_check" in values else None,
            idempotency_key=request.headers.get("Idempotency-Key") or values.get("idempotency_key"),
        )
        return Response(
            {
                "allowed": attempt.allowed,
                "reasons": attempt.reason_list,
                "attempt": attempt.pk,
                "ledger_index": attempt.ledger_index,
            }
        )


class FillAttemptViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = AttemptSerializer
    # Keyset pages (?cursor=): a station's attempts grow by the thousand a day.
    pagination_class = KeysetPagination

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):
            return FillAttempt.objects.none()
        _registry_user(self.request)
        allowed = {"true": True, "false": False}.get(self.request.query_params.get("allowed", ""))
        return selectors.fill_attempt_list(user=self.request.user, allowed=allowed)


class PublicHistoryView(APIView):
    """A cylinder's public history by code (no login): what its QR code page shows."""

    permission_classes = [AllowAny]
    authentication_classes: list[Any] = []

    @extend_schema(responses=PublicHistorySerializer)
    def get(self, request: Request, code: str) -> Response:
        try:
            cylinder, events = selectors.public_history(code=code)
        except Http404:
            raise CylinderApiError(
                CylinderError(_("No cylinder is registered under the code “%(code)s”.") % {"code": code}, code="unknown_code")
            ) from None
        return Response(
            PublicHistorySerializer(
                {
                    "code": cylinder.code,
                    "state": cylinder.state,
                    "medium": cylinder.medium,
                    "model_name": cylinder.model_name,
                    "owner": cylinder.owner.name,
                    "next_inspection_on": cylinder.next_inspection_on,
                    "scrap_on": cylinder.scrap_on,
                    "code_voided": cylinder.code_voided,
                    "events": events,
                    "refusals": selectors.public_refusals(code=cylinder.code),
                }
            ).data
        )

"""Forklift API: thin serializers and views over the selectors and services (the core error format).

Refusals: ``duplicate``, ``transition_not_allowed``, ``guard`` (the record does not allow the step
yet: the message says why) and ``conflict`` answer 409; invalid input 400 with its fields; a record
outside the caller's reach 404; a visible record the caller may not change 403.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import Http404
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from safecity.core.api.errors import conflict_caller
from safecity.core.api.fields import IdRelatedField
from safecity.core.ids import id_or_none
from safecity.core.models import Organisation, Person
from safecity.core.paging import KeysetPagination
from safecity.core.scoping import scoped
from safecity.forklifts import selectors, services
from safecity.forklifts.choices import (
    CheckKind,
    ForkliftAction,
    ForkliftStatus,
    InspectionResult,
    SafetyRole,
    VehicleType,
)
from safecity.forklifts.filtersets import ForkliftFilterSet, OperatorFilterSet, SafetyCheckFilterSet
from safecity.forklifts.models import (
    CheckFinding,
    Forklift,
    ForkliftEvent,
    ForkliftInspection,
    Operator,
    Plant,
    PlantZone,
    SafetyAppointment,
    SafetyCheck,
)
from safecity.forklifts.rules import forklift_rules, plant_rules

CONFLICTS = {"duplicate", "transition_not_allowed", "guard", "conflict"}


call = conflict_caller(services.ForkliftError, CONFLICTS)


class ScopedViewSet(viewsets.GenericViewSet):
    """A viewset whose rows come from a selector (scoped); an id that is no id is a 404, never a query."""

    lookup_value_regex = r"[0-9]+"

    def get_object(self) -> Any:
        pk = id_or_none(self.kwargs.get("pk"))
        obj = self.filter_queryset(self.get_queryset()).filter(pk=pk).first() if pk is not None else None
        if obj is None:
            raise Http404
        return obj


# --- forklifts --------------------------------------------------------------------------------


class ForkliftSerializer(serializers.ModelSerializer):
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)
    plant_name = serializers.CharField(source="plant.name", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    vehicle_type_display = serializers.CharField(source="get_vehicle_type_display", read_only=True)
    registration_status = serializers.SerializerMethodField(help_text="on_time, late, pending, overdue, not_used")
    inspection_status = serializers.SerializerMethodField(help_text="ok, due_soon, overdue, unknown")
    needs_monitoring_device = serializers.BooleanField(read_only=True)
    last_inspection_result = serializers.ChoiceField(choices=InspectionResult.choices, allow_blank=True, read_only=True)

    class Meta:
        model = Forklift
        fields = [
            "id", "organisation", "organisation_name", "plant", "plant_name", "number", "product_number", "manufacturer",
            "model_name", "vehicle_type", "vehicle_type_display", "rated_load_kg", "manufactured_on", "first_used_on",
            "registration_number", "registered_on", "registration_status", "last_inspected_on", "last_inspection_result",
            "next_inspection_on", "inspection_status", "status", "status_display", "safety_officer", "device",
            "needs_monitoring_device",
        ]  # fmt: skip
        read_only_fields = fields

    def get_registration_status(self, obj: Forklift) -> str:
        return obj.registration_status()

    def get_inspection_status(self, obj: Forklift) -> str:
        return obj.inspection_status()


class ForkliftInput(serializers.Serializer):
    organisation = IdRelatedField(queryset=Organisation.objects.none())
    plant = IdRelatedField(queryset=Plant.objects.none())
    number = serializers.CharField(max_length=32)
    product_number = serializers.CharField(max_length=40)
    manufacturer = serializers.CharField(max_length=120)
    model_name = serializers.CharField(max_length=40)
    vehicle_type = serializers.ChoiceField(choices=VehicleType.choices)
    rated_load_kg = serializers.IntegerField(min_value=1, max_value=100000)
    manufactured_on = serializers.DateField()
    first_used_on = serializers.DateField(required=False, allow_null=True, default=None)
    registration_number = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    registered_on = serializers.DateField(required=False, allow_null=True, default=None)
    last_inspected_on = serializers.DateField(required=False, allow_null=True, default=None)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["organisation"].queryset = selectors.enterprises_for(request.user)  # type: ignore[attr-defined]
            self.fields["plant"].queryset = scoped(Plant, request.user)  # type: ignore[attr-defined]


class TransitionInput(serializers.Serializer):
    action = serializers.ChoiceField(choices=ForkliftAction.choices)
    comment = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    expected = serializers.ChoiceField(choices=ForkliftStatus.choices, required=False, allow_null=True, default=None)


class RegisterUseInput(serializers.Serializer):
    registration_number = serializers.CharField(max_length=40)
    registered_on = serializers.DateField()


class ForkliftInspectionSerializer(serializers.ModelSerializer):
    class Meta:
        model = ForkliftInspection
        fields = ["id", "inspected_on", "result", "report_number", "inspection_body", "next_inspection_on", "comment"]
        read_only_fields = ["id", "next_inspection_on"]


class ForkliftEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = ForkliftEvent
        fields = ["kind", "from_status", "to_status", "actor_label", "at", "comment"]


class StartCheckInput(serializers.Serializer):
    card_or_face_id = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")
    at = serializers.DateTimeField(required=False, allow_null=True, default=None, help_text="Default now.")


class ProblemSerializer(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()
    params = serializers.DictField()


class StartCheckOutput(serializers.Serializer):
    allowed = serializers.BooleanField()
    problems = ProblemSerializer(many=True)


class ForkliftViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """The fleet registry within reach; POST adds a truck; steps are POSTs on the truck."""

    serializer_class = ForkliftSerializer
    filterset_class = ForkliftFilterSet
    pagination_class = KeysetPagination

    def get_queryset(self) -> Any:
        return selectors.forklift_list(user=self.request.user)

    @extend_schema(request=ForkliftInput, responses={201: ForkliftSerializer})
    def create(self, request: Request) -> Response:
        body = ForkliftInput(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        truck = call(services.forklift_add, actor=request.user, **body.validated_data)
        return Response(ForkliftSerializer(truck).data, status=201)

    @extend_schema(request=TransitionInput, responses=ForkliftSerializer)
    @action(detail=True, methods=["post"])
    def transition(self, request: Request, pk: str | None = None) -> Response:
        truck = self.get_object()
        body = TransitionInput(data=request.data)
        body.is_valid(raise_exception=True)
        truck = call(services.forklift_transition, actor=request.user, forklift=truck, **body.validated_data)
        return Response(ForkliftSerializer(truck).data)

    @extend_schema(request=RegisterUseInput, responses=ForkliftSerializer)
    @action(detail=True, methods=["post"], url_path="register-use")
    def register_use(self, request: Request, pk: str | None = None) -> Response:
        truck = self.get_object()
        body = RegisterUseInput(data=request.data)
        body.is_valid(raise_exception=True)
        truck = call(services.forklift_register_use, actor=request.user, forklift=truck, **body.validated_data)
        return Response(ForkliftSerializer(truck).data)

    @extend_schema(methods=["get"], responses=ForkliftInspectionSerializer(many=True))
    @extend_schema(methods=["post"], request=ForkliftInspectionSerializer, responses={201: ForkliftInspectionSerializer})
    @action(detail=True, methods=["get", "post"], pagination_class=None)
    def inspections(self, request: Request, pk: str | None = None) -> Response:
        truck = self.get_object()
        if request.method == "GET":
            return Response(ForkliftInspectionSerializer(selectors.forklift_inspections(forklift=truck), many=True).data)
        body = ForkliftInspectionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        inspection = call(services.forklift_inspection_record, actor=request.user, forklift=truck, **body.validated_data)
        return Response(ForkliftInspectionSerializer(inspection).data, status=201)

    @extend_schema(responses=ForkliftEventSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None)
    def timeline(self, request: Request, pk: str | None = None) -> Response:
        return Response(ForkliftEventSerializer(selectors.forklift_timeline(forklift=self.get_object()), many=True).data)

    @extend_schema(
        parameters=[OpenApiParameter("day", OpenApiTypes.DATE, description="local day, default today")],
        responses={200: OpenApiTypes.OBJECT},
    )
    @action(detail=True, methods=["get"], pagination_class=None)
    def track(self, request: Request, pk: str | None = None) -> Response:
        """The truck's route over one local day for playback: ``points`` are [lat, lon, epoch ms,
        speed] in device-time order (thinned to a bound; ``total`` says how many there were), and the
        day's alarms in words where they fired."""
        from safecity.forklifts import selectors_map

        value = request.query_params.get("day")
        if value:
            try:
                date.fromisoformat(value)
            except ValueError:
                raise serializers.ValidationError({"day": "A date as YYYY-MM-DD."}) from None
        day = selectors_map.parse_day(value)
        track = selectors_map.forklift_track(user=request.user, forklift=self.get_object(), day=day)
        return Response(
            {"day": track.day, "points": track.points, "total": track.total, "capped": track.capped, "alarms": track.alarms}
        )

    @extend_schema(request=StartCheckInput, responses=StartCheckOutput)
    @action(detail=True, methods=["post"], url_path="start-check")
    def start_check(self, request: Request, pk: str | None = None) -> Response:
        """What the truck's monitoring device asks at start-up: may this driver start it now?"""
        truck = self.get_object()
        body = StartCheckInput(data=request.data)
        body.is_valid(raise_exception=True)
        at = body.validated_data["at"] or timezone.now()
        problems = services.driver_start_check(forklift=truck, card_or_face_id=body.validated_data["card_or_face_id"], at=at)
        return Response({"allowed": not problems, "problems": [p.as_dict() for p in problems]})

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    @action(detail=True, methods=["get"], pagination_class=None)
    def rules(self, request: Request, pk: str | None = None) -> Response:
        """The truck's telemetry rules (docs/telemetry.md): its plant's plus overload."""
        return Response({"rules": forklift_rules(self.get_object())})


# --- drivers ----------------------------------------------------------------------------------


class OperatorSerializer(serializers.ModelSerializer):
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)
    certificate_status = serializers.SerializerMethodField(help_text="valid, expiring, expired")

    class Meta:
        model = Operator
        fields = [
            "id", "organisation", "organisation_name", "name", "certificate_number", "certificate_issued_on",
            "certificate_valid_until", "certificate_status", "card_id", "face_id", "phone", "is_active",
        ]  # fmt: skip
        read_only_fields = fields

    def get_certificate_status(self, obj: Operator) -> str:
        return obj.certificate_status()


class OperatorInput(serializers.Serializer):
    organisation = IdRelatedField(queryset=Organisation.objects.none())
    name = serializers.CharField(max_length=60)
    certificate_number = serializers.CharField(max_length=40)
    certificate_issued_on = serializers.DateField()
    certificate_valid_until = serializers.DateField(required=False, allow_null=True, default=None)
    card_id = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")
    face_id = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")
    phone = serializers.CharField(max_length=32, required=False, allow_blank=True, default="")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["organisation"].queryset = selectors.enterprises_for(request.user)  # type: ignore[attr-defined]


class RenewInput(serializers.Serializer):
    issued_on = serializers.DateField()
    valid_until = serializers.DateField(required=False, allow_null=True, default=None)


class OperatorViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Drivers within reach (N1 certificates, card or face id); POST authorises one."""

    serializer_class = OperatorSerializer
    filterset_class = OperatorFilterSet

    def get_queryset(self) -> Any:
        return selectors.operator_list(user=self.request.user)

    @extend_schema(request=OperatorInput, responses={201: OperatorSerializer})
    def create(self, request: Request) -> Response:
        body = OperatorInput(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        operator = call(services.operator_add, actor=request.user, **body.validated_data)
        return Response(OperatorSerializer(operator).data, status=201)

    @extend_schema(request=RenewInput, responses=OperatorSerializer)
    @action(detail=True, methods=["post"])
    def renew(self, request: Request, pk: str | None = None) -> Response:
        operator = self.get_object()
        body = RenewInput(data=request.data)
        body.is_valid(raise_exception=True)
        operator = call(services.operator_renew, actor=request.user, operator=operator, **body.validated_data)
        return Response(OperatorSerializer(operator).data)


# --- plants -----------------------------------------------------------------------------------


class ZoneSerializer(serializers.ModelSerializer):
    polygon = serializers.ListField(
        child=serializers.ListField(child=serializers.FloatField(min_value=-180, max_value=180), min_length=2, max_length=2),
        min_length=3,
        max_length=200,
        help_text="[[lon, lat], ...] in WGS 84",
    )
    speed_limit_kmh = serializers.DecimalField(
        max_digits=4, decimal_places=1, min_value=0, required=False, allow_null=True, default=None
    )

    class Meta:
        model = PlantZone
        fields = ["id", "name", "kind", "polygon", "speed_limit_kmh"]
        read_only_fields = ["id"]


class PlantSerializer(serializers.ModelSerializer):
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)
    zones = ZoneSerializer(many=True, read_only=True)
    site_plan = serializers.SerializerMethodField()

    class Meta:
        model = Plant
        fields = [
            "id",
            "organisation",
            "organisation_name",
            "name",
            "address",
            "south",
            "west",
            "north",
            "east",
            "site_plan",
            "zones",
        ]
        read_only_fields = fields

    def get_site_plan(self, obj: Plant) -> str | None:
        from django.urls import reverse

        return reverse("forklifts:plant-plan", args=[obj.pk]) if obj.site_plan else None


class PlantInput(serializers.Serializer):
    organisation = IdRelatedField(queryset=Organisation.objects.none())
    name = serializers.CharField(max_length=100)
    address = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    south = serializers.DecimalField(max_digits=9, decimal_places=6, min_value=-90, max_value=90)
    west = serializers.DecimalField(max_digits=9, decimal_places=6, min_value=-180, max_value=180)
    north = serializers.DecimalField(max_digits=9, decimal_places=6, min_value=-90, max_value=90)
    east = serializers.DecimalField(max_digits=9, decimal_places=6, min_value=-180, max_value=180)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["organisation"].queryset = selectors.enterprises_for(request.user)  # type: ignore[attr-defined]


class PlantViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Plants within reach with their zones; POST adds a plant; POST zones/ adds a zone."""

    serializer_class = PlantSerializer

    def get_queryset(self) -> Any:
        return scoped(Plant, self.request.user).select_related("organisation").prefetch_related("zones").order_by("name", "id")

    @extend_schema(request=PlantInput, responses={201: PlantSerializer})
    def create(self, request: Request) -> Response:
        body = PlantInput(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        plant = call(services.plant_create, actor=request.user, **body.validated_data)
        return Response(PlantSerializer(plant).data, status=201)

    @extend_schema(request=ZoneSerializer, responses={201: ZoneSerializer})
    @action(detail=True, methods=["post"])
    def zones(self, request: Request, pk: str | None = None) -> Response:
        plant = self.get_object()
        body = ZoneSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        zone = call(services.plant_zone_add, actor=request.user, plant=plant, **body.validated_data)
        return Response(ZoneSerializer(zone).data, status=201)

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    @action(detail=True, methods=["get"], pagination_class=None)
    def rules(self, request: Request, pk: str | None = None) -> Response:
        """The telemetry rules every truck of the plant is held to (docs/telemetry.md)."""
        return Response({"rules": plant_rules(self.get_object())})

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    @action(detail=True, methods=["get"], pagination_class=None)
    def positions(self, request: Request, pk: str | None = None) -> Response:
        """The plant's trucks now, as the live map polls them: position, speed, seat belt, last seen,
        online, and their firing alarms in words."""
        from safecity.forklifts import selectors_map

        body = selectors_map.plant_positions(user=request.user, plant=self.get_object())
        return Response(body, headers={"Cache-Control": "no-store"})


# --- checks and safety people -----------------------------------------------------------------


class ForkliftFindingSerializer(serializers.ModelSerializer):
    hazard_code = serializers.CharField(source="hazard.code", read_only=True, allow_null=True, default=None)

    class Meta:
        model = CheckFinding
        fields = ["id", "forklift", "description", "hazard", "hazard_code"]
        read_only_fields = fields


class SafetyCheckSerializer(serializers.ModelSerializer):
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)
    findings = ForkliftFindingSerializer(many=True, read_only=True)

    class Meta:
        model = SafetyCheck
        fields = [
            "id", "organisation", "organisation_name", "kind", "period_start", "performed_on", "performed_by", "zero_risk",
            "summary", "minutes", "attendees", "findings",
        ]  # fmt: skip
        read_only_fields = fields


class ForkliftFindingInput(serializers.Serializer):
    description = serializers.CharField(max_length=2000)
    forklift = IdRelatedField(queryset=Forklift.objects.none(), required=False, allow_null=True, default=None)


class SafetyCheckInput(serializers.Serializer):
    organisation = IdRelatedField(queryset=Organisation.objects.none())
    kind = serializers.ChoiceField(choices=CheckKind.choices)
    summary = serializers.CharField(required=False, allow_blank=True, default="")
    minutes = serializers.CharField(required=False, allow_blank=True, default="")
    attendees = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    findings = ForkliftFindingInput(many=True, required=False, default=list, help_text="Empty: the zero-risk report.")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["organisation"].queryset = selectors.enterprises_for(request.user)  # type: ignore[attr-defined]
            # The nested list's child was built with the class: its truck picker is scoped here.
            child = self.fields["findings"].child  # type: ignore[attr-defined]
            child.fields["forklift"].queryset = selectors.forklift_list(user=request.user)


class SafetyCheckViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Daily checks, weekly investigations and monthly meetings (order No. 74); POST records this period's."""

    serializer_class = SafetyCheckSerializer
    filterset_class = SafetyCheckFilterSet

    def get_queryset(self) -> Any:
        return selectors.check_list(user=self.request.user).prefetch_related("findings__hazard")

    @extend_schema(request=SafetyCheckInput, responses={201: SafetyCheckSerializer})
    def create(self, request: Request) -> Response:
        body = SafetyCheckInput(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        findings = [services.Finding(f["description"], f.get("forklift")) for f in data.pop("findings")]
        person = Person.objects.filter(user=request.user, organisation=data["organisation"]).first()
        check = call(services.safety_check_record, actor=request.user, findings=findings, performed_by=person, **data)
        return Response(SafetyCheckSerializer(selectors.check_get(user=request.user, pk=check.pk)).data, status=201)


class AppointmentSerializer(serializers.ModelSerializer):
    person_name = serializers.CharField(source="person.name", read_only=True)

    class Meta:
        model = SafetyAppointment
        fields = ["id", "organisation", "person", "person_name", "role", "appointed_on", "ended_on"]
        read_only_fields = fields


class AppointmentInput(serializers.Serializer):
    organisation = IdRelatedField(queryset=Organisation.objects.none())
    person = IdRelatedField(queryset=Person.objects.none())
    role = serializers.ChoiceField(choices=SafetyRole.choices)
    appointed_on = serializers.DateField()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["organisation"].queryset = selectors.enterprises_for(request.user)  # type: ignore[attr-defined]
            self.fields["person"].queryset = scoped(Person, request.user)  # type: ignore[attr-defined]


class AppointmentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """The user units' safety directors and officers; POST appoints one."""

    serializer_class = AppointmentSerializer

    def get_queryset(self) -> Any:
        return selectors.appointment_list(user=self.request.user)

    @extend_schema(request=AppointmentInput, responses={201: AppointmentSerializer})
    def create(self, request: Request) -> Response:
        body = AppointmentInput(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        appointment = call(services.safety_appoint, actor=request.user, **body.validated_data)
        return Response(AppointmentSerializer(appointment).data, status=201)


class ComplianceRowSerializer(serializers.Serializer):
    organisation = serializers.IntegerField(source="organisation.pk")
    organisation_name = serializers.CharField(source="organisation.name")
    region = serializers.CharField(source="organisation.region.code")
    forklifts = serializers.IntegerField()
    unregistered = serializers.IntegerField(help_text="Unregistered more than 30 days after first use")
    registered_late = serializers.IntegerField()
    inspection_overdue = serializers.IntegerField()
    inspection_due_soon = serializers.IntegerField()
    operators = serializers.IntegerField()
    certificates_expired = serializers.IntegerField()
    missed_daily = serializers.ListField(child=serializers.DateField(), source="missed.daily")
    missed_weekly = serializers.ListField(child=serializers.DateField(), source="missed.weekly")
    missed_monthly = serializers.ListField(child=serializers.DateField(), source="missed.monthly")


class ComplianceView(APIView):
    """The regulator's overview per enterprise (district and city officials, inspectors)."""

    @extend_schema(responses=ComplianceRowSerializer(many=True))
    def get(self, request: Request) -> Response:
        if not selectors.is_regulator(request.user):
            raise PermissionDenied
        return Response(ComplianceRowSerializer(selectors.compliance_overview(user=request.user), many=True).data)

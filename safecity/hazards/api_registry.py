"""Risk-registry API: read an enterprise's whole registry; add objects, units, assessed events,
measures and check tasks (the same services as the UI)."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from safecity.core.api.fields import IdRelatedField
from safecity.core.models import Organisation, Person
from safecity.core.scoping import scoped
from safecity.hazards import selectors, services
from safecity.hazards.choices import AssessmentMethod, RiskObjectKind
from safecity.hazards.models import CheckTask, ControlMeasure, RiskEvent, RiskObject, RiskUnit
from safecity.riskdict.choices import CycleUnit, MeasureClass, MeasureSubclass
from safecity.riskdict.models import DictionaryVersion, RiskEntry, StandardMeasure


class TaskOut(serializers.ModelSerializer):
    class Meta:
        model = CheckTask
        fields = ["id", "content", "cycle", "cycle_unit", "next_due_at", "is_active"]


class MeasureOut(serializers.ModelSerializer):
    check_tasks = TaskOut(many=True, read_only=True)

    class Meta:
        model = ControlMeasure
        fields = ["id", "measure_class", "subclass", "content", "basis", "standard_measure", "check_tasks"]


class EventOut(serializers.ModelSerializer):
    measures = MeasureOut(many=True, read_only=True)

    class Meta:
        model = RiskEvent
        fields = [
            "id",
            "name",
            "accident_type",
            "method",
            "initial_factors",
            "initial_score",
            "initial_level",
            "current_factors",
            "current_score",
            "current_level",
            "measures",
        ]


class UnitOut(serializers.ModelSerializer):
    events = EventOut(many=True, read_only=True)
    dictionary_code = serializers.CharField(source="dictionary_entry.code", default=None, allow_null=True, read_only=True)

    class Meta:
        model = RiskUnit
        fields = ["id", "name", "location", "dictionary_entry", "dictionary_code", "events"]


class ObjectOut(serializers.ModelSerializer):
    units = UnitOut(many=True, read_only=True)

    class Meta:
        model = RiskObject
        fields = [
            "id",
            "name",
            "kind",
            "mhi_grade",
            "principal_in_charge",
            "technical_in_charge",
            "operations_in_charge",
            "units",
        ]


class RegistryHeaderOut(serializers.Serializer):
    organisation = serializers.IntegerField()
    dictionary_version = serializers.CharField()


class RegistryOut(RegistryHeaderOut):
    objects = ObjectOut(many=True)


class ObjectIn(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    kind = serializers.ChoiceField(choices=RiskObjectKind.choices)
    mhi_grade = serializers.IntegerField(min_value=1, max_value=4, required=False, allow_null=True)
    principal_in_charge = IdRelatedField(queryset=Person.objects.all(), required=False, allow_null=True)
    technical_in_charge = IdRelatedField(queryset=Person.objects.all(), required=False, allow_null=True)
    operations_in_charge = IdRelatedField(queryset=Person.objects.all(), required=False, allow_null=True)


class UnitIn(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    location = serializers.CharField(max_length=200, required=False, allow_blank=True)
    dictionary_entry = IdRelatedField(queryset=RiskEntry.objects.all(), required=False, allow_null=True)


FACTORS = {AssessmentMethod.LEC: ("L", "E", "C"), AssessmentMethod.LS: ("L", "S")}


class EventIn(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    accident_type = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    method = serializers.ChoiceField(choices=AssessmentMethod.choices)
    initial = serializers.DictField(
        child=serializers.DecimalField(max_digits=6, decimal_places=2), help_text="LEC: {L, E, C}; LS: {L, S}"
    )
    current = serializers.DictField(
        child=serializers.DecimalField(max_digits=6, decimal_places=2), required=False, help_text="as initial"
    )

    def validate(self, data: dict[str, Any]) -> dict[str, Any]:
        """Each method's own factors, each once, and no others (their scales are the service's rule)."""
        needed = FACTORS[data["method"]]
        errors = {}
        for name in ("initial", "current"):
            if name not in data:
                continue
            given = [key.upper() for key in data[name]]
            if sorted(given) != sorted(needed) or len(set(given)) != len(given):
                errors[name] = [
                    _("%(method)s needs exactly the factors %(factors)s.")
                    % {"method": data["method"].upper(), "factors": ", ".join(needed)}
                ]
            else:
                data[name] = {key.upper(): value for key, value in data[name].items()}
        if errors:
            raise serializers.ValidationError(errors)
        return data


class MeasureIn(serializers.Serializer):
    standard_measure = IdRelatedField(queryset=StandardMeasure.objects.all(), required=False, allow_null=True)
    measure_class = serializers.ChoiceField(choices=MeasureClass.choices, required=False)
    subclass = serializers.ChoiceField(choices=MeasureSubclass.choices, required=False)
    content = serializers.CharField(required=False, allow_blank=True)
    basis = serializers.CharField(required=False, allow_blank=True, max_length=300)
    with_check_items = serializers.BooleanField(required=False, default=False)


class TaskIn(serializers.Serializer):
    content = serializers.CharField()
    cycle = serializers.IntegerField()
    cycle_unit = serializers.ChoiceField(choices=CycleUnit.choices)


def _get(model: Any, user: Any, pk: int) -> Any:
    obj = scoped(model, user).filter(pk=pk).first()
    if obj is None:
        raise Http404
    return obj


class RegistryView(APIView):
    """GET the enterprise's registry (nested); POST opens it on the newest published dictionary."""

    @extend_schema(responses=RegistryOut)
    def get(self, request: Request, organisation_id: int) -> Response:
        registry = selectors.registry_get(user=request.user, organisation_id=organisation_id)
        if registry is None:
            raise Http404
        objects = selectors.risk_objects(user=request.user, organisation_id=organisation_id)
        return Response(
            {
                "organisation": organisation_id,
                "dictionary_version": registry.dictionary_version.version,
                "objects": ObjectOut(objects, many=True).data,
            }
        )

    @extend_schema(request=None, responses={201: RegistryHeaderOut})
    def post(self, request: Request, organisation_id: int) -> Response:
        org = _get(Organisation, request.user, organisation_id)
        version = DictionaryVersion.objects.filter(status="published").order_by("-published_at").first()
        if version is None:
            raise serializers.ValidationError({"dictionary_version": ["No published risk-control dictionary yet."]})
        registry = services.registry_create(actor=request.user, organisation=org, dictionary_version=version)
        return Response({"organisation": org.pk, "dictionary_version": registry.dictionary_version.version}, status=201)


class ObjectCreateView(APIView):
    @extend_schema(request=ObjectIn, responses=ObjectOut)
    def post(self, request: Request, organisation_id: int) -> Response:
        registry = selectors.registry_get(user=request.user, organisation_id=organisation_id)
        if registry is None:
            raise Http404
        body = ObjectIn(data=request.data)
        body.is_valid(raise_exception=True)
        obj = services.risk_object_save(actor=request.user, organisation=registry.organisation, **body.validated_data)
        return Response(ObjectOut(obj).data, status=201)


class UnitCreateView(APIView):
    @extend_schema(request=UnitIn, responses=UnitOut)
    def post(self, request: Request, object_id: int) -> Response:
        body = UnitIn(data=request.data)
        body.is_valid(raise_exception=True)
        unit = services.risk_unit_save(
            actor=request.user, risk_object=_get(RiskObject, request.user, object_id), **body.validated_data
        )
        return Response(UnitOut(unit).data, status=201)


class EventCreateView(APIView):
    """Assess a risk event: LEC factors {"L","E","C"} or LS {"L","S"}; values off the scale are a 400."""

    @extend_schema(request=EventIn, responses=EventOut)
    def post(self, request: Request, unit_id: int) -> Response:
        body = EventIn(data=request.data)
        body.is_valid(raise_exception=True)
        event = services.risk_event_assess(actor=request.user, unit=_get(RiskUnit, request.user, unit_id), **body.validated_data)
        return Response(EventOut(event).data, status=201)


class MeasureCreateView(APIView):
    @extend_schema(request=MeasureIn, responses=MeasureOut)
    def post(self, request: Request, event_id: int) -> Response:
        body = MeasureIn(data=request.data)
        body.is_valid(raise_exception=True)
        measure = services.control_measure_add(
            actor=request.user, event=_get(RiskEvent, request.user, event_id), **body.validated_data
        )
        return Response(MeasureOut(measure).data, status=201)


class TaskCreateView(APIView):
    @extend_schema(request=TaskIn, responses=TaskOut)
    def post(self, request: Request, measure_id: int) -> Response:
        body = TaskIn(data=request.data)
        body.is_valid(raise_exception=True)
        task = services.check_task_add(
            actor=request.user, measure=_get(ControlMeasure, request.user, measure_id), **body.validated_data
        )
        return Response(TaskOut(task).data, status=201)

"""Restaurant gas safety API, the gas-leak alarms (issue 15 §4): the alarms of restaurants'
detectors, their deadlines and escalations, and their disposition. Thin over ``selectors.py`` and
``services/leaks.py``."""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from safecity.restaurants import selectors
from safecity.restaurants.api import STEP_PARSERS, ScopedViewSet, call
from safecity.restaurants.choices import LeakEscalation, LeakOutcome
from safecity.restaurants.models import LeakAlarm
from safecity.restaurants.services.leaks import leak_dispose

STATE = OpenApiParameter(
    "state", OpenApiTypes.STR, enum=["open", "overdue", "closed"], description="open, open past the deadline, or dispositioned"
)


class LeakAlarmSerializer(serializers.ModelSerializer):
    restaurant_name = serializers.CharField(source="restaurant.organisation.name", read_only=True)
    street_name = serializers.CharField(source="restaurant.organisation.region.name", read_only=True)
    detector = serializers.CharField(source="alarm.device.serial", read_only=True)
    alarm_state = serializers.CharField(source="alarm.state", read_only=True)
    alarm_state_display = serializers.CharField(source="alarm.get_state_display", read_only=True)
    outcome_display = serializers.CharField(source="get_outcome_display", read_only=True)
    escalations_display = serializers.SerializerMethodField()
    disposed_by_name = serializers.SerializerMethodField()

    class Meta:
        model = LeakAlarm
        fields = [
            "id", "restaurant", "restaurant_name", "street_name", "alarm", "detector", "alarm_state",
            "alarm_state_display", "fired_at", "due_at", "outcome", "outcome_display", "note", "disposed_at",
            "disposed_by_name", "escalations", "escalations_display", "escalated_at",
        ]  # fmt: skip
        read_only_fields = fields

    def get_escalations_display(self, obj: LeakAlarm) -> list[str]:
        return [str(LeakEscalation(code).label) for code in obj.escalations if code in LeakEscalation.values]

    def get_disposed_by_name(self, obj: LeakAlarm) -> str:
        from safecity.core.actors import actor_label

        return actor_label(obj.disposed_by)


class LeakDisposeInput(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=LeakOutcome.choices)
    note = serializers.CharField(max_length=2000, help_text="what was found and done")


@extend_schema_view(list=extend_schema(parameters=[STATE]))
class LeakAlarmViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """The gas-leak alarms of the restaurants within reach: open ones first (``?state=``)."""

    serializer_class = LeakAlarmSerializer

    def get_queryset(self) -> Any:
        state = self.request.query_params.get("state", "") if self.action == "list" else ""
        return selectors.leak_list(user=self.request.user, state=state)

    @extend_schema(request=LeakDisposeInput, responses=LeakAlarmSerializer)
    @action(detail=True, methods=["post"], parser_classes=STEP_PARSERS)
    def dispose(self, request: Request, pk: str | None = None) -> Response:
        """Disposition the alarm: a false alarm, or a leak found and fixed, with what was done (once
        the detector reports normal again)."""
        leak = self.get_object()
        body = LeakDisposeInput(data=request.data)
        body.is_valid(raise_exception=True)
        call(leak_dispose, actor=request.user, leak=leak, **body.validated_data)
        return Response(LeakAlarmSerializer(selectors.leak_get(user=request.user, pk=leak.pk)).data)

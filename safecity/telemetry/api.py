"""Telemetry API: devices (register, rotate, revoke, reinstate, readings, route of a day), alarms
(acknowledge), silences (create, expire), rule sets (create, update) and the refused-message
counters. Thin serializers over selectors and services; errors in the core format
(``{code, message, fields}``), a rule set's error naming the rule and its field
(``rules: ["rules[2].clear: overlaps the fire condition ..."]``).

Who: whoever opens the telemetry pages (``selectors.sees_telemetry``), each row through the models'
scope rules; the counters only for the city-wide administrator and officials.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response

from safecity.core.api.fields import IdRelatedField
from safecity.core.models import Organisation
from safecity.core.paging import KeysetPagination
from safecity.telemetry import selectors
from safecity.telemetry.choices import DeviceKind
from safecity.telemetry.filtersets import AlarmFilterSet, DeviceFilterSet, SilenceFilterSet
from safecity.telemetry.models import Alarm, AlarmEvent, Device, IngestCounter, Reading, RuleSet, Silence
from safecity.telemetry.services import alarms as alarm_services
from safecity.telemetry.services import devices as device_services
from safecity.telemetry.services import rule_sets as rule_set_services
from safecity.telemetry.wording import KINDS, alarm_title, event_detail


def _telemetry_user(request: Request) -> None:
    if not selectors.sees_telemetry(request.user):
        raise PermissionDenied


# --- output -------------------------------------------------------------------------------------


class DeviceSerializer(serializers.ModelSerializer):
    kind = serializers.CharField(read_only=True, help_text="forklift_tracker, gas_detector, lifeline_sensor")
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    status = serializers.CharField(read_only=True, help_text="active or revoked")
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)
    rule_set_name = serializers.SerializerMethodField()
    mounted_on = serializers.SerializerMethodField(help_text="What the device is fitted to, in words")
    last_seen = serializers.SerializerMethodField()
    online = serializers.SerializerMethodField()
    topic_prefix = serializers.CharField(read_only=True)

    class Meta:
        model = Device
        fields = [
            "id", "serial", "kind", "kind_display", "name", "organisation", "organisation_name", "mounted_on",
            "rule_set", "rule_set_name", "status", "status_display", "revoked_at", "revoked_reason",
            "credentials_rotated_at", "last_seen", "online", "topic_prefix",
        ]  # fmt: skip
        read_only_fields = fields

    def get_rule_set_name(self, device: Device) -> str:
        return device.rule_set.name if device.rule_set else ""

    def get_mounted_on(self, device: Device) -> str:
        return str(device.mounted_on) if device.mounted_on is not None else ""

    @extend_schema_field(serializers.DateTimeField(allow_null=True))
    def get_last_seen(self, device: Device) -> Any:
        seen = selectors.last_seen(device)
        return serializers.DateTimeField().to_representation(seen) if seen else None

    def get_online(self, device: Device) -> bool:
        return selectors.is_online(device)


class DeviceCredentialsSerializer(serializers.Serializer):
    """Shown once, when issued: never stored in clear, never shown again."""

    serial = serializers.CharField()
    mqtt_username = serializers.CharField()
    mqtt_password = serializers.CharField()
    http_token = serializers.CharField()
    topic_prefix = serializers.CharField()


class DeviceRegisteredSerializer(serializers.Serializer):
    device = DeviceSerializer()
    credentials = DeviceCredentialsSerializer()


class AlarmSerializer(serializers.ModelSerializer):
    device_serial = serializers.CharField(source="device.serial", read_only=True)
    device_name = serializers.CharField(source="device.name", read_only=True)
    organisation = serializers.IntegerField(source="device.organisation_id", read_only=True)
    organisation_name = serializers.CharField(source="device.organisation.name", read_only=True)
    kind = serializers.CharField(read_only=True, help_text="threshold, rate, geofence, absence or state")
    kind_display = serializers.SerializerMethodField()
    title = serializers.SerializerMethodField(help_text="The rule's title, else its kind in words")
    detail = serializers.SerializerMethodField(help_text="Why it fired, in words")
    level = serializers.CharField(read_only=True, help_text="red, orange, yellow or blue (red the highest)")
    level_display = serializers.CharField(source="get_level_display", read_only=True)
    state = serializers.CharField(read_only=True, help_text="firing or resolved")
    state_display = serializers.CharField(source="get_state_display", read_only=True)
    params = serializers.DictField(read_only=True)
    clear_params = serializers.DictField(read_only=True)

    class Meta:
        model = Alarm
        fields = [
            "id", "device", "device_serial", "device_name", "organisation", "organisation_name", "rule_id", "kind",
            "kind_display", "title", "detail", "level", "level_display", "state", "state_display", "fired_at",
            "cleared_at", "params", "clear_params", "lon", "lat", "reading_seq", "acknowledged_at", "acknowledged_by",
            "escalation", "hazard",
        ]  # fmt: skip
        read_only_fields = fields

    def get_kind_display(self, alarm: Alarm) -> str:
        return str(KINDS.get(alarm.kind, alarm.kind))

    def get_title(self, alarm: Alarm) -> str:
        return alarm_title(kind=alarm.kind, title=alarm.title, rule_id=alarm.rule_id)

    def get_detail(self, alarm: Alarm) -> str:
        return event_detail(alarm.kind, alarm.params)


class AlarmEventSerializer(serializers.ModelSerializer):
    action = serializers.CharField(read_only=True)
    action_display = serializers.CharField(source="get_action_display", read_only=True)
    params = serializers.DictField(read_only=True)

    class Meta:
        model = AlarmEvent
        fields = ["id", "action", "action_display", "at", "actor", "note", "params"]
        read_only_fields = fields


class AlarmDetailSerializer(AlarmSerializer):
    events = AlarmEventSerializer(many=True, read_only=True)

    class Meta(AlarmSerializer.Meta):
        fields = [*AlarmSerializer.Meta.fields, "events"]
        read_only_fields = fields


class SilenceSerializer(serializers.ModelSerializer):
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)
    active = serializers.SerializerMethodField()

    class Meta:
        model = Silence
        fields = [
            "id", "organisation", "organisation_name", "device", "rule_id", "kind", "starts_at", "ends_at", "reason",
            "created_by", "expired_early_at", "active",
        ]  # fmt: skip
        read_only_fields = fields

    def get_active(self, silence: Silence) -> bool:
        return silence.is_active()


class TelemetryRuleInWordsSerializer(serializers.Serializer):
    id = serializers.CharField()
    title = serializers.CharField()
    kind = serializers.CharField()
    level = serializers.CharField()
    summary = serializers.CharField()


class RuleSetSerializer(serializers.ModelSerializer):
    organisation_name = serializers.SerializerMethodField()
    rules = serializers.JSONField(read_only=True)
    rules_in_words = serializers.SerializerMethodField()

    class Meta:
        model = RuleSet
        fields = ["id", "name", "organisation", "organisation_name", "rules", "rules_in_words", "version"]
        read_only_fields = fields

    def get_organisation_name(self, rule_set: RuleSet) -> str:
        return rule_set.organisation.name if rule_set.organisation else ""

    @extend_schema_field(TelemetryRuleInWordsSerializer(many=True))
    def get_rules_in_words(self, rule_set: RuleSet) -> list[dict[str, str]]:
        from safecity.telemetry.views import rule_rows

        return [
            {"id": str(r["rule_id"]), "title": r["title"], "kind": r["kind"], "level": str(r["level"]), "summary": r["summary"]}
            for r in rule_rows(rule_set.rules)
        ]


class ReadingSerializer(serializers.ModelSerializer):
    values = serializers.DictField(read_only=True)

    class Meta:
        model = Reading
        fields = ["id", "seq", "device_ts", "received_at", "values", "lon", "lat"]
        read_only_fields = fields


class DeviceRoutePointSerializer(serializers.Serializer):
    t = serializers.DateTimeField(help_text="device time")
    lon = serializers.FloatField()
    lat = serializers.FloatField()
    speed = serializers.FloatField(allow_null=True, help_text="km/h, when the reading carried it")


class RefusedCounterSerializer(serializers.ModelSerializer):
    reason = serializers.CharField(read_only=True)
    reason_display = serializers.CharField(source="get_reason_display", read_only=True)

    class Meta:
        model = IngestCounter
        fields = ["day", "reason", "reason_display", "count", "last_detail"]
        read_only_fields = fields


# --- input --------------------------------------------------------------------------------------


class DeviceRegisterInput(serializers.Serializer):
    serial = serializers.CharField(max_length=40)
    kind = serializers.ChoiceField(choices=DeviceKind.choices)
    organisation = IdRelatedField(queryset=Organisation.objects.all())
    name = serializers.CharField(max_length=120, required=False, default="", allow_blank=True)
    rule_set = IdRelatedField(queryset=RuleSet.objects.all(), required=False, allow_null=True, default=None)
    mounted_on = serializers.CharField(
        max_length=120,
        required=False,
        allow_blank=True,
        default="",
        help_text="What the device is fitted to, as <app>.<model>:<id> (e.g. forklifts.forklift:12); empty for nothing",
    )

    def validate_mounted_on(self, value: str) -> Any:
        if not value:
            return None
        target = selectors.mount_target(user=self.context["request"].user, value=value)
        if target is None:
            raise serializers.ValidationError("No such object within your reach to fit a device to.")
        return target


class DeviceRevokeInput(serializers.Serializer):
    reason = serializers.CharField(max_length=200)


class AlarmAcknowledgeInput(serializers.Serializer):
    note = serializers.CharField(max_length=500, required=False, default="", allow_blank=True)


class SilenceInput(serializers.Serializer):
    organisation = IdRelatedField(queryset=Organisation.objects.all())
    device = IdRelatedField(queryset=Device.objects.all(), required=False, allow_null=True, default=None)
    rule_id = serializers.CharField(max_length=64, required=False, default="", allow_blank=True)
    kind = serializers.ChoiceField(choices=list(KINDS), required=False, default="", allow_blank=True)
    starts_at = serializers.DateTimeField(required=False, allow_null=True, default=None, help_text="default now")
    ends_at = serializers.DateTimeField(help_text="at most 30 days after the start")
    reason = serializers.CharField(max_length=300)


class RuleSetInput(serializers.Serializer):
    name = serializers.CharField(max_length=120)
    organisation = IdRelatedField(
        queryset=Organisation.objects.all(), required=False, allow_null=True, default=None, help_text="null: city-wide"
    )
    rules = serializers.JSONField(help_text="A list of rules as in docs/telemetry.md")


class RuleSetUpdateInput(serializers.Serializer):
    name = serializers.CharField(max_length=120, required=False)
    rules = serializers.JSONField(required=False)


class DeviceReadingQuery(serializers.Serializer):
    since = serializers.DateTimeField(required=False, help_text="device time, inclusive")
    until = serializers.DateTimeField(required=False, help_text="device time, exclusive")


class DeviceRouteQuery(serializers.Serializer):
    day = serializers.DateField(required=False, help_text="local day; default today")


# --- views --------------------------------------------------------------------------------------


class DeviceViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Devices within reach; POST registers one (its credentials are in the answer, once)."""

    serializer_class = DeviceSerializer
    filterset_class = DeviceFilterSet

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):
            return Device.objects.none()
        _telemetry_user(self.request)
        return selectors.device_list(user=self.request.user)

    @extend_schema(request=DeviceRegisterInput, responses={201: DeviceRegisteredSerializer})
    def create(self, request: Request) -> Response:
        # Open to whoever may register a device somewhere: an enterprise registers its first here.
        if not selectors.may_register_devices(user=request.user):
            _telemetry_user(request)
        data = DeviceRegisterInput(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        device, credentials = device_services.device_register(actor=request.user, **data.validated_data)
        device = selectors.device_get(user=request.user, pk=device.pk)
        body = {"device": DeviceSerializer(device).data, "credentials": DeviceCredentialsSerializer(credentials).data}
        return Response(body, status=201, headers={"Cache-Control": "no-store"})

    @extend_schema(request=None, responses=DeviceCredentialsSerializer)
    @action(detail=True, methods=["post"])
    def rotate(self, request: Request, pk: str | None = None) -> Response:
        credentials = device_services.device_rotate_credentials(actor=request.user, device=self.get_object())
        return Response(DeviceCredentialsSerializer(credentials).data, headers={"Cache-Control": "no-store"})

    @extend_schema(request=DeviceRevokeInput, responses=DeviceSerializer)
    @action(detail=True, methods=["post"])
    def revoke(self, request: Request, pk: str | None = None) -> Response:
        device = self.get_object()
        data = DeviceRevokeInput(data=request.data)
        data.is_valid(raise_exception=True)
        device_services.device_revoke(actor=request.user, device=device, reason=data.validated_data["reason"])
        return Response(DeviceSerializer(selectors.device_get(user=request.user, pk=device.pk)).data)

    @extend_schema(request=None, responses=DeviceCredentialsSerializer)
    @action(detail=True, methods=["post"])
    def reinstate(self, request: Request, pk: str | None = None) -> Response:
        credentials = device_services.device_reinstate(actor=request.user, device=self.get_object())
        return Response(DeviceCredentialsSerializer(credentials).data, headers={"Cache-Control": "no-store"})

    @extend_schema(parameters=[DeviceReadingQuery], responses=ReadingSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=KeysetPagination, filterset_class=None)
    def readings(self, request: Request, pk: str | None = None) -> Response:
        """The device's readings in device-time order within [since, until), keyset pages."""
        device = self.get_object()
        query = DeviceReadingQuery(data=request.query_params.dict())
        query.is_valid(raise_exception=True)
        queryset = selectors.reading_list(device=device, **query.validated_data)
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(ReadingSerializer(page, many=True).data)

    @extend_schema(parameters=[DeviceRouteQuery], responses=DeviceRoutePointSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None, filterset_class=None)
    def route(self, request: Request, pk: str | None = None) -> Response:
        """The device's positions over one local day, for route playback (at most 20,000 points)."""
        device = self.get_object()
        query = DeviceRouteQuery(data=request.query_params.dict())
        query.is_valid(raise_exception=True)
        day = query.validated_data.get("day") or timezone.localdate()
        return Response(DeviceRoutePointSerializer(selectors.route_of_day(device=device, day=day), many=True).data)


class AlarmViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Alarms within reach, firing ones first; ``/{id}/`` with its timeline; acknowledge."""

    filterset_class = AlarmFilterSet
    # Keyset pages (?cursor=): alarms grow without bound.
    pagination_class = KeysetPagination

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):
            return Alarm.objects.none()
        _telemetry_user(self.request)
        queryset = selectors.alarm_list(user=self.request.user)
        if self.action == "retrieve":
            queryset = queryset.prefetch_related("events")
        return queryset

    def get_serializer_class(self) -> Any:
        return AlarmDetailSerializer if self.action == "retrieve" else AlarmSerializer

    @extend_schema(request=AlarmAcknowledgeInput, responses=AlarmDetailSerializer)
    @action(detail=True, methods=["post"], filterset_class=None)
    def acknowledge(self, request: Request, pk: str | None = None) -> Response:
        alarm = self.get_object()
        data = AlarmAcknowledgeInput(data=request.data)
        data.is_valid(raise_exception=True)
        alarm_services.alarm_acknowledge(actor=request.user, alarm=alarm, note=data.validated_data["note"])
        alarm = selectors.alarm_list(user=request.user).prefetch_related("events").get(pk=alarm.pk)
        return Response(AlarmDetailSerializer(alarm).data)


class SilenceViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Silences within reach; POST creates one; ``/{id}/expire/`` ends it now."""

    serializer_class = SilenceSerializer
    filterset_class = SilenceFilterSet

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):
            return Silence.objects.none()
        _telemetry_user(self.request)
        return selectors.silence_list(user=self.request.user)

    @extend_schema(request=SilenceInput, responses={201: SilenceSerializer})
    def create(self, request: Request) -> Response:
        # Open to whoever may register a device somewhere: an enterprise registers its first here.
        if not selectors.may_register_devices(user=request.user):
            _telemetry_user(request)
        data = SilenceInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        device = values.pop("device")
        if device is not None and not selectors.device_list(user=request.user).filter(pk=device.pk).exists():
            raise PermissionDenied
        silence = alarm_services.silence_create(actor=request.user, device=device, **values)
        return Response(SilenceSerializer(silence).data, status=201)

    @extend_schema(request=None, responses=SilenceSerializer)
    @action(detail=True, methods=["post"], filterset_class=None)
    def expire(self, request: Request, pk: str | None = None) -> Response:
        silence = alarm_services.silence_expire(actor=request.user, silence=self.get_object())
        return Response(SilenceSerializer(selectors.silence_get(user=request.user, pk=silence.pk)).data)


class RuleSetViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Rule sets within reach (and the city-wide ones); POST creates, PATCH/PUT changes (a change
    of the rules bumps the version). An invalid rule is a 400 naming the rule and its field."""

    serializer_class = RuleSetSerializer

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):
            return RuleSet.objects.none()
        _telemetry_user(self.request)
        return selectors.rule_set_list(user=self.request.user)

    @extend_schema(request=RuleSetInput, responses={201: RuleSetSerializer})
    def create(self, request: Request) -> Response:
        # Open to whoever may register a device somewhere: an enterprise registers its first here.
        if not selectors.may_register_devices(user=request.user):
            _telemetry_user(request)
        data = RuleSetInput(data=request.data)
        data.is_valid(raise_exception=True)
        rule_set = rule_set_services.rule_set_create(actor=request.user, **data.validated_data)
        return Response(RuleSetSerializer(selectors.rule_set_get(user=request.user, pk=rule_set.pk)).data, status=201)

    def _update(self, request: Request, *, partial: bool) -> Response:
        rule_set = self.get_object()
        data = (RuleSetUpdateInput if partial else RuleSetInput)(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        rule_set_services.rule_set_update(
            actor=request.user, rule_set=rule_set, name=values.get("name"), rules=values.get("rules")
        )
        return Response(RuleSetSerializer(selectors.rule_set_get(user=request.user, pk=rule_set.pk)).data)

    @extend_schema(request=RuleSetInput, responses=RuleSetSerializer)
    def update(self, request: Request, pk: str | None = None) -> Response:
        return self._update(request, partial=False)

    @extend_schema(request=RuleSetUpdateInput, responses=RuleSetSerializer)
    def partial_update(self, request: Request, pk: str | None = None) -> Response:
        return self._update(request, partial=True)


class CounterViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Refused messages per day and reason, the last 30 days (city-wide administrators and officials)."""

    serializer_class = RefusedCounterSerializer
    pagination_class = None

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):
            return IngestCounter.objects.none()
        if not selectors.sees_counters(self.request.user):
            raise PermissionDenied
        return selectors.counter_list(user=self.request.user)

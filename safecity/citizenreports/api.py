"""Citizens' hazard reports API (issue 17 part 3).

Public, without an account: ``POST /api/citizen-reports/submit/`` (multipart: the point,
description, photos, optional phone; answers the receipt code) and
``GET /api/citizen-reports/status/{receipt}/`` (the outcome in words, nothing else). Officials:
``/api/citizen-reports/reports/`` (the triage queue within reach, with the queue's filters), a
report's detail (photos, timeline; the reporter's phone only for those who may triage it), and the
triage steps as POSTs on a report: ``dismiss``, ``merge``, ``hazard``.

Refusals: ``transition_not_allowed`` 409 (already triaged); ``rate_limited`` 429 (too many reports
from one address); invalid input 400 with its fields; a report outside the caller's reach 404; one
the caller sees but may not triage 403.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from safecity.citizenreports import rules, selectors
from safecity.citizenreports.filtersets import ReportFilterSet
from safecity.citizenreports.models import CitizenReport, ReportEvent
from safecity.citizenreports.services import triage
from safecity.citizenreports.services.common import CitizenReportError
from safecity.citizenreports.services.submit import report_submit
from safecity.citizenreports.views_public import client_address, too_large_words
from safecity.core.api.errors import conflict_caller
from safecity.core.api.fields import IdRelatedField
from safecity.core.ids import id_or_none
from safecity.core.models import Organisation
from safecity.hazards.choices import HazardLevel, HazardType
from safecity.hazards.models import HiddenHazard

call = conflict_caller(CitizenReportError, {"transition_not_allowed"})


class RateLimited(exceptions.APIException):
    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    default_code = "rate_limited"


class TooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "too_large"


class ReportSerializer(serializers.ModelSerializer):
    """A report in the queue: never the phone."""

    receipt = serializers.CharField(source="receipt_display", read_only=True)
    district_code = serializers.CharField(source="district.code", read_only=True, help_text="division code")
    district_name = serializers.CharField(source="district.name", read_only=True)
    state_display = serializers.CharField(source="get_state_display", read_only=True)

    class Meta:
        model = CitizenReport
        fields = [
            "id", "receipt", "district_code", "district_name", "latitude", "longitude", "place", "description",
            "submitted_at", "state", "state_display", "triaged_at", "dismiss_reason", "hazard",
        ]  # fmt: skip
        read_only_fields = fields


class ReportEventSerializer(serializers.ModelSerializer):
    action_display = serializers.CharField(source="get_action_display", read_only=True)

    class Meta:
        model = ReportEvent
        fields = ["id", "action", "action_display", "from_state", "to_state", "actor_label", "at", "comment"]
        read_only_fields = fields


class ReportPhotoOutput(serializers.Serializer):
    id = serializers.IntegerField()
    url = serializers.CharField()
    width = serializers.IntegerField()
    height = serializers.IntegerField()


class ReportDetailSerializer(ReportSerializer):
    reporter_phone = serializers.SerializerMethodField(help_text="only for those who may triage the report")
    photos = serializers.SerializerMethodField()
    events = serializers.SerializerMethodField()
    outcome = serializers.SerializerMethodField(help_text="what the citizen reads on the receipt page")

    class Meta(ReportSerializer.Meta):
        fields = [*ReportSerializer.Meta.fields, "reporter_phone", "photos", "events", "outcome"]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_reporter_phone(self, obj: CitizenReport) -> str | None:
        user = self.context["request"].user
        return obj.reporter_phone if selectors.phone_visible(user, obj) else None

    @extend_schema_field(ReportPhotoOutput(many=True))
    def get_photos(self, obj: CitizenReport) -> list[dict[str, Any]]:
        user = self.context["request"].user
        return [
            {"id": p.pk, "url": reverse("citizenreports:photo", args=[obj.pk, p.pk]), "width": p.width, "height": p.height}
            for p in selectors.report_photos(user=user, report=obj)
        ]

    @extend_schema_field(ReportEventSerializer(many=True))
    def get_events(self, obj: CitizenReport) -> Any:
        user = self.context["request"].user
        return ReportEventSerializer(selectors.report_events(user=user, report=obj), many=True).data

    def get_outcome(self, obj: CitizenReport) -> str:
        return selectors.outcome_words(obj)


class DismissInput(serializers.Serializer):
    reason = serializers.CharField(max_length=2000, help_text="the citizen reads it")


class ScopedIdField(IdRelatedField):
    """An id of a row the caller reaches, checked against the scoped queryset the view builds per
    request (``context["<field>_queryset"]``; none at all without it): an id out of reach and one
    that does not exist get the same answer, so nothing tells them apart."""

    default_error_messages = {"does_not_exist": _("Nothing with this id is within your reach.")}

    def get_queryset(self) -> Any:
        return self.context.get(f"{self.field_name}_queryset", self.queryset)


class MergeInput(serializers.Serializer):
    hazard = ScopedIdField(queryset=HiddenHazard.objects.none(), help_text="a known hidden hazard within reach")


class HazardInput(serializers.Serializer):
    organisation = ScopedIdField(
        queryset=Organisation.objects.none(), help_text="an enterprise or place of the report's district, within reach"
    )
    hazard_type = serializers.ChoiceField(choices=HazardType.choices, default=HazardType.OTHER)
    level = serializers.ChoiceField(choices=HazardLevel.choices, default=HazardLevel.GENERAL)
    description = serializers.CharField(max_length=2000, required=False, default="", allow_blank=True)
    deadline = serializers.DateField(required=False, allow_null=True, default=None)


class ReportViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The citizens' reports within reach (the triage queue); each triage step is a POST on one."""

    serializer_class = ReportSerializer
    filterset_class = ReportFilterSet
    lookup_value_regex = r"[0-9]+"

    def get_queryset(self) -> Any:
        if not selectors.sees_reports(self.request.user):
            return CitizenReport.objects.none()
        return selectors.report_list(user=self.request.user)

    def get_object(self) -> Any:
        pk = id_or_none(self.kwargs.get("pk"))
        if pk is None or not selectors.sees_reports(self.request.user):
            raise Http404
        return selectors.report_get(user=self.request.user, pk=pk)

    def _detail(self, request: Request, pk: int) -> Response:
        report = selectors.report_get(user=request.user, pk=pk)
        return Response(ReportDetailSerializer(report, context={"request": request}).data)

    @extend_schema(responses=ReportDetailSerializer)
    def retrieve(self, request: Request, pk: str | None = None) -> Response:
        return self._detail(request, self.get_object().pk)

    def _triager(self, request: Request) -> CitizenReport:
        report = self.get_object()
        if not selectors.may_triage(request.user, report) and report.state == "received":
            raise PermissionDenied
        return report

    @extend_schema(request=DismissInput, responses=ReportDetailSerializer)
    @action(detail=True, methods=["post"], filterset_class=None)
    def dismiss(self, request: Request, pk: str | None = None) -> Response:
        """Dismiss the report with a reason the citizen reads."""
        report = self._triager(request)
        body = DismissInput(data=request.data)
        body.is_valid(raise_exception=True)
        call(triage.report_dismiss, actor=request.user, report=report, **body.validated_data)
        return self._detail(request, report.pk)

    @extend_schema(request=MergeInput, responses=ReportDetailSerializer)
    @action(detail=True, methods=["post"], filterset_class=None)
    def merge(self, request: Request, pk: str | None = None) -> Response:
        """Merge the report with a known hidden hazard."""
        report = self._triager(request)
        body = MergeInput(
            data=request.data, context={"hazard_queryset": selectors.hazards_of_district(user=request.user, report=report)}
        )
        body.is_valid(raise_exception=True)
        call(triage.report_merge, actor=request.user, report=report, **body.validated_data)
        return self._detail(request, report.pk)

    @extend_schema(request=HazardInput, responses=ReportDetailSerializer)
    @action(detail=True, methods=["post"], filterset_class=None)
    def hazard(self, request: Request, pk: str | None = None) -> Response:
        """Record the report as a new hidden hazard of the enterprise or place responsible."""
        report = self._triager(request)
        organisations = selectors.organisations_of_district(user=request.user, report=report)
        body = HazardInput(data=request.data, context={"organisation_queryset": organisations})
        body.is_valid(raise_exception=True)
        call(triage.report_to_hazard, actor=request.user, report=report, **body.validated_data)
        return self._detail(request, report.pk)


class SubmitInput(serializers.Serializer):
    latitude = serializers.DecimalField(max_digits=9, decimal_places=6, required=False, allow_null=True, default=None)
    longitude = serializers.DecimalField(max_digits=10, decimal_places=6, required=False, allow_null=True, default=None)
    description = serializers.CharField(required=False, allow_blank=True, default="", max_length=20000)
    place = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)
    phone = serializers.CharField(required=False, allow_blank=True, default="", max_length=40)
    photos = serializers.ListField(child=serializers.FileField(), required=False, default=list, max_length=50)


class ReceiptOutput(serializers.Serializer):
    receipt = serializers.CharField()
    status_url = serializers.CharField()


class PublicStatusOutput(serializers.Serializer):
    receipt = serializers.CharField()
    submitted_at = serializers.DateTimeField()
    district = serializers.CharField()
    state_label = serializers.CharField()
    outcome = serializers.CharField()
    triaged_at = serializers.DateTimeField(allow_null=True)
    photo_count = serializers.IntegerField()


class SubmitView(APIView):
    """Report a hazard without an account (multipart). Answers the receipt code."""

    permission_classes = [AllowAny]
    authentication_classes: list[Any] = []
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(request=SubmitInput, responses={201: ReceiptOutput}, auth=[])
    def post(self, request: Request) -> Response:
        # From the declared length, before DRF parses (and buffers) the body.
        if rules.request_too_large(request._request.META):
            raise TooLarge(detail=too_large_words())
        body = SubmitInput(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        try:
            report = report_submit(
                latitude=data["latitude"],
                longitude=data["longitude"],
                description=data["description"],
                place=data["place"],
                phone=data["phone"],
                photos=request.FILES.getlist("photos"),
                address=client_address(request._request),
            )
        except CitizenReportError as error:
            if error.error_code == "rate_limited":
                raise RateLimited(detail=" ".join(error.messages)) from None
            raise
        return Response(
            {
                "receipt": report.receipt_display,
                "status_url": reverse("citizenreports:receipt", args=[report.receipt_code]),
            },
            status=201,
        )


class StatusView(APIView):
    """A report's outcome in words, by its receipt code (no account)."""

    permission_classes = [AllowAny]
    authentication_classes: list[Any] = []

    @extend_schema(responses=PublicStatusOutput, auth=[])
    def get(self, request: Request, code: str) -> Response:
        found = selectors.public_status(code=code)
        return Response(
            PublicStatusOutput(
                {
                    "receipt": found.receipt,
                    "submitted_at": found.submitted_at,
                    "district": found.district,
                    "state_label": found.state_label,
                    "outcome": found.outcome,
                    "triaged_at": found.triaged_at,
                    "photo_count": found.photo_count,
                }
            ).data
        )

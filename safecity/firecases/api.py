"""Fire-case API: thin serializers and views over selectors and services (core error format)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response

from safecity.core.api.fields import IdRelatedField
from safecity.core.models import Organisation
from safecity.firecases import selectors, services
from safecity.firecases.choices import DecisionKind, FollowUpOutcome, ReplyAssessment
from safecity.firecases.models import (
    Case,
    CaseEvent,
    FireInspection,
    Hearing,
    Lead,
    MajorFireHazardUnit,
    SuggestionLetter,
)


class AgencyViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Only procurators and fire officers (``sees``); the selector decides the rows."""

    sees = staticmethod(selectors.sees_fire_cases)

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        if not self.sees(request.user):
            raise PermissionDenied


class UnitSerializer(serializers.ModelSerializer):
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)

    class Meta:
        model = MajorFireHazardUnit
        fields = ["id", "organisation", "organisation_name", "method", "direct_items", "comprehensive_elements", "discussion", "evidence", "determined_on"]  # fmt: skip


class InspectionSerializer(serializers.ModelSerializer):
    class Meta:
        model = FireInspection
        fields = ["id", "organisation", "fire_brigade", "inspected_on", "inspectors", "result", "notes", "hazards"]


class LeadSerializer(serializers.ModelSerializer):
    class Meta:
        model = Lead
        fields = ["id", "organisation", "fire_brigade", "inspection", "major_unit", "description", "status", "referred_at"]


class CaseSerializer(serializers.ModelSerializer):
    unit = serializers.CharField(source="lead.organisation.name", read_only=True)
    state_display = serializers.CharField(source="get_state_display", read_only=True)
    open_reply_due = serializers.DateField(read_only=True, allow_null=True)
    has_late_reply = serializers.BooleanField(read_only=True)

    class Meta:
        model = Case
        fields = ["id", "number", "title", "unit", "lead", "state", "state_display", "urgent", "filed_at", "open_reply_due", "has_late_reply"]  # fmt: skip


class CaseTimelineSerializer(serializers.ModelSerializer):
    class Meta:
        model = CaseEvent
        fields = ["action", "from_state", "to_state", "actor_label", "at", "comment"]


class LetterSerializer(serializers.ModelSerializer):
    reply_late = serializers.BooleanField(source="reply.late", read_only=True, default=None)

    class Meta:
        model = SuggestionLetter
        fields = ["id", "number", "case", "addressee", "facts", "suggestions", "urgent", "issued_on", "delivered_on", "reply_due", "reply_late"]  # fmt: skip


class HearingSerializer(serializers.ModelSerializer):
    class Meta:
        model = Hearing
        fields = ["id", "case", "scheduled_at", "location", "is_public", "notice_sent_at", "public_notice", "published_at", "held_at"]  # fmt: skip


class LetterInput(serializers.Serializer):
    case = IdRelatedField(queryset=Case.objects.none(), allow_null=True, required=False)
    addressee = IdRelatedField(queryset=Organisation.objects.none())
    facts = serializers.CharField()
    suggestions = serializers.CharField()
    issued_on = serializers.DateField(required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["case"].queryset = selectors.case_list(user=request.user)  # type: ignore[attr-defined]
            # An addressee outside the procurator's reach does not exist for them (as in the UI).
            self.fields["addressee"].queryset = selectors.letter_addressees(user=request.user)  # type: ignore[attr-defined]


class FileCaseInput(serializers.Serializer):
    urgent = serializers.BooleanField(default=False, help_text="an urgent case (shorter reply period)")


class ReplyInput(serializers.Serializer):
    received_on = serializers.DateField()
    content = serializers.CharField()


class HearingInput(serializers.Serializer):
    scheduled_at = serializers.DateTimeField()
    location = serializers.CharField()
    is_public = serializers.BooleanField(default=True)
    notice_sent_at = serializers.DateTimeField(required=False, allow_null=True)


class UnitViewSet(AgencyViewSet):
    serializer_class = UnitSerializer
    sees = staticmethod(selectors.sees_fire_subsystem)  # officials too (issue 13)

    def get_queryset(self) -> Any:
        return selectors.major_unit_list(user=self.request.user)


class InspectionViewSet(AgencyViewSet):
    serializer_class = InspectionSerializer

    def get_queryset(self) -> Any:
        return selectors.inspection_list(user=self.request.user).prefetch_related("hazards")


class LeadViewSet(AgencyViewSet):
    serializer_class = LeadSerializer

    def get_queryset(self) -> Any:
        return selectors.lead_list(user=self.request.user)

    @extend_schema(request=FileCaseInput, responses={201: CaseSerializer})
    @action(detail=True, methods=["post"], url_path="file")
    def file_case(self, request: Request, pk: str | None = None) -> Response:
        body = FileCaseInput(data=request.data)
        body.is_valid(raise_exception=True)
        case = services.case_file(actor=request.user, lead=self.get_object(), urgent=body.validated_data["urgent"])
        return Response(CaseSerializer(selectors.case_get(user=request.user, pk=case.pk)).data, status=201)


class StepInput(serializers.Serializer):
    """The later steps of a case; each field belongs to the step named in the URL."""

    comment = serializers.CharField(required=False, allow_blank=True, default="")
    delivered_on = serializers.DateField(required=False, allow_null=True, default=None)
    assessment = serializers.ChoiceField(choices=ReplyAssessment.choices, required=False)
    note = serializers.CharField(required=False, allow_blank=True, default="")
    reviewed_on = serializers.DateField(required=False)
    outcome = serializers.ChoiceField(choices=FollowUpOutcome.choices, required=False)
    findings = serializers.CharField(required=False, allow_blank=True, default="")
    kind = serializers.ChoiceField(choices=DecisionKind.choices, required=False)
    reason = serializers.CharField(required=False, allow_blank=True, default="")
    notified_on = serializers.DateField(required=False, allow_null=True, default=None)
    filed_on = serializers.DateField(required=False)
    court = serializers.CharField(required=False, allow_blank=True, default="")
    persons = serializers.ListField(child=serializers.DictField(child=serializers.CharField()), required=False, default=list)


def _need(data: dict[str, Any], *names: str) -> None:
    missing = {name: [_("This field is required.")] for name in names if data.get(name) in (None, "")}
    if missing:
        raise serializers.ValidationError(missing)


class CaseStepsMixin:
    """POST the later steps of a case: investigate, deliver the letter, assess the reply, follow-up
    review, decide, notify a decision not to sue, record the prosecution. Same services as the UI."""

    # URL name -> (service step, the input fields it takes, those required).
    STEP_INPUT: dict[str, tuple[str, tuple[str, ...], tuple[str, ...]]] = {
        "investigate": ("investigate", ("comment",), ()),
        "deliver": ("deliver_letter", ("delivered_on",), ()),
        "assess": ("assess_reply", ("assessment", "note"), ("assessment",)),
        "follow-up": ("follow_up", ("reviewed_on", "outcome", "findings"), ("reviewed_on", "outcome")),
        "decide": ("decide", ("kind", "reason", "notified_on"), ("kind", "reason")),
        "notify": ("notify_not_sue", ("notified_on",), ()),
        "prosecute": ("record_prosecution", ("filed_on", "court", "persons"), ("filed_on", "court", "persons")),
    }

    def _step(self, request: Request, name: str) -> Response:
        case = self.get_object()  # type: ignore[attr-defined]
        body = StepInput(data=request.data)
        body.is_valid(raise_exception=True)
        step, fields, required = self.STEP_INPUT[name]
        _need(body.validated_data, *required)
        data = {field: body.validated_data[field] for field in fields if field in body.validated_data}
        # The same service as the case page: it picks the letter, reply or decision the step concerns.
        services.case_step_apply(actor=request.user, case=case, step=step, data=data)
        return Response(CaseSerializer(selectors.case_get(user=request.user, pk=case.pk)).data)

    @extend_schema(request=StepInput, responses=CaseSerializer)
    @action(detail=True, methods=["post"])
    def investigate(self, request: Request, pk: str | None = None) -> Response:
        return self._step(request, "investigate")

    @extend_schema(request=StepInput, responses=CaseSerializer)
    @action(detail=True, methods=["post"])
    def deliver(self, request: Request, pk: str | None = None) -> Response:
        return self._step(request, "deliver")

    @extend_schema(request=StepInput, responses=CaseSerializer)
    @action(detail=True, methods=["post"])
    def assess(self, request: Request, pk: str | None = None) -> Response:
        return self._step(request, "assess")

    @extend_schema(request=StepInput, responses=CaseSerializer)
    @action(detail=True, methods=["post"], url_path="follow-up")
    def follow_up(self, request: Request, pk: str | None = None) -> Response:
        return self._step(request, "follow-up")

    @extend_schema(request=StepInput, responses=CaseSerializer)
    @action(detail=True, methods=["post"])
    def decide(self, request: Request, pk: str | None = None) -> Response:
        return self._step(request, "decide")

    @extend_schema(request=StepInput, responses=CaseSerializer)
    @action(detail=True, methods=["post"])
    def notify(self, request: Request, pk: str | None = None) -> Response:
        return self._step(request, "notify")

    @extend_schema(request=StepInput, responses=CaseSerializer)
    @action(detail=True, methods=["post"])
    def prosecute(self, request: Request, pk: str | None = None) -> Response:
        return self._step(request, "prosecute")


class CaseViewSet(CaseStepsMixin, AgencyViewSet):
    """Officials see the case list and each case's status (issue 13); the timeline and the steps
    are the agencies' (the steps' services refuse everyone but the procurator)."""

    serializer_class = CaseSerializer
    sees = staticmethod(selectors.sees_fire_subsystem)

    def get_queryset(self) -> Any:
        return selectors.case_list(user=self.request.user, state=self.request.query_params.get("state"))

    @extend_schema(responses=CaseTimelineSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None)
    def timeline(self, request: Request, pk: str | None = None) -> Response:
        if not selectors.sees_fire_cases(request.user):
            raise PermissionDenied
        return Response(
            CaseTimelineSerializer(selectors.case_timeline(user=request.user, case=self.get_object()), many=True).data
        )

    @extend_schema(request=HearingInput, responses=HearingSerializer)
    @action(detail=True, methods=["post"])
    def hearing(self, request: Request, pk: str | None = None) -> Response:
        body = HearingInput(data=request.data)
        body.is_valid(raise_exception=True)
        hearing = services.hearing_schedule(actor=request.user, case=self.get_object(), **body.validated_data)
        return Response(HearingSerializer(hearing).data, status=201)


class LetterViewSet(AgencyViewSet, mixins.CreateModelMixin):
    serializer_class = LetterSerializer

    def get_queryset(self) -> Any:
        return selectors.letter_list(user=self.request.user)

    @extend_schema(request=LetterInput, responses=LetterSerializer)
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        body = LetterInput(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        letter = services.letter_issue(actor=request.user, **{"case": None, **body.validated_data})
        return Response(LetterSerializer(letter).data, status=201)

    @extend_schema(request=ReplyInput, responses=LetterSerializer)
    @action(detail=True, methods=["post"])
    def reply(self, request: Request, pk: str | None = None) -> Response:
        body = ReplyInput(data=request.data)
        body.is_valid(raise_exception=True)
        letter = self.get_object()
        services.reply_record(actor=request.user, letter=letter, **body.validated_data)
        return Response(LetterSerializer(selectors.letter_get(user=request.user, pk=letter.pk)).data, status=201)


class HearingViewSet(AgencyViewSet):
    serializer_class = HearingSerializer

    def get_queryset(self) -> Any:
        return selectors.hearing_list(user=self.request.user)

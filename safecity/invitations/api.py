"""Invitation-style inspections API (issue 16): the invitations within reach (list with the list's
filters, detail with checklist, findings and their no-penalty conditions, timeline), invite with a
POST, each step a POST on the invitation, and the findings referred to enforcement. Thin
serializers over ``selectors.py`` and ``services/`` (the core error format).

Refusals: ``transition_not_allowed`` and ``conflict`` answer 409 (accepting twice, rating twice);
invalid input 400 with its fields (a date in the past, a late schedule without its reason, a
rating out of 1-5); a record outside the caller's reach 404; a visible one the caller may not
change 403.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from safecity.core.api.errors import conflict_caller
from safecity.core.api.fields import IdField, IdRelatedField
from safecity.core.ids import id_or_none
from safecity.core.models import Organisation, Person
from safecity.core.scoping import scoped
from safecity.deepchecks.models import Expert
from safecity.hazards.choices import HazardLevel, HazardType
from safecity.invitations import selectors
from safecity.invitations.choices import ConditionStatus, ItemResult
from safecity.invitations.filtersets import InvitationFilterSet, ReferralFilterSet
from safecity.invitations.models import AssociationMember, ChecklistItem, Finding, Invitation, InvitationEvent
from safecity.invitations.services import invitations as svc
from safecity.invitations.services.common import InvitationError
from safecity.invitations.services.findings import no_penalty_conditions, rectified_on
from safecity.riskdict.models import CheckItem

CONFLICTS = {"transition_not_allowed", "conflict"}


call = conflict_caller(InvitationError, CONFLICTS)


class InvitationSerializer(serializers.ModelSerializer):
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    region = serializers.CharField(source="enterprise.region.code", read_only=True, help_text="division code")
    authority_name = serializers.CharField(source="authority.name", read_only=True)
    state_display = serializers.CharField(source="get_state_display", read_only=True)
    scheduled_late = serializers.BooleanField(read_only=True)

    class Meta:
        model = Invitation
        fields = [
            "id", "enterprise", "enterprise_name", "region", "association", "authority", "authority_name", "state",
            "state_display", "topic", "concerns", "preferred_from", "preferred_to", "invited_on", "sla_due_on",
            "accepted_on", "scheduled_on", "scheduled_late", "late_reason", "decline_reason", "inspected_on",
            "reported_on", "advice", "fatal_accident_3y", "dishonest", "followed_up_on", "follow_up_note", "rating",
            "rating_comment",
        ]  # fmt: skip
        read_only_fields = fields


class ChecklistItemSerializer(serializers.ModelSerializer):
    result_display = serializers.CharField(source="get_result_display", read_only=True)

    class Meta:
        model = ChecklistItem
        fields = ["id", "check_item", "content", "result", "result_display", "note", "position"]
        read_only_fields = fields


class NoPenaltyConditionSerializer(serializers.Serializer):
    condition = serializers.CharField()
    condition_label = serializers.CharField()
    status = serializers.ChoiceField(choices=ConditionStatus.choices)
    status_label = serializers.CharField()


class InvitationFindingSerializer(serializers.ModelSerializer):
    hazard_code = serializers.CharField(source="hazard.code", read_only=True, allow_null=True)
    description = serializers.CharField(source="hazard.description", read_only=True)
    deadline = serializers.DateField(source="hazard.deadline", read_only=True, allow_null=True)
    hazard_state = serializers.IntegerField(source="hazard.state", read_only=True)
    hazard_state_display = serializers.CharField(source="hazard.get_state_display", read_only=True)
    enterprise_name = serializers.CharField(source="invitation.enterprise.name", read_only=True)
    rectified_on = serializers.SerializerMethodField()
    no_penalty = serializers.SerializerMethodField()

    class Meta:
        model = Finding
        fields = [
            "id", "invitation", "hazard", "hazard_code", "description", "deadline", "hazard_state", "hazard_state_display",
            "enterprise_name", "item", "first_violation", "minor_harm", "referred_at", "rectified_on", "no_penalty",
        ]  # fmt: skip
        read_only_fields = fields

    @extend_schema_field(serializers.DateField(allow_null=True))
    def get_rectified_on(self, obj: Finding) -> Any:
        day = rectified_on(obj.hazard)
        return day.isoformat() if day else None

    @extend_schema_field(NoPenaltyConditionSerializer(many=True))
    def get_no_penalty(self, obj: Finding) -> list[dict[str, str]]:
        return [
            {"condition": c.condition, "condition_label": c.label, "status": c.status, "status_label": c.status_label}
            for c in no_penalty_conditions(obj)
        ]


class InvitationEventSerializer(serializers.ModelSerializer):
    action_display = serializers.CharField(source="get_action_display", read_only=True)

    class Meta:
        model = InvitationEvent
        fields = ["id", "action", "action_display", "from_state", "to_state", "actor_label", "at", "comment"]
        read_only_fields = fields


class InvitationDetailSerializer(InvitationSerializer):
    inspectors = serializers.SerializerMethodField()
    experts = serializers.SerializerMethodField()
    items = ChecklistItemSerializer(many=True, read_only=True)
    findings = serializers.SerializerMethodField()
    events = serializers.SerializerMethodField()

    class Meta(InvitationSerializer.Meta):
        fields = [*InvitationSerializer.Meta.fields, "inspectors", "experts", "items", "findings", "events"]
        read_only_fields = fields

    def get_inspectors(self, obj: Invitation) -> list[str]:
        return [p.name for p in obj.inspectors.order_by("name")]

    def get_experts(self, obj: Invitation) -> list[str]:
        return [e.person.name for e in obj.experts.select_related("person").order_by("person__name")]

    @extend_schema_field(InvitationFindingSerializer(many=True))
    def get_findings(self, obj: Invitation) -> Any:
        user = self.context["request"].user
        return InvitationFindingSerializer(selectors.invitation_findings(user=user, invitation=obj), many=True).data

    @extend_schema_field(InvitationEventSerializer(many=True))
    def get_events(self, obj: Invitation) -> Any:
        user = self.context["request"].user
        return InvitationEventSerializer(selectors.invitation_events(user=user, invitation=obj), many=True).data


# --- inputs --------------------------------------------------------------------------------------


class InviteInput(serializers.Serializer):
    enterprise = IdRelatedField(queryset=Organisation.objects.all())
    authority = IdRelatedField(queryset=Organisation.objects.all())
    topic = serializers.CharField(max_length=200)
    preferred_from = serializers.DateField()
    preferred_to = serializers.DateField()
    concerns = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")
    association = IdRelatedField(
        queryset=Organisation.objects.all(), required=False, allow_null=True, default=None,
        help_text="the trade association that invites on the enterprise's behalf, if any",
    )  # fmt: skip


def _within_reach(serializer: serializers.Serializer, name: str) -> None:
    """Limit the organisation id field ``name`` to the organisations the caller sees (core's
    scoping), so an association out of reach answers as one that does not exist and the service
    never names it."""
    request = serializer.context.get("request")
    reach = scoped(Organisation, request.user) if request is not None else Organisation.objects.none()
    serializer.fields[name].queryset = reach  # type: ignore[attr-defined]


class MembersInviteInput(serializers.Serializer):
    association = IdRelatedField(queryset=Organisation.objects.all(), help_text="the trade association that invites")
    enterprises = serializers.ListField(
        child=IdRelatedField(queryset=Organisation.objects.all()), min_length=1, max_length=200,
        help_text="its member enterprises: one invitation each",
    )  # fmt: skip
    authority = IdRelatedField(queryset=Organisation.objects.all())
    topic = serializers.CharField(max_length=200)
    preferred_from = serializers.DateField()
    preferred_to = serializers.DateField()
    concerns = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _within_reach(self, "association")


class AssociationMemberSerializer(serializers.ModelSerializer):
    id = IdField(read_only=True)
    association = IdField(source="association_id", read_only=True)
    association_name = serializers.CharField(source="association.name", read_only=True)
    enterprise = IdField(source="enterprise_id", read_only=True)
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)

    class Meta:
        model = AssociationMember
        fields = ["id", "association", "association_name", "enterprise", "enterprise_name", "joined_on"]


class MemberAddInput(serializers.Serializer):
    association = IdRelatedField(queryset=Organisation.objects.all())
    credit_code = serializers.CharField(max_length=18, help_text="the enterprise's unified social credit code")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _within_reach(self, "association")


class ScheduleInput(serializers.Serializer):
    scheduled_on = serializers.DateField()
    inspectors = serializers.ListField(child=IdRelatedField(queryset=Person.objects.all()), max_length=20)
    experts = serializers.ListField(
        child=IdRelatedField(queryset=Expert.objects.all()), max_length=20, required=False, default=list
    )
    check_items = serializers.ListField(
        child=IdRelatedField(queryset=CheckItem.objects.all()), max_length=500, required=False, default=list
    )
    free_items = serializers.ListField(child=serializers.CharField(max_length=1000), max_length=200, required=False, default=list)
    late_reason = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class ReasonInput(serializers.Serializer):
    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class ChecklistResultInput(serializers.Serializer):
    item = IdField()
    result = serializers.ChoiceField(choices=ItemResult.choices)
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class ChecklistInput(serializers.Serializer):
    results = ChecklistResultInput(many=True, required=False, default=list)
    added = serializers.ListField(child=serializers.CharField(max_length=1000), max_length=200, required=False, default=list)


class InvitationFindingInput(serializers.Serializer):
    description = serializers.CharField(max_length=4000)
    deadline = serializers.DateField()
    hazard_type = serializers.ChoiceField(choices=HazardType.choices, required=False, default=HazardType.SAFETY)
    level = serializers.ChoiceField(choices=HazardLevel.choices, required=False, default=HazardLevel.GENERAL)
    location = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    item = IdField(required=False, allow_null=True, default=None)
    first_violation = serializers.BooleanField(required=False, default=True)
    minor_harm = serializers.BooleanField(required=False, default=True)


class ReportInput(serializers.Serializer):
    inspected_on = serializers.DateField()
    advice = serializers.CharField(max_length=8000, required=False, allow_blank=True, default="")
    findings = InvitationFindingInput(many=True, required=False, default=list)
    fatal_accident_3y = serializers.BooleanField()
    dishonest = serializers.BooleanField()


class FollowUpInput(serializers.Serializer):
    visited_on = serializers.DateField()
    note = serializers.CharField(max_length=4000)


class RateInput(serializers.Serializer):
    # Checked by the service (one message for every out-of-range value, in words).
    rating = serializers.IntegerField(help_text="1 (poor) to 5 (excellent)")
    comment = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


# --- views ---------------------------------------------------------------------------------------


class InvitationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The invited inspections within reach; POST invites one; each step is a POST on it."""

    serializer_class = InvitationSerializer
    filterset_class = InvitationFilterSet
    lookup_value_regex = r"[0-9]+"

    def get_queryset(self) -> Any:
        return selectors.invitation_list(user=self.request.user)

    def get_object(self) -> Any:
        pk = id_or_none(self.kwargs.get("pk"))
        obj = self.get_queryset().filter(pk=pk).first() if pk is not None else None
        if obj is None:
            raise Http404
        return obj

    def _detail(self, request: Request, pk: int, status_code: int = 200) -> Response:
        invitation = self.get_queryset().prefetch_related("items").filter(pk=pk).first()
        if invitation is None:
            raise Http404
        return Response(InvitationDetailSerializer(invitation, context={"request": request}).data, status=status_code)

    @extend_schema(responses=InvitationDetailSerializer)
    def retrieve(self, request: Request, pk: str | None = None) -> Response:
        return self._detail(request, self.get_object().pk)

    @extend_schema(request=InviteInput, responses={201: InvitationDetailSerializer})
    def create(self, request: Request) -> Response:
        if not selectors.may_invite(request.user):
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied
        body = InviteInput(data=request.data)
        body.is_valid(raise_exception=True)
        invitation = call(svc.invitation_create, actor=request.user, **body.validated_data)
        return self._detail(request, invitation.pk, 201)

    @extend_schema(request=MembersInviteInput, responses={201: InvitationSerializer(many=True)})
    @action(detail=False, methods=["post"], url_path="for-members", filterset_class=None, pagination_class=None)
    def for_members(self, request: Request) -> Response:
        """A trade association invites for several member enterprises: one invitation each, all or none."""
        if not selectors.may_invite(request.user):
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied
        body = MembersInviteInput(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        made = call(svc.invitations_create_for_members, actor=request.user, **body.validated_data)
        rows = self.get_queryset().filter(pk__in=[i.pk for i in made]).order_by("pk")
        return Response(InvitationSerializer(rows, many=True, context={"request": request}).data, status=201)

    def _step(
        self, request: Request, fn: Callable[..., Any], input_class: type[serializers.Serializer], **extra: Any
    ) -> Response:
        invitation = self.get_object()
        body = input_class(data=request.data)
        body.is_valid(raise_exception=True)
        values = dict(body.validated_data)
        values.update({k: v(values, invitation) for k, v in extra.items()})
        call(fn, actor=request.user, invitation=invitation, **values)
        return self._detail(request, invitation.pk)

    @extend_schema(request=ScheduleInput, responses=InvitationDetailSerializer)
    @action(detail=True, methods=["post"], filterset_class=None)
    def schedule(self, request: Request, pk: str | None = None) -> Response:
        """Accept and schedule: the date, the inspectors, experts, the checklist (within the SLA, or with the reason)."""
        return self._step(request, svc.invitation_schedule, ScheduleInput)

    @extend_schema(request=ReasonInput, responses=InvitationDetailSerializer)
    @action(detail=True, methods=["post"], filterset_class=None)
    def decline(self, request: Request, pk: str | None = None) -> Response:
        """Decline the invitation (the reason is required)."""
        return self._step(request, svc.invitation_decline, ReasonInput)

    @extend_schema(request=ReasonInput, responses=InvitationDetailSerializer)
    @action(detail=True, methods=["post"], filterset_class=None)
    def withdraw(self, request: Request, pk: str | None = None) -> Response:
        """The enterprise withdraws its invitation before it is scheduled."""
        return self._step(request, svc.invitation_withdraw, ReasonInput)

    @extend_schema(request=ChecklistInput, responses=InvitationDetailSerializer)
    @action(detail=True, methods=["post"], filterset_class=None)
    def checklist(self, request: Request, pk: str | None = None) -> Response:
        """Record the checklist's results on site, and items added there."""
        invitation = self.get_object()
        body = ChecklistInput(data=request.data)
        body.is_valid(raise_exception=True)
        results = {r["item"]: (r["result"], r["note"]) for r in body.validated_data["results"]}
        call(svc.checklist_record, actor=request.user, invitation=invitation, results=results, added=body.validated_data["added"])
        return self._detail(request, invitation.pk)

    @extend_schema(request=ReportInput, responses=InvitationDetailSerializer)
    @action(detail=True, methods=["post"], filterset_class=None)
    def report(self, request: Request, pk: str | None = None) -> Response:
        """The report: findings (each a hidden hazard with its deadline), advice, the no-penalty facts."""
        invitation = self.get_object()
        body = ReportInput(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        items = {i.pk: i for i in invitation.items.all()}
        inputs = []
        for n, f in enumerate(data["findings"], start=1):
            item = None
            if f["item"] is not None:
                item = items.get(f["item"])
                if item is None:
                    raise serializers.ValidationError(
                        {"findings": [_("Finding %(n)d: the checklist item is not of this inspection.") % {"n": n}]}
                    )
            inputs.append(
                svc.FindingInput(
                    description=f["description"], deadline=f["deadline"], hazard_type=int(f["hazard_type"]),
                    level=int(f["level"]), location=f["location"], item=item, first_violation=f["first_violation"],
                    minor_harm=f["minor_harm"],
                )
            )  # fmt: skip
        call(
            svc.invitation_report, actor=request.user, invitation=invitation, inspected_on=data["inspected_on"],
            advice=data["advice"], findings=inputs, fatal_accident_3y=data["fatal_accident_3y"], dishonest=data["dishonest"],
        )  # fmt: skip
        return self._detail(request, invitation.pk)

    @extend_schema(request=FollowUpInput, responses=InvitationDetailSerializer)
    @action(detail=True, methods=["post"], url_path="follow-up", filterset_class=None)
    def follow_up(self, request: Request, pk: str | None = None) -> Response:
        """Record the follow-up visit that checks the rectification."""
        return self._step(request, svc.invitation_follow_up, FollowUpInput)

    @extend_schema(request=RateInput, responses=InvitationDetailSerializer)
    @action(detail=True, methods=["post"], filterset_class=None)
    def rate(self, request: Request, pk: str | None = None) -> Response:
        """The enterprise rates the reported inspection, once, 1 to 5."""
        return self._step(request, svc.invitation_rate, RateInput)


class ReferralViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Findings referred to enforcement (unrectified after their deadline): the authority's only."""

    serializer_class = InvitationFindingSerializer
    filterset_class = ReferralFilterSet

    def get_queryset(self) -> Any:
        return selectors.enforcement_list(user=self.request.user)


class AssociationMemberViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet
):
    """The trade associations' members within reach; POST adds one by its credit code (the
    association's people, or an official over the enterprise); DELETE removes it (or the
    enterprise leaves)."""

    serializer_class = AssociationMemberSerializer
    lookup_value_regex = r"[0-9]+"

    def get_queryset(self) -> Any:
        if not selectors.sees_invitations(self.request.user):
            return AssociationMember.objects.none()
        return selectors.association_members(user=self.request.user)

    def get_object(self) -> Any:
        return selectors.association_member_get(user=self.request.user, pk=self.kwargs.get("pk"))

    @extend_schema(request=MemberAddInput, responses={201: AssociationMemberSerializer})
    def create(self, request: Request) -> Response:
        body = MemberAddInput(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        member = call(svc.association_member_add, actor=request.user, **body.validated_data)
        return Response(AssociationMemberSerializer(member).data, status=201)

    def perform_destroy(self, instance: Any) -> None:
        svc.association_member_remove(actor=self.request.user, member=instance)

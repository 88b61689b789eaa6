"""Innovation selection API: thin serializers and views over the same selectors and services as the UI.

Errors use the core format ``{code, message, fields}``; service refusals (ValidationError /
PermissionDenied) are mapped by the core exception handler. The published lists need no
authentication. The library is ``/api/library/entries/`` (``safecity.library.api``); its former
addresses here redirect there permanently (``api_urls.py``).
"""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from safecity.core.api.fields import IdField, IdRelatedField
from safecity.core.models import Organisation, Person
from safecity.core.scoping import scoped
from safecity.innovation import selectors, services
from safecity.innovation.choices import EntryState, InnovationCategory
from safecity.innovation.models import (
    Criterion,
    EntryMaterial,
    InnovationEntry,
    JudgeAssignment,
    Score,
    SelectedEntry,
    Selection,
    SelectionRound,
)


class CriterionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Criterion
        fields = ["id", "name", "weight", "order"]


class RoundSerializer(serializers.ModelSerializer):
    criteria = CriterionSerializer(many=True, read_only=True)
    state = serializers.CharField(read_only=True)
    state_display = serializers.CharField(source="get_state_display", read_only=True)

    class Meta:
        model = SelectionRound
        fields = ["id", "year", "title", "state", "state_display", "select_count", "scale_max", "min_judges", "submission_deadline", "criteria"]  # fmt: skip


class RoundInput(serializers.Serializer):
    year = serializers.IntegerField(min_value=1900, max_value=2100)
    title = serializers.CharField(max_length=200)
    submission_deadline = serializers.DateField()
    select_count = serializers.IntegerField(min_value=1, default=38)
    scale_max = serializers.IntegerField(min_value=1, max_value=100, default=10)
    min_judges = serializers.IntegerField(min_value=1, default=3)


class CriterionInput(serializers.Serializer):
    name = serializers.CharField(max_length=60)
    weight = serializers.IntegerField()


class CriteriaInput(serializers.Serializer):
    criteria = CriterionInput(many=True)


class JudgeSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="person.name", read_only=True)
    organisation = serializers.CharField(source="person.organisation.name", read_only=True)

    class Meta:
        model = JudgeAssignment
        fields = ["id", "person", "name", "organisation"]


class JudgeInput(serializers.Serializer):
    person = IdRelatedField(queryset=Person.objects.none())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["person"].queryset = scoped(Person, request.user)  # type: ignore[attr-defined]


class SelectInput(serializers.Serializer):
    count = serializers.IntegerField(min_value=1, required=False)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class JudgeCellSerializer(serializers.Serializer):
    judge = serializers.IntegerField()
    total = serializers.FloatField()
    z = serializers.FloatField()


class RankedSerializer(serializers.Serializer):
    rank = serializers.IntegerField()
    entry = serializers.IntegerField(source="entry_id")
    title = serializers.CharField()
    department = serializers.CharField()
    score = serializers.FloatField()
    mean_raw = serializers.FloatField()
    judges = serializers.IntegerField()
    top_criterion_mean = serializers.FloatField()
    flagged = serializers.BooleanField()
    decided_by = serializers.CharField()
    per_judge = JudgeCellSerializer(many=True)


class SelectedSerializer(serializers.ModelSerializer):
    category_display = serializers.CharField(source="get_category_display", read_only=True)

    class Meta:
        model = SelectedEntry
        fields = ["rank", "entry", "title", "department_name", "category_display", "score", "mean_raw", "judges", "decided_by"]  # fmt: skip


class SelectionSerializer(serializers.ModelSerializer):
    year = serializers.IntegerField(source="round.year", read_only=True)
    title = serializers.CharField(source="round.title", read_only=True)
    rows = SelectedSerializer(many=True, read_only=True)

    class Meta:
        model = Selection
        fields = ["id", "year", "title", "count", "selected_at", "selected_by_label", "published_at", "rows"]


class RoundViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Rounds (everybody signed in); the committee office creates and runs them."""

    serializer_class = RoundSerializer

    def get_queryset(self) -> Any:
        return selectors.round_list(user=self.request.user).prefetch_related("criteria").order_by("-year", "id")

    @extend_schema(request=RoundInput, responses=RoundSerializer)
    def create(self, request: Request) -> Response:
        body = RoundInput(data=request.data)
        body.is_valid(raise_exception=True)
        round = services.round_create(actor=request.user, **body.validated_data)
        return Response(RoundSerializer(round).data, status=201)

    @extend_schema(request=CriteriaInput, responses=CriterionSerializer(many=True))
    @action(detail=True, methods=["post"])
    def criteria(self, request: Request, pk: str | None = None) -> Response:
        body = CriteriaInput(data=request.data)
        body.is_valid(raise_exception=True)
        rows = [(c["name"], c["weight"]) for c in body.validated_data["criteria"]]
        created = services.criteria_set(actor=request.user, round=self.get_object(), criteria=rows)
        return Response(CriterionSerializer(created, many=True).data)

    @extend_schema(methods=["get"], responses=JudgeSerializer(many=True))
    @extend_schema(methods=["post"], request=JudgeInput, responses={201: JudgeSerializer})
    @action(detail=True, methods=["get", "post"], pagination_class=None)
    def judges(self, request: Request, pk: str | None = None) -> Response:
        round = self.get_object()
        if request.method == "GET":
            return Response(JudgeSerializer(selectors.judge_list(user=request.user, round=round), many=True).data)
        body = JudgeInput(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        assignment = services.judge_assign(actor=request.user, round=round, person=body.validated_data["person"])
        return Response(JudgeSerializer(assignment).data, status=201)

    @extend_schema(request=None, responses=RoundSerializer)
    @action(detail=True, methods=["post"], url_path="start-judging")
    def start_judging(self, request: Request, pk: str | None = None) -> Response:
        round = services.round_start_judging(actor=request.user, round=self.get_object())
        return Response(RoundSerializer(round).data)

    @extend_schema(responses=RankedSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None)
    def ranking(self, request: Request, pk: str | None = None) -> Response:
        result = selectors.round_ranking(user=request.user, round=self.get_object())
        rows = [
            {
                **r.__dict__,
                "title": result.entries[r.entry_id].title,
                "department": result.entries[r.entry_id].department.name,
                "per_judge": [{"judge": j, "total": t, "z": z} for j, (t, z) in r.per_judge.items()],
            }
            for r in result.ranked
        ]
        return Response(RankedSerializer(rows, many=True).data)

    @extend_schema(request=SelectInput, responses=SelectionSerializer)
    @action(detail=True, methods=["post"])
    def select(self, request: Request, pk: str | None = None) -> Response:
        body = SelectInput(data=request.data)
        body.is_valid(raise_exception=True)
        selection = services.selection_make(actor=request.user, round=self.get_object(), **body.validated_data)
        return Response(SelectionSerializer(selection).data, status=201)

    @extend_schema(request=None, responses=SelectionSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request: Request, pk: str | None = None) -> Response:
        selection = services.selection_publish(actor=request.user, round=self.get_object())
        return Response(SelectionSerializer(selection).data)


class MaterialSerializer(serializers.ModelSerializer):
    class Meta:
        model = EntryMaterial
        fields = ["id", "title", "content_type", "size", "created_at"]


class EntrySerializer(serializers.ModelSerializer):
    department_name = serializers.CharField(source="department.name", read_only=True)
    year = serializers.IntegerField(source="round.year", read_only=True)
    category = serializers.CharField(read_only=True)
    category_display = serializers.CharField(source="get_category_display", read_only=True)
    state = serializers.CharField(read_only=True)
    material_count = serializers.IntegerField(read_only=True, default=0)

    class Meta:
        model = InnovationEntry
        fields = ["id", "round", "year", "department", "department_name", "category", "category_display", "title", "summary", "state", "submitted_at", "selected", "rank", "material_count"]  # fmt: skip


class EntryInput(serializers.Serializer):
    round = IdRelatedField(queryset=SelectionRound.objects.all())
    department = IdRelatedField(queryset=Organisation.objects.none())
    category = serializers.ChoiceField(choices=InnovationCategory.choices)
    title = serializers.CharField(max_length=200)
    summary = serializers.CharField()
    submit = serializers.BooleanField(default=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["department"].queryset = scoped(Organisation, request.user)  # type: ignore[attr-defined]


class MaterialInput(serializers.Serializer):
    file = serializers.FileField()
    title = serializers.CharField(required=False, allow_blank=True, default="")


class EntryQuery(serializers.Serializer):
    """The filters of the entry list (a malformed value is a 400 naming it)."""

    round = IdField(required=False)
    category = serializers.ChoiceField(choices=InnovationCategory.choices, required=False)
    state = serializers.ChoiceField(choices=EntryState.choices, required=False)
    q = serializers.CharField(required=False, allow_blank=True, max_length=200)


class EntryViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Entries the user may see; departments create, submit, withdraw and attach materials."""

    serializer_class = EntrySerializer
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_queryset(self) -> Any:
        params: dict[str, Any] = {}
        if self.action == "list":
            query = EntryQuery(data=self.request.query_params.dict())
            query.is_valid(raise_exception=True)
            params = dict(query.validated_data)
        round = None
        if params.get("round"):
            round = selectors.round_get(user=self.request.user, pk=params["round"])
        return selectors.entry_list(user=self.request.user, round=round, category=params.get("category"), state=params.get("state"), q=params.get("q"))  # fmt: skip

    @extend_schema(parameters=[EntryQuery])
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(request=EntryInput, responses=EntrySerializer)
    def create(self, request: Request) -> Response:
        body = EntryInput(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        entry = services.entry_create(actor=request.user, **body.validated_data)
        return Response(EntrySerializer(entry).data, status=201)

    @extend_schema(request=None, responses=EntrySerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: str | None = None) -> Response:
        return Response(EntrySerializer(services.entry_submit(actor=request.user, entry=self.get_object())).data)

    @extend_schema(request=None, responses=EntrySerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request: Request, pk: str | None = None) -> Response:
        return Response(EntrySerializer(services.entry_withdraw(actor=request.user, entry=self.get_object())).data)

    @extend_schema(methods=["get"], responses=MaterialSerializer(many=True))
    @extend_schema(methods=["post"], request={"multipart/form-data": MaterialInput}, responses={201: MaterialSerializer})
    @action(detail=True, methods=["get", "post"], pagination_class=None)
    def materials(self, request: Request, pk: str | None = None) -> Response:
        entry = self.get_object()
        if request.method == "GET":
            return Response(MaterialSerializer(selectors.materials_of(user=request.user, entry=entry), many=True).data)
        body = MaterialInput(data=request.data)
        body.is_valid(raise_exception=True)
        material = services.material_add(actor=request.user, entry=entry, **body.validated_data)
        return Response(MaterialSerializer(material).data, status=201)


class ScoreSerializer(serializers.ModelSerializer):
    judge_name = serializers.CharField(source="judge.person.name", read_only=True)

    class Meta:
        model = Score
        fields = ["id", "judge", "judge_name", "entry", "criterion", "value", "updated_at"]


class ScoreInput(serializers.Serializer):
    entry = IdField()
    criterion = IdField()
    value = serializers.CharField(help_text="0..the round's scale, one decimal at most")
    judge = IdField(required=False, help_text="judge assignment (committee office entering a paper sheet)")


class ScoreViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Scores: a judge sees and gives their own; the committee office sees all and may enter a judge's sheet."""

    serializer_class = ScoreSerializer

    def get_queryset(self) -> Any:
        return selectors.my_scores(user=self.request.user)

    @extend_schema(request=ScoreInput, responses=ScoreSerializer)
    def create(self, request: Request) -> Response:
        body = ScoreInput(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        try:
            entry = selectors.entry_get(user=request.user, pk=data["entry"])
        except Http404:
            raise serializers.ValidationError({"entry": [_("Unknown entry.")]}) from None
        if data.get("judge"):
            assignment = selectors.judge_list(user=request.user, round=entry.round).filter(pk=data["judge"]).first()
        else:
            assignment = selectors.my_assignment(user=request.user, round=entry.round)
        if assignment is None:
            raise PermissionDenied
        score = services.score_record(
            actor=request.user, assignment=assignment, entry_id=entry.pk, criterion_id=data["criterion"], value=data["value"]
        )
        return Response(ScoreSerializer(score).data, status=201)


class PublishedViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The published lists (public, no login)."""

    serializer_class = SelectionSerializer
    permission_classes = [AllowAny]

    def get_queryset(self) -> Any:
        return selectors.selection_list(user=self.request.user).filter(published_at__isnull=False).prefetch_related("rows")

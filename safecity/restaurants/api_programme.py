"""Restaurant gas safety API, the programme (issue 15): the conversion campaigns, each restaurant's
conversion steps, and the programme's progress. Thin serializers over ``selectors.py`` and
``services/conversion.py``; the shared pieces (the error mapping, the scoped viewset, the query
parameters) are ``api.py``'s.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from safecity.core.api.fields import IdField
from safecity.core.models import Region
from safecity.core.scoping import roles_for
from safecity.restaurants import selectors
from safecity.restaurants.api import (
    ACTION_PATHS,
    FILE_PARSERS,
    REGION,
    STEP_PARSERS,
    YEAR,
    ScopedViewSet,
    call,
    region_param,
    year_param,
)
from safecity.restaurants.choices import Acceptor, ConversionAction, ConversionStep, ConversionTarget
from safecity.restaurants.filtersets import CampaignFilterSet, ConversionFilterSet
from safecity.restaurants.models import Campaign, Conversion, ConversionEvent, ConversionEvidence
from safecity.restaurants.services import conversion as conversion_services
from safecity.restaurants.transitions import offered

# --- campaigns --------------------------------------------------------------------------------


class GasCampaignSerializer(serializers.ModelSerializer):
    region = serializers.CharField(source="region.code", read_only=True, help_text="division code")
    region_name = serializers.CharField(source="region.name", read_only=True)
    restaurants = serializers.IntegerField(read_only=True, source="restaurant_count", default=0, help_text="restaurants listed")

    class Meta:
        model = Campaign
        fields = [
            "id", "name", "region", "region_name", "deadline", "subsidy_rate", "subsidy_cap", "description", "restaurants",
        ]  # fmt: skip
        read_only_fields = fields


class GasCampaignInput(serializers.Serializer):
    name = serializers.CharField(max_length=120)
    region = serializers.SlugRelatedField(slug_field="code", queryset=Region.objects.all(), help_text="division code")
    deadline = serializers.DateField()
    subsidy_cap = serializers.DecimalField(max_digits=10, decimal_places=2, min_value=0, help_text="yuan per restaurant")
    subsidy_rate = serializers.DecimalField(
        max_digits=3, decimal_places=2, min_value=0, max_value=1, required=False, help_text="share of the cost, e.g. 0.30"
    )
    description = serializers.CharField(required=False, allow_blank=True, default="")


class GasCampaignRestaurantsInput(serializers.Serializer):
    restaurants = serializers.ListField(child=IdField(), allow_empty=False, max_length=1000)


class ConversionSerializer(serializers.ModelSerializer):
    campaign_name = serializers.CharField(source="campaign.name", read_only=True)
    restaurant_name = serializers.CharField(source="restaurant.organisation.name", read_only=True)
    credit_code = serializers.CharField(source="restaurant.organisation.credit_code", read_only=True, allow_null=True)
    street = serializers.CharField(source="restaurant.organisation.region.code", read_only=True)
    street_name = serializers.CharField(source="restaurant.organisation.region.name", read_only=True)
    district_name = serializers.SerializerMethodField()
    step_display = serializers.CharField(source="get_step_display", read_only=True)
    # Blank until the plan / the acceptance: the schema says so (the model's choices do not).
    target = serializers.ChoiceField(choices=ConversionTarget.choices, allow_blank=True, read_only=True)
    acceptor = serializers.ChoiceField(choices=Acceptor.choices, allow_blank=True, read_only=True)
    target_display = serializers.CharField(source="get_target_display", read_only=True)
    acceptor_display = serializers.CharField(source="get_acceptor_display", read_only=True)
    subsidy_limit = serializers.SerializerMethodField(help_text="The most the programme pays (yuan), once the cost is known")

    class Meta:
        model = Conversion
        fields = [
            "id", "campaign", "campaign_name", "restaurant", "restaurant_name", "credit_code", "street", "street_name",
            "district_name", "step", "step_display", "surveyed_on", "appliances", "pipe_feasible", "electric_feasible",
            "willing", "survey_note", "target", "target_display", "infeasible_reason", "planned_on",
            "construction_started_on", "accepted_on", "acceptor", "acceptor_display", "acceptor_name", "cost",
            "subsidy_limit", "subsidy_amount", "subsidy_applied_on", "subsidy_approved_on", "subsidy_paid_on",
        ]  # fmt: skip
        read_only_fields = fields

    def get_district_name(self, obj: Conversion) -> str:
        parent = obj.restaurant.organisation.region.parent
        return parent.name if parent is not None else ""

    @extend_schema_field(serializers.DecimalField(max_digits=10, decimal_places=2, allow_null=True))
    def get_subsidy_limit(self, obj: Conversion) -> str | None:
        if obj.cost is None:
            return None
        return f"{conversion_services.subsidy_limit(obj):.2f}"


class ConversionEventSerializer(serializers.ModelSerializer):
    action_display = serializers.CharField(source="get_action_display", read_only=True)

    class Meta:
        model = ConversionEvent
        fields = ["id", "action", "action_display", "from_step", "to_step", "actor_label", "at", "comment"]
        read_only_fields = fields


class ConversionEvidenceSerializer(serializers.ModelSerializer):
    # A plain string, not an enum: the hazards' evidence has a ``stage`` of other choices, and
    # one field name with two choice sets is a collision in the schema's enum names.
    stage = serializers.CharField(read_only=True, help_text="The step it documents: survey, accept, apply or pay")
    stage_display = serializers.CharField(source="get_stage_display", read_only=True)
    name = serializers.CharField(source="filename", read_only=True)

    class Meta:
        model = ConversionEvidence
        fields = ["id", "stage", "stage_display", "name", "content_type", "size"]
        read_only_fields = fields


class ConversionOfferedActionSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=ConversionAction.choices)
    action_display = serializers.CharField()
    path = serializers.CharField(help_text="POST /api/restaurants/conversions/{id}/<path>/")


class ConversionDetailSerializer(ConversionSerializer):
    events = ConversionEventSerializer(many=True, read_only=True)
    evidence = ConversionEvidenceSerializer(many=True, read_only=True)
    offered_actions = serializers.SerializerMethodField(help_text="The steps the caller may take now")

    class Meta(ConversionSerializer.Meta):
        fields = [*ConversionSerializer.Meta.fields, "events", "evidence", "offered_actions"]
        read_only_fields = fields

    @extend_schema_field(ConversionOfferedActionSerializer(many=True))
    def get_offered_actions(self, obj: Conversion) -> list[dict[str, str]]:
        request = self.context.get("request")
        if request is None:
            return []
        roles = roles_for(request.user, obj)
        return [
            {
                "action": t.action,
                "action_display": str(ConversionAction(t.action).label),
                "path": ACTION_PATHS[ConversionAction(t.action)],
            }
            for t in offered(obj, roles)
        ]


EXPECTED_HELP = "The step the record is at now; another step answers 409 (someone else was quicker)"


def _expected() -> serializers.ChoiceField:
    return serializers.ChoiceField(
        choices=ConversionStep.choices, required=False, allow_null=True, default=None, help_text=EXPECTED_HELP
    )


def _evidence(required: bool = False) -> serializers.ListField:
    return serializers.ListField(
        child=serializers.FileField(),
        required=required,
        allow_empty=not required,
        default=list if not required else serializers.empty,
        max_length=20,
        help_text="Photos (JPEG, PNG) or PDF documents (multipart)",
    )


class ConversionSurveyInput(serializers.Serializer):
    surveyed_on = serializers.DateField(required=False, allow_null=True, default=None, help_text="Default today")
    appliances = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    pipe_feasible = serializers.BooleanField()
    electric_feasible = serializers.BooleanField()
    willing = serializers.BooleanField()
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    evidence = _evidence()
    expected = _expected()


class ConversionPlanInput(serializers.Serializer):
    target = serializers.ChoiceField(choices=ConversionTarget.choices)
    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    planned_on = serializers.DateField(required=False, allow_null=True, default=None)
    expected = _expected()


class ConversionStartInput(serializers.Serializer):
    started_on = serializers.DateField(required=False, allow_null=True, default=None)
    expected = _expected()


class ConversionAcceptInput(serializers.Serializer):
    acceptor = serializers.ChoiceField(choices=Acceptor.choices)
    acceptor_name = serializers.CharField(max_length=120)
    cost = serializers.DecimalField(max_digits=10, decimal_places=2, min_value=0, help_text="yuan")
    accepted_on = serializers.DateField(required=False, allow_null=True, default=None)
    evidence = _evidence(required=True)
    expected = _expected()


class ConversionSubsidyApplyInput(serializers.Serializer):
    amount = serializers.DecimalField(max_digits=10, decimal_places=2, min_value=0, help_text="yuan")
    applied_on = serializers.DateField(required=False, allow_null=True, default=None)
    evidence = _evidence()
    expected = _expected()


class ConversionSubsidyApproveInput(serializers.Serializer):
    amount = serializers.DecimalField(
        max_digits=10, decimal_places=2, min_value=0, required=False, allow_null=True, default=None,
        help_text="yuan; the amount applied for when left out",
    )  # fmt: skip
    approved_on = serializers.DateField(required=False, allow_null=True, default=None)
    comment = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    expected = _expected()


class ConversionSubsidyPayInput(serializers.Serializer):
    paid_on = serializers.DateField(required=False, allow_null=True, default=None)
    evidence = _evidence()
    expected = _expected()


class ConversionProgressRowSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="division code (empty for the total)")
    name = serializers.CharField()
    district_code = serializers.CharField()
    district_name = serializers.CharField()
    restaurants = serializers.IntegerField(help_text="registered restaurants")
    on_bottled_lpg = serializers.IntegerField(help_text="restaurants still cooking with LPG cylinders")
    in_programme = serializers.IntegerField()
    surveyed = serializers.IntegerField()
    planned_pipe = serializers.IntegerField()
    planned_electric = serializers.IntegerField()
    safety_devices = serializers.IntegerField(help_text="on the safety-device track (cannot convert)")
    converted_pipe = serializers.IntegerField()
    converted_electric = serializers.IntegerField()
    converted = serializers.IntegerField()
    percent_converted = serializers.DecimalField(max_digits=4, decimal_places=1, allow_null=True)
    subsidy_paid = serializers.DecimalField(max_digits=14, decimal_places=2, help_text="yuan")


class ConversionProgressSerializer(serializers.Serializer):
    year = serializers.IntegerField(allow_null=True)
    streets = ConversionProgressRowSerializer(many=True)
    districts = ConversionProgressRowSerializer(many=True)
    total = ConversionProgressRowSerializer()


class GasCampaignViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """The conversion campaigns within reach; POST opens one; its restaurants are listed with a POST."""

    serializer_class = GasCampaignSerializer
    filterset_class = CampaignFilterSet

    def get_queryset(self) -> Any:
        from django.db.models import Count

        return selectors.campaign_list(user=self.request.user).annotate(restaurant_count=Count("conversions"))

    @extend_schema(request=GasCampaignInput, responses={201: GasCampaignSerializer})
    def create(self, request: Request) -> Response:
        body = GasCampaignInput(data=request.data)
        body.is_valid(raise_exception=True)
        campaign = call(conversion_services.campaign_create, actor=request.user, **body.validated_data)
        campaign = self.get_queryset().filter(pk=campaign.pk).first() or campaign
        return Response(GasCampaignSerializer(campaign).data, status=201)

    @extend_schema(request=GasCampaignRestaurantsInput, responses={201: ConversionSerializer(many=True)})
    @action(detail=True, methods=["post"], filterset_class=None)
    def restaurants(self, request: Request, pk: str | None = None) -> Response:
        """Put restaurants (ids) on the campaign's list, all or none."""
        campaign = self.get_object()
        body = GasCampaignRestaurantsInput(data=request.data)
        body.is_valid(raise_exception=True)
        ids = list(dict.fromkeys(body.validated_data["restaurants"]))
        found = {r.pk: r for r in selectors.restaurant_list(user=request.user).filter(pk__in=ids)}
        missing = [pk for pk in ids if pk not in found]
        if missing:
            raise serializers.ValidationError(
                {"restaurants": [_("No restaurant with id %(id)s within your reach.") % {"id": pk} for pk in missing]}
            )
        made = call(
            conversion_services.campaign_add_restaurants,
            actor=request.user,
            campaign=campaign,
            restaurants=[found[pk] for pk in ids],
        )
        rows = selectors.conversion_list(user=request.user).filter(pk__in=[c.pk for c in made])
        return Response(ConversionSerializer(rows, many=True).data, status=201)

    @extend_schema(parameters=[YEAR], responses=ConversionProgressSerializer)
    @action(detail=True, methods=["get"], pagination_class=None, filterset_class=None)
    def progress(self, request: Request, pk: str | None = None) -> Response:
        """The campaign's progress street by street (its restaurants only)."""
        campaign = self.get_object()
        figures = selectors.progress(user=request.user, year=year_param(request), campaign=campaign)
        return Response(ConversionProgressSerializer(figures).data)


# --- conversions ------------------------------------------------------------------------------


class ConversionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """The restaurants' conversions within reach; each step is a POST on the conversion (with
    ``expected``, the step the client saw, for optimistic concurrency)."""

    serializer_class = ConversionSerializer
    filterset_class = ConversionFilterSet
    # Page numbers (the default): ordered by campaign and restaurant name, as the registry is.

    def get_queryset(self) -> Any:
        return selectors.conversion_list(user=self.request.user)

    def get_serializer_class(self) -> Any:
        return ConversionSerializer if self.action == "list" else ConversionDetailSerializer

    def _detail(self, request: Request, pk: int) -> Response:
        conversion = self.get_queryset().prefetch_related("events", "evidence").filter(pk=pk).first()
        if conversion is None:  # a step the caller took left it out of their reach
            raise Http404
        return Response(ConversionDetailSerializer(conversion, context={"request": request}).data)

    def retrieve(self, request: Request, pk: str | None = None) -> Response:
        return self._detail(request, self.get_object().pk)

    def _step(self, request: Request, fn: Callable[..., Any], input_class: type[serializers.Serializer]) -> Response:
        conversion = self.get_object()
        body = input_class(data=request.data)
        body.is_valid(raise_exception=True)
        call(fn, actor=request.user, conversion=conversion, **body.validated_data)
        return self._detail(request, conversion.pk)

    @extend_schema(request=ConversionSurveyInput, responses=ConversionDetailSerializer)
    @action(detail=True, methods=["post"], parser_classes=STEP_PARSERS, filterset_class=None)
    def survey(self, request: Request, pk: str | None = None) -> Response:
        """Record the survey (一户一表): appliances, what is feasible, whether it is willing."""
        return self._step(request, conversion_services.conversion_survey, ConversionSurveyInput)

    @extend_schema(request=ConversionPlanInput, responses=ConversionDetailSerializer)
    @action(detail=True, methods=["post"], parser_classes=STEP_PARSERS, filterset_class=None)
    def plan(self, request: Request, pk: str | None = None) -> Response:
        """Decide: to piped gas, to electric, or neither (with the reason: the safety-device track)."""
        return self._step(request, conversion_services.conversion_plan, ConversionPlanInput)

    @extend_schema(request=ConversionStartInput, responses=ConversionDetailSerializer)
    @action(detail=True, methods=["post"], parser_classes=STEP_PARSERS, filterset_class=None)
    def start(self, request: Request, pk: str | None = None) -> Response:
        """Construction starts."""
        return self._step(request, conversion_services.conversion_start, ConversionStartInput)

    @extend_schema(request={"multipart/form-data": ConversionAcceptInput}, responses=ConversionDetailSerializer)
    @action(detail=True, methods=["post"], parser_classes=FILE_PARSERS, filterset_class=None)
    def accept(self, request: Request, pk: str | None = None) -> Response:
        """Record the acceptance with its certificate or photos (multipart; at least one file)."""
        return self._step(request, conversion_services.conversion_accept, ConversionAcceptInput)

    @extend_schema(request=ConversionSubsidyApplyInput, responses=ConversionDetailSerializer)
    @action(detail=True, methods=["post"], parser_classes=STEP_PARSERS, url_path="subsidy-apply", filterset_class=None)
    def subsidy_apply(self, request: Request, pk: str | None = None) -> Response:
        """Apply for the subsidy: at most the campaign's share of the cost and its cap."""
        return self._step(request, conversion_services.conversion_subsidy_apply, ConversionSubsidyApplyInput)

    @extend_schema(request=ConversionSubsidyApproveInput, responses=ConversionDetailSerializer)
    @action(detail=True, methods=["post"], parser_classes=STEP_PARSERS, url_path="subsidy-approve", filterset_class=None)
    def subsidy_approve(self, request: Request, pk: str | None = None) -> Response:
        """Approve the subsidy, as applied for or for less."""
        return self._step(request, conversion_services.conversion_subsidy_approve, ConversionSubsidyApproveInput)

    @extend_schema(request=ConversionSubsidyPayInput, responses=ConversionDetailSerializer)
    @action(detail=True, methods=["post"], parser_classes=STEP_PARSERS, url_path="subsidy-pay", filterset_class=None)
    def subsidy_pay(self, request: Request, pk: str | None = None) -> Response:
        """Record that the approved subsidy was paid."""
        return self._step(request, conversion_services.conversion_subsidy_pay, ConversionSubsidyPayInput)


class ConversionProgressView(APIView):
    """The programme's progress within reach, per street and per district (``?region=``, ``?year=``)."""

    @extend_schema(parameters=[REGION, YEAR], responses=ConversionProgressSerializer)
    def get(self, request: Request) -> Response:
        figures = selectors.progress(user=request.user, region=region_param(request), year=year_param(request))
        return Response(ConversionProgressSerializer(figures).data)

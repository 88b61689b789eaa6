"""The contracts API: group-purchase contracts (create, activate, close) and their visits' planning."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from safecity.core.api.fields import IdRelatedField
from safecity.core.models import Organisation, Region
from safecity.smallbiz import selectors
from safecity.smallbiz.api.common import ScopedViewSet, call
from safecity.smallbiz.models import Contract, ServiceProvider
from safecity.smallbiz.services import contracts as contract_services
from safecity.smallbiz.services import planning as planning_services

# --- contracts --------------------------------------------------------------------------------


class SmallbizContractSerializer(serializers.ModelSerializer):
    provider_name = serializers.CharField(source="provider.organisation.name", read_only=True)
    buyer_name = serializers.CharField(source="buyer.name", read_only=True)
    street = serializers.CharField(source="region.code", read_only=True)
    enterprise_count = serializers.IntegerField(read_only=True)
    government_amount = serializers.DecimalField(max_digits=12, decimal_places=2, read_only=True)
    enterprise_amount = serializers.DecimalField(max_digits=12, decimal_places=2, read_only=True)

    class Meta:
        model = Contract
        fields = [
            "id", "number", "title", "buyer_kind", "buyer_name", "street", "provider", "provider_name", "visits_per_year",
            "training", "emergency_plan", "price", "government_share", "government_amount", "enterprise_amount",
            "starts_on", "ends_on", "state", "enterprise_count",
        ]  # fmt: skip
        read_only_fields = fields


class SmallbizContractInputSerializer(serializers.Serializer):
    number = serializers.CharField(max_length=40)
    title = serializers.CharField(max_length=200)
    buyer_kind = serializers.ChoiceField(choices=["street", "trade_association"])
    buyer = IdRelatedField(queryset=Organisation.objects.all())
    street = serializers.CharField(max_length=12)
    provider = IdRelatedField(queryset=ServiceProvider.objects.all())
    enterprises = serializers.ListField(child=serializers.IntegerField(), allow_empty=False)
    price = serializers.DecimalField(max_digits=12, decimal_places=2)
    government_share = serializers.DecimalField(max_digits=3, decimal_places=2)
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    visits_per_year = serializers.IntegerField(min_value=1, max_value=52, default=4)
    training = serializers.BooleanField(default=False)
    emergency_plan = serializers.BooleanField(default=False)


class ContractViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    serializer_class = SmallbizContractSerializer

    def get_queryset(self) -> Any:
        return selectors.contract_list(user=self.request.user, filters={"state": self.request.query_params.get("state")})

    @extend_schema(request=SmallbizContractInputSerializer, responses={201: SmallbizContractSerializer})
    def create(self, request: Request) -> Response:
        data = SmallbizContractInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        region = Region.objects.filter(code=values.pop("street")).first()
        if region is None:
            raise serializers.ValidationError({"street": [_("No region has this division code.")]})
        ids = values.pop("enterprises")
        enterprises = list(selectors.enterprise_list(user=request.user).filter(pk__in=ids))
        if len(enterprises) != len(set(ids)):
            raise serializers.ValidationError({"enterprises": [_("Some of these enterprises are not in your register.")]})
        contract = call(contract_services.contract_create, actor=request.user, region=region, enterprises=enterprises, **values)
        return Response(SmallbizContractSerializer(self.get_queryset().get(pk=contract.pk)).data, status=201)

    @extend_schema(request=None, responses=SmallbizContractSerializer)
    @action(detail=True, methods=["post"])
    def activate(self, request: Request, pk: str | None = None) -> Response:
        call(contract_services.contract_activate, actor=request.user, contract=self.get_object())
        return Response(SmallbizContractSerializer(self.get_object()).data)

    @extend_schema(request=None, responses=SmallbizContractSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk: str | None = None) -> Response:
        call(contract_services.contract_close, actor=request.user, contract=self.get_object())
        return Response(SmallbizContractSerializer(self.get_object()).data)

    @extend_schema(
        request=None,
        responses=inline_serializer(
            "SmallbizPlanReport",
            {
                "status": serializers.ChoiceField(choices=["optimal", "feasible", "infeasible", "empty"]),
                "visits": serializers.IntegerField(help_text="visits planned"),
                "gap": serializers.FloatField(),
                "travel_minutes": serializers.IntegerField(),
                "naive_travel_minutes": serializers.IntegerField(),
                "engineer_days": serializers.IntegerField(),
                "naive_engineer_days": serializers.IntegerField(),
                "seconds": serializers.FloatField(),
                "explanations": serializers.ListField(child=serializers.CharField()),
            },
        ),
    )
    @action(detail=True, methods=["post"])
    def plan(self, request: Request, pk: str | None = None) -> Response:
        """Re-plan the contract's scheduled visits due from today (CP-SAT: engineers' capacity per
        day, travel between villages); the report says how, or why no plan exists."""
        if not planning_services.contract_plan_allowed(request.user):
            raise PermissionDenied
        report = call(planning_services.contract_visits_plan, actor=request.user, contract=self.get_object())
        return Response({**asdict(report), "explanations": list(report.explanations)})

"""What the parks API's modules share: the base viewset (numeric ids, a row out of reach is a
404), the error mapping (``call``: the core error format, ``duplicate`` and ``left`` answer 409),
the query-string helpers, the id field narrowed to the caller's reach, and the tenant row that the
park's tenant import and the tenant list both answer with."""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema_field
from rest_framework import serializers, viewsets
from rest_framework.request import Request

from safecity.core.api.errors import conflict_caller
from safecity.core.api.fields import IdRelatedField
from safecity.core.ids import id_or_none
from safecity.parks import selectors
from safecity.parks.choices import AgreementState
from safecity.parks.models import Tenant
from safecity.parks.services.common import ParksError
from safecity.parks.services.findings import TenantStatus

CONFLICTS = {"duplicate", "left"}
INT_MAX = 2**31 - 1  # PositiveIntegerField on PostgreSQL

call = conflict_caller(ParksError, CONFLICTS)


# --- shared ----------------------------------------------------------------------------------


class ReachIdField(IdRelatedField):
    """An id of a row the caller reaches: the view's serializer narrows ``queryset`` per request
    (:func:`within_reach`); an id out of reach and one that does not exist get the same answer."""

    default_error_messages = {"does_not_exist": gettext_lazy("Nothing with this id is within your reach.")}


def within_reach(serializer: serializers.Serializer, **querysets: Any) -> None:
    """Narrow the id fields named to what the caller reaches (core scoping); nothing without a request."""
    request = serializer.context.get("request")
    for name, make in querysets.items():
        field = serializer.fields.get(name)
        if field is None:
            continue
        target: Any = getattr(field, "child_relation", field)
        target.queryset = make(request.user) if request is not None else target.queryset.none()


class FiniteFloatField(serializers.FloatField):
    """A float that is a number (never NaN or infinity, which no JSON column stores)."""

    def to_internal_value(self, data: Any) -> float:
        if isinstance(data, bool):
            self.fail("invalid")
        value = super().to_internal_value(data)
        if not math.isfinite(value):
            self.fail("invalid")
        return value


def id_param(request: Request, name: str) -> int | None:
    """An id from the query string (``?park=12``); a malformed one is a 400, never a query."""
    raw = (request.query_params.get(name) or "").strip()
    if not raw:
        return None
    pk = id_or_none(raw)
    if pk is None:
        raise serializers.ValidationError({name: [_("A valid id (a whole number) is required.")]})
    return pk


def bool_param(request: Request, name: str, default: bool | None) -> bool | None:
    raw = (request.query_params.get(name) or "").strip().lower()
    if not raw:
        return default
    if raw in ("true", "1", "yes"):
        return True
    if raw in ("false", "0", "no"):
        return False
    raise serializers.ValidationError({name: [_("Write true or false.")]})


class ParksViewSet(viewsets.GenericViewSet):
    """Numeric ids in paths; a row out of reach is a 404 (the selector's ``*_get``)."""

    lookup_value_regex = r"[0-9]+"

    def get_object(self) -> Any:
        pk = id_or_none(self.kwargs.get("pk"))
        obj = self.get_queryset().filter(pk=pk).first() if pk is not None else None
        if obj is None:
            from django.http import Http404

            raise Http404
        return obj


PARK = OpenApiParameter("park", OpenApiTypes.INT64, description="a park's id: its rows only")
TENANT = OpenApiParameter("tenant", OpenApiTypes.INT64, description="a tenant's id: its rows only")


# --- the tenant row (the tenant list and the park's tenant import) ----------------------------


class ParkTenantSerializer(serializers.ModelSerializer):
    """A tenant with where it stands today (its statuses come in the context: two queries a page)."""

    park_name = serializers.CharField(source="park.name", read_only=True)
    full_number = serializers.CharField(read_only=True, help_text="the park's prefix and the unified number")
    name = serializers.CharField(source="organisation.name", read_only=True)
    credit_code = serializers.CharField(source="organisation.credit_code", read_only=True, allow_null=True)
    building_name = serializers.CharField(source="building.name", read_only=True, allow_null=True, default=None)
    in_park = serializers.BooleanField(read_only=True)
    agreement = serializers.SerializerMethodField()
    agreement_display = serializers.SerializerMethodField()
    agreement_until = serializers.SerializerMethodField()
    last_inspected_on = serializers.SerializerMethodField()
    inspection_overdue = serializers.SerializerMethodField()
    three_in_one = serializers.SerializerMethodField()
    notice_url = serializers.SerializerMethodField(help_text="the public safety notice (the nameplate's QR code)")

    class Meta:
        model = Tenant
        fields = [
            "id", "park", "park_name", "unified_number", "full_number", "organisation", "name", "credit_code",
            "business_scope", "building", "building_name", "area_m2", "workers", "dangerous_processes",
            "uses_production", "uses_storage", "uses_living", "entered_on", "left_on", "left_reason", "in_park",
            "safety_notice", "agreement", "agreement_display", "agreement_until", "last_inspected_on",
            "inspection_overdue", "three_in_one", "notice_url",
        ]  # fmt: skip
        read_only_fields = fields

    def _status(self, obj: Tenant) -> TenantStatus:
        statuses = self.context.get("statuses")
        if statuses is None or obj.pk not in statuses:
            statuses = self.context["statuses"] = {**(statuses or {}), **selectors.statuses([obj])}
        return statuses[obj.pk]

    @extend_schema_field(serializers.ChoiceField(choices=AgreementState.choices))
    def get_agreement(self, obj: Tenant) -> str:
        return str(self._status(obj).agreement)

    def get_agreement_display(self, obj: Tenant) -> str:
        return str(AgreementState(self._status(obj).agreement).label)

    @extend_schema_field(serializers.DateField(allow_null=True))
    def get_agreement_until(self, obj: Tenant) -> Any:
        day = self._status(obj).agreement_until
        return day.isoformat() if day else None

    @extend_schema_field(serializers.DateField(allow_null=True))
    def get_last_inspected_on(self, obj: Tenant) -> Any:
        day = self._status(obj).last_inspected_on
        return day.isoformat() if day else None

    def get_inspection_overdue(self, obj: Tenant) -> bool:
        return self._status(obj).inspection_overdue

    def get_three_in_one(self, obj: Tenant) -> bool:
        return self._status(obj).three_in_one

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_notice_url(self, obj: Tenant) -> str | None:
        # A tenant that left has no notice any more (selectors.public_notice).
        return reverse("parks:notice", args=[obj.notice_token]) if obj.left_on is None else None


def tenant_rows(tenants: Iterable[Tenant], request: Request) -> Any:
    tenants = list(tenants)
    context = {"request": request, "statuses": selectors.statuses(tenants)}
    return ParkTenantSerializer(tenants, many=True, context=context).data

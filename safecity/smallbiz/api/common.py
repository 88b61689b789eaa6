"""What the small-business API modules share: the refusals answered 409, the scoped viewset base
(404 for a record outside the caller's reach) and the ``region`` parameter."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers, viewsets
from rest_framework.request import Request

from safecity.core.api.errors import conflict_caller
from safecity.core.ids import id_or_none
from safecity.core.models import Region
from safecity.smallbiz.services.common import SmallbizError

CONFLICTS = {"duplicate", "transition_not_allowed", "guard"}


call = conflict_caller(SmallbizError, CONFLICTS)


class ScopedViewSet(viewsets.GenericViewSet):
    lookup_value_regex = r"[0-9]+"

    def get_object(self) -> Any:
        pk = id_or_none(self.kwargs.get("pk"))
        obj = self.get_queryset().filter(pk=pk).first() if pk is not None else None
        if obj is None:
            raise Http404
        return obj


def region_param(request: Request, name: str = "region") -> Region | None:
    code = (request.query_params.get(name) or request.data.get(name) or "").strip() if hasattr(request, "data") else ""
    if not code:
        return None
    region = Region.objects.filter(code=code[:12]).first()
    if region is None:
        raise serializers.ValidationError({name: [_("No region has this division code.")]})
    return region


REGION = OpenApiParameter("region", str, description="Division code: the region and everything under it")

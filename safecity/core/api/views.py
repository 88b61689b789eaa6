"""Core API: thin views that call selectors for reads and services for writes."""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from safecity.core import selectors, services
from safecity.core.api.serializers import (
    AuditEntrySerializer,
    OrganisationSerializer,
    PersonSerializer,
    RegionSerializer,
    RoleAssignmentSerializer,
)
from safecity.core.figures import FigureContext, as_json, indicator_values, no_access, panel_values, visible
from safecity.core.filtersets import AuditEntryFilterSet, OrganisationFilterSet, PersonFilterSet
from safecity.core.models import AuditEntry
from safecity.core.paging import KeysetPagination, api_year
from safecity.core.scoping import principal_for


class RegionViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.GenericViewSet
):
    """Administrative divisions. Reads: every signed-in user. Writes: city administrators."""

    serializer_class = RegionSerializer
    lookup_field = "code"
    filterset_fields = ["level", "parent__code", "depth"]

    def get_queryset(self) -> Any:
        return selectors.region_list(user=self.request.user)

    def perform_create(self, serializer: Any) -> None:
        serializer.instance = services.region_create(actor=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer: Any) -> None:
        serializer.instance = services.region_update(
            actor=self.request.user, region=serializer.instance, **serializer.validated_data
        )

    @extend_schema(responses=RegionSerializer(many=True))
    @action(detail=True, methods=["get"])
    def descendants(self, request: Request, code: str | None = None) -> Response:
        """Everything under this region (one indexed prefix query)."""
        region = self.get_object()
        queryset = self.get_queryset().filter(path__startswith=region.path).exclude(pk=region.pk)
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(RegionSerializer(page, many=True).data)


class OrganisationViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.GenericViewSet
):
    """Organisations within the caller's reach; filter with ``q``, ``kind``, ``region``, ``industry``."""

    serializer_class = OrganisationSerializer
    filterset_class = OrganisationFilterSet

    def get_queryset(self) -> Any:
        return selectors.organisation_list(user=self.request.user)

    def perform_create(self, serializer: Any) -> None:
        serializer.instance = services.organisation_create(actor=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer: Any) -> None:
        serializer.instance = services.organisation_update(
            actor=self.request.user, organisation=serializer.instance, **serializer.validated_data
        )

    @extend_schema(responses=AuditEntrySerializer(many=True))
    @action(detail=True, methods=["get"])
    def history(self, request: Request, pk: str | None = None) -> Response:
        """The audit trail of this organisation."""
        org = self.get_object()
        page = self.paginate_queryset(selectors.object_history(user=request.user, obj=org))
        return self.get_paginated_response(AuditEntrySerializer(page, many=True, context=self.get_serializer_context()).data)


class PersonViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = PersonSerializer
    filterset_class = PersonFilterSet

    def get_queryset(self) -> Any:
        return selectors.person_list(user=self.request.user)


class RoleAssignmentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = RoleAssignmentSerializer
    filterset_fields = ["role", "person", "organisation"]

    def get_queryset(self) -> Any:
        return selectors.role_assignment_list(user=self.request.user)


class AuditEntryViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The audit trail of the records the caller may see (each record's own scope rule); filter
    by ``model`` and ``object_id`` for one object. Keyset pages (``next`` carries ``?cursor=``):
    the same cost at any depth, and no ``count``."""

    serializer_class = AuditEntrySerializer
    filterset_class = AuditEntryFilterSet
    pagination_class = KeysetPagination

    def keyset_count(self, queryset: Any) -> None:
        """No count: counting a million-row trail would cost more than the page (the pager then
        answers ``count: null``)."""
        return None

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):  # schema generation: no user, no database reads
            return AuditEntry.objects.none()
        return selectors.audit_list(user=self.request.user)


class MeView(APIView):
    """Who the caller is and what their roles reach."""

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request: Request) -> Response:
        principal = principal_for(request.user)
        return Response(
            {
                "username": request.user.get_username(),
                "person_id": principal.person_id,
                "is_superuser": principal.is_superuser,
                "grants": [
                    {"role": g.role, "organisation_id": g.organisation_id, "region_path": g.region_path} for g in principal.grants
                ],
            }
        )


class FiguresView(APIView):
    """Every cockpit indicator and panel for a region and year, within the caller's reach (as the cockpit shows)."""

    @extend_schema(
        parameters=[
            OpenApiParameter("region", str, description="division code; default: the caller's jurisdiction"),
            OpenApiParameter("year", int, description="default: the current year"),
        ],
        responses=OpenApiTypes.OBJECT,
    )
    def get(self, request: Request) -> Response:
        region = selectors.cockpit_region(user=request.user, code=request.query_params.get("region"))
        year = api_year(request)
        ctx = FigureContext(region=region, year=year, user=request.user)
        values, data = indicator_values(ctx), panel_values(ctx)
        return Response(
            {
                "region": region.code,
                "year": year,
                "indicators": visible(values),
                "panels": {key: as_json(value) for key, value in visible(data).items()},
                # Figures the caller may not see: named, never given as zeros (issue 13).
                "no_access": no_access(values, data),
            }
        )

from __future__ import annotations

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from safecity.smallbiz import api

router = DefaultRouter()
router.register("enterprises", api.EnterpriseViewSet, basename="smallbiz-enterprise")
router.register("providers", api.ProviderViewSet, basename="smallbiz-provider")
router.register("qualifications", api.QualificationViewSet, basename="smallbiz-qualification")
router.register("areas", api.ServiceAreaViewSet, basename="smallbiz-area")
router.register("engineers", api.EngineerViewSet, basename="smallbiz-engineer")
router.register("contracts", api.ContractViewSet, basename="smallbiz-contract")
router.register("visits", api.VisitViewSet, basename="smallbiz-visit")
router.register("rounds", api.SupervisionRoundViewSet, basename="smallbiz-round")

urlpatterns = [
    path("streets/ranking/", api.StreetRankingView.as_view(), name="smallbiz-street-ranking"),
    path("", include(router.urls)),
]

from __future__ import annotations

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from safecity.hazards import api

router = DefaultRouter()
router.register("hazards", api.HazardViewSet, basename="hazard")
router.register("risk-events", api.RiskEventViewSet, basename="riskevent")
router.register("checks", api.DueCheckViewSet, basename="check")

urlpatterns = [
    path("statistics/", api.StatisticsView.as_view(), name="hazards-statistics"),
    path("registry/<int:organisation_id>/report/", api.ProvincialReportView.as_view(), name="hazards-provincial-report"),
    path("", include(router.urls)),
]

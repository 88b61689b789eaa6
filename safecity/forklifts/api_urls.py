from __future__ import annotations

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from safecity.forklifts import api

router = DefaultRouter()
router.register("forklifts", api.ForkliftViewSet, basename="forklift")
router.register("drivers", api.OperatorViewSet, basename="forkliftdriver")
router.register("plants", api.PlantViewSet, basename="plant")
router.register("checks", api.SafetyCheckViewSet, basename="forkliftcheck")
router.register("appointments", api.AppointmentViewSet, basename="safetyappointment")

urlpatterns = [
    path("compliance/", api.ComplianceView.as_view(), name="forklifts-compliance"),
    path("", include(router.urls)),
]

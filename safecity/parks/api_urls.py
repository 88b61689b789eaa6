from __future__ import annotations

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from safecity.parks import api

router = DefaultRouter()
router.register("parks", api.ParkViewSet, basename="park-park")
router.register("shapes", api.ShapeViewSet, basename="park-shape")
router.register("tenants", api.TenantViewSet, basename="park-tenant")
router.register("agreements", api.AgreementViewSet, basename="park-agreement")
router.register("inspections", api.InspectionViewSet, basename="park-inspection")
router.register("trainings", api.TrainingViewSet, basename="park-training")
router.register("findings", api.FindingViewSet, basename="park-finding")

urlpatterns = [
    path("campaign/", api.CampaignView.as_view(), name="park-campaign"),
    path("checklist/", api.ChecklistView.as_view(), name="park-checklist"),
    path("", include(router.urls)),
]

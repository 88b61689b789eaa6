from __future__ import annotations

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from safecity.firecases import api

router = DefaultRouter()
router.register("units", api.UnitViewSet, basename="firecases-unit")
router.register("inspections", api.InspectionViewSet, basename="firecases-inspection")
router.register("leads", api.LeadViewSet, basename="firecases-lead")
router.register("cases", api.CaseViewSet, basename="firecases-case")
router.register("letters", api.LetterViewSet, basename="firecases-letter")
router.register("hearings", api.HearingViewSet, basename="firecases-hearing")

urlpatterns = [path("", include(router.urls))]

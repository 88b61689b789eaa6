from __future__ import annotations

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from safecity.keyprojects import api

router = DefaultRouter()
router.register("subsystems", api.SubSystemViewSet, basename="keyprojects-subsystem")
router.register("plans", api.PlanViewSet, basename="keyprojects-plan")
router.register("projects", api.ProjectViewSet, basename="keyprojects-project")
router.register("milestones", api.MilestoneViewSet, basename="keyprojects-milestone")
router.register("reports", api.ReportViewSet, basename="keyprojects-report")

urlpatterns = [path("", include(router.urls))]

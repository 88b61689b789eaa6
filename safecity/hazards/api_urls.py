from __future__ import annotations

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from safecity.hazards import api, api_registry

router = DefaultRouter()
router.register("hazards", api.HazardViewSet, basename="hazard")
router.register("risk-events", api.RiskEventViewSet, basename="riskevent")
router.register("checks", api.DueCheckViewSet, basename="check")

urlpatterns = [
    path("statistics/", api.StatisticsView.as_view(), name="hazards-statistics"),
    path("registry/<int:organisation_id>/report/", api.ProvincialReportView.as_view(), name="hazards-provincial-report"),
    path("registry/<int:organisation_id>/", api_registry.RegistryView.as_view(), name="hazards-registry"),
    path("registry/<int:organisation_id>/objects/", api_registry.ObjectCreateView.as_view(), name="hazards-object-create"),
    path("risk-objects/<int:object_id>/units/", api_registry.UnitCreateView.as_view(), name="hazards-unit-create"),
    path("risk-units/<int:unit_id>/events/", api_registry.EventCreateView.as_view(), name="hazards-event-create"),
    path("risk-events/<int:event_id>/measures/", api_registry.MeasureCreateView.as_view(), name="hazards-measure-create"),
    path("measures/<int:measure_id>/tasks/", api_registry.TaskCreateView.as_view(), name="hazards-task-create"),
    path("", include(router.urls)),
]

from __future__ import annotations

from django.urls import include, path
from rest_framework.routers import DefaultRouter

import safecity.core.ids  # noqa: F401  (registers the <id:...> converter)
from safecity.hazards import api, api_registry

router = DefaultRouter()
router.register("hazards", api.HazardViewSet, basename="hazard")
router.register("risk-events", api.RiskEventViewSet, basename="riskevent")
router.register("checks", api.DueCheckViewSet, basename="check")

urlpatterns = [
    path("statistics/", api.StatisticsView.as_view(), name="hazards-statistics"),
    path("registry/<id:organisation_id>/report/", api.ProvincialReportView.as_view(), name="hazards-provincial-report"),
    path("registry/<id:organisation_id>/", api_registry.RegistryView.as_view(), name="hazards-registry"),
    path("registry/<id:organisation_id>/objects/", api_registry.ObjectCreateView.as_view(), name="hazards-object-create"),
    path("risk-objects/<id:object_id>/units/", api_registry.UnitCreateView.as_view(), name="hazards-unit-create"),
    path("risk-units/<id:unit_id>/events/", api_registry.EventCreateView.as_view(), name="hazards-event-create"),
    path("risk-events/<id:event_id>/measures/", api_registry.MeasureCreateView.as_view(), name="hazards-measure-create"),
    path("measures/<id:measure_id>/tasks/", api_registry.TaskCreateView.as_view(), name="hazards-task-create"),
    path("", include(router.urls)),
]

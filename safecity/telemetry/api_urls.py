from __future__ import annotations

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from safecity.telemetry import api

router = DefaultRouter()
router.register("devices", api.DeviceViewSet, basename="telemetry-device")
router.register("alarms", api.AlarmViewSet, basename="telemetry-alarm")
router.register("silences", api.SilenceViewSet, basename="telemetry-silence")
router.register("rule-sets", api.RuleSetViewSet, basename="telemetry-ruleset")
router.register("refused", api.CounterViewSet, basename="telemetry-refused")

urlpatterns = [
    path("", include(router.urls)),
]

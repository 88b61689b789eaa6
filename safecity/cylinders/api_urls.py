from __future__ import annotations

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from safecity.cylinders import api

router = DefaultRouter()
router.register("cylinders", api.CylinderViewSet, basename="cylinder")
router.register("fill-attempts", api.FillAttemptViewSet, basename="fillattempt")

urlpatterns = [
    path("gate/", api.GateView.as_view(), name="cylinders-gate"),
    path("public/<str:code>/", api.PublicHistoryView.as_view(), name="cylinders-public"),
    *[path(f"events/{kind}/", view.as_view(), name=f"cylinders-event-{kind}") for kind, view in api.EVENT_VIEWS.items()],
    path("", include(router.urls)),
]

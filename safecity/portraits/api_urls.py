from __future__ import annotations

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from safecity.portraits import api

router = DefaultRouter()
router.register("portraits", api.PortraitViewSet, basename="portrait")

urlpatterns = [
    path("rescore/", api.RescoreView.as_view(), name="portraits-rescore"),
    path("", include(router.urls)),
]

from __future__ import annotations

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from safecity.citizenreports import api

router = DefaultRouter()
router.register("reports", api.ReportViewSet, basename="citizen-report")

urlpatterns = [
    path("submit/", api.SubmitView.as_view(), name="citizen-report-submit"),
    path("status/<str:code>/", api.StatusView.as_view(), name="citizen-report-status"),
    path("", include(router.urls)),
]

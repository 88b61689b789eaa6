from __future__ import annotations

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from safecity.riskdict.api.views import DictionaryVersionViewSet

router = DefaultRouter()
router.include_root_view = False
router.register("versions", DictionaryVersionViewSet, basename="riskdict-version")

urlpatterns = [
    path("", include(router.urls)),
]

from __future__ import annotations

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from safecity.library import api

router = DefaultRouter()
router.register("entries", api.LibraryViewSet, basename="library-entry")

urlpatterns = [path("", include(router.urls))]

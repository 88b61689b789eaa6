from __future__ import annotations

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from safecity.innovation import api

router = DefaultRouter()
router.register("rounds", api.RoundViewSet, basename="innovation-round")
router.register("entries", api.EntryViewSet, basename="innovation-entry")
router.register("scores", api.ScoreViewSet, basename="innovation-score")
router.register("published", api.PublishedViewSet, basename="innovation-published")
router.register("library", api.LibraryViewSet, basename="innovation-library")

urlpatterns = [path("", include(router.urls))]

from __future__ import annotations

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from safecity.innovation import api
from safecity.library.moved import api_patterns as library_moved

router = DefaultRouter()
router.register("rounds", api.RoundViewSet, basename="innovation-round")
router.register("entries", api.EntryViewSet, basename="innovation-entry")
router.register("scores", api.ScoreViewSet, basename="innovation-score")
router.register("published", api.PublishedViewSet, basename="innovation-published")

# The library moved to /api/library/entries/: its former addresses redirect permanently (308).
urlpatterns = [*library_moved, path("", include(router.urls))]

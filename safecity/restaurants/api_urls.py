from __future__ import annotations

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from safecity.restaurants import api

router = DefaultRouter()
router.register("restaurants", api.RestaurantViewSet, basename="restaurant")
router.register("campaigns", api.GasCampaignViewSet, basename="restaurants-campaign")
router.register("conversions", api.ConversionViewSet, basename="restaurants-conversion")

urlpatterns = [
    path("progress/", api.ConversionProgressView.as_view(), name="restaurants-progress"),
    path("", include(router.urls)),
]

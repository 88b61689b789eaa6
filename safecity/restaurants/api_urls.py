from __future__ import annotations

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from safecity.restaurants import api, api_leaks, api_programme

router = DefaultRouter()
router.register("restaurants", api.RestaurantViewSet, basename="restaurant")
router.register("campaigns", api_programme.GasCampaignViewSet, basename="restaurants-campaign")
router.register("conversions", api_programme.ConversionViewSet, basename="restaurants-conversion")
router.register("leaks", api_leaks.LeakAlarmViewSet, basename="restaurants-leak")

urlpatterns = [
    path("progress/", api_programme.ConversionProgressView.as_view(), name="restaurants-progress"),
    path("", include(router.urls)),
]

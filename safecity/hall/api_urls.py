from __future__ import annotations

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from safecity.hall import api

router = DefaultRouter()
router.register("sessions", api.SessionViewSet, basename="hall-session")
router.register("bookings", api.BookingViewSet, basename="hall-booking")

urlpatterns = [path("", include(router.urls))]

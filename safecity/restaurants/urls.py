from __future__ import annotations

from django.urls import path

import safecity.core.ids  # noqa: F401  (registers the <id:...> converter)
from safecity.restaurants import views

app_name = "restaurants"

urlpatterns = [
    path("", views.restaurant_list, name="list"),
    path("<id:pk>/", views.restaurant_detail, name="detail"),
    path("campaigns/", views.campaign_list, name="campaigns"),
    path("campaigns/<id:pk>/", views.campaign_detail, name="campaign-detail"),
]

from __future__ import annotations

from django.urls import path

import safecity.core.ids  # noqa: F401  (registers the <id:...> converter)
from safecity.restaurants import views, views_leaks, views_map, views_programme

app_name = "restaurants"

urlpatterns = [
    path("", views.restaurant_list, name="list"),
    path("new/", views_programme.restaurant_new, name="new"),
    path("import/", views_programme.restaurant_import, name="import"),
    path("import/template/", views_programme.restaurant_import_template, name="import-template"),
    path("map/", views_map.street_map, name="map"),
    path("map/data/", views_map.map_data, name="map-data"),
    path("leaks/", views_leaks.leak_list, name="leaks"),
    path("leaks/<id:pk>/", views_leaks.leak_detail, name="leak-detail"),
    path("<id:pk>/", views.restaurant_detail, name="detail"),
    path("<id:pk>/edit/", views_programme.restaurant_edit, name="edit"),
    path("<id:pk>/step/<slug:action>/", views_programme.conversion_step, name="step"),
    path("campaigns/", views.campaign_list, name="campaigns"),
    path("campaigns/new/", views_programme.campaign_new, name="campaign-new"),
    path("campaigns/<id:pk>/", views.campaign_detail, name="campaign-detail"),
    path("campaigns/<id:pk>/add/", views_programme.campaign_add, name="campaign-add"),
]

from __future__ import annotations

from django.urls import path

from safecity.core import views, views_lookup

app_name = "core"

urlpatterns = [
    path("regions/", views.region_list, name="region-list"),
    path("regions/<str:code>/", views.region_detail, name="region-detail"),
    path("organisations/", views.organisation_list, name="organisation-list"),
    path("organisations/new/", views.organisation_create, name="organisation-create"),
    path("organisations/<int:pk>/", views.organisation_detail, name="organisation-detail"),
    path("organisations/<int:pk>/edit/", views.organisation_edit, name="organisation-edit"),
    path("people/", views.person_list, name="person-list"),
    path("people/<int:pk>/", views.person_detail, name="person-detail"),
    path("audit/", views.audit_list, name="audit-list"),
    path("audit/<str:model>/<str:pk>/", views.object_history, name="object-history"),
    # The filters' pickers: names searched within the user's reach.
    path("lookup/organisations/", views_lookup.organisation_lookup, name="lookup-organisations"),
    path("lookup/regions/", views_lookup.region_lookup, name="lookup-regions"),
]

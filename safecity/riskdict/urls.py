from __future__ import annotations

from django.urls import path

from safecity.riskdict import views

app_name = "riskdict"

urlpatterns = [
    path("", views.version_list, name="version-list"),
    path("import/", views.version_import, name="version-import"),
    path("diff/", views.version_diff, name="version-diff"),
    path("versions/<str:version>/", views.version_detail, name="version-detail"),
    path("versions/<str:version>/export/", views.version_export, name="version-export"),
    path("versions/<str:version>/publish/", views.version_publish, name="version-publish"),
    path("versions/<str:version>/delete/", views.version_delete, name="version-delete"),
]

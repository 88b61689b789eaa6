from __future__ import annotations

from django.urls import path

from safecity.portraits import views

app_name = "portraits"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/pdf/", views.pdf, name="pdf"),
    path("<int:pk>/rescore/", views.rescore, name="rescore"),
    path("enterprise/<int:organisation_id>/", views.enterprise, name="enterprise"),
]

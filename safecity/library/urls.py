from __future__ import annotations

from django.urls import path

from safecity.library import views

app_name = "library"

urlpatterns = [
    path("", views.library, name="library"),
    path("<int:pk>/", views.library_detail, name="library-detail"),
    path("cite/", views.cite, name="cite"),
]

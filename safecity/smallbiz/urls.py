from __future__ import annotations

from django.urls import path

import safecity.core.ids  # noqa: F401  (registers the <id:...> converter)
from safecity.smallbiz import views

app_name = "smallbiz"

urlpatterns = [
    path("", views.enterprise_list, name="enterprises"),
    path("import/", views.enterprise_import, name="import"),
    path("visits/", views.visit_list, name="visits"),
    path("visits/<id:pk>/", views.visit_detail, name="visit-detail"),
    path("visits/<id:pk>/sign/", views.visit_sign, name="visit-sign"),
    path("supervision/", views.supervision, name="supervision"),
    path("providers/", views.provider_list, name="providers"),
]

from __future__ import annotations

from django.urls import path

import safecity.core.ids  # noqa: F401  (registers the <id:...> converter)
from safecity.citizenreports import views, views_public

app_name = "citizenreports"

urlpatterns = [
    # public, no login
    path("", views_public.report_new, name="new"),
    path("status/", views_public.status_lookup, name="status"),
    path("receipt/<str:code>/", views_public.receipt, name="receipt"),
    # staff
    path("queue/", views.report_list, name="list"),
    path("<id:pk>/", views.report_detail, name="detail"),
    path("<id:pk>/dismiss/", views.report_dismiss, name="dismiss"),
    path("<id:pk>/merge/", views.report_merge, name="merge"),
    path("<id:pk>/hazard/", views.report_hazard, name="hazard"),
    path("<id:pk>/photos/<id:photo_id>/", views.report_photo, name="photo"),
]

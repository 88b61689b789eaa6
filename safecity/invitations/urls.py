from __future__ import annotations

from django.urls import path

import safecity.core.ids  # noqa: F401  (registers the <id:...> converter)
from safecity.invitations import views, views_members, views_steps

app_name = "invitations"

urlpatterns = [
    path("", views.invitation_list, name="list"),
    path("new/", views_steps.invitation_new, name="new"),
    path("enforcement/", views.enforcement_list, name="enforcement"),
    path("members/", views_members.member_list, name="members"),
    path("members/<id:pk>/remove/", views_members.member_remove, name="member-remove"),
    path("<id:pk>/", views.invitation_detail, name="detail"),
    path("<id:pk>/schedule/", views_steps.invitation_schedule, name="schedule"),
    path("<id:pk>/decline/", views_steps.invitation_decline, name="decline"),
    path("<id:pk>/withdraw/", views_steps.invitation_withdraw, name="withdraw"),
    path("<id:pk>/checklist/", views_steps.invitation_checklist, name="checklist"),
    path("<id:pk>/report/", views_steps.invitation_report, name="report"),
    path("<id:pk>/follow-up/", views_steps.invitation_follow_up, name="follow-up"),
    path("<id:pk>/rate/", views_steps.invitation_rate, name="rate"),
]

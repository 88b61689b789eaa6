from __future__ import annotations

from django.urls import path

from safecity.hazards import views

app_name = "hazards"

urlpatterns = [
    path("", views.hazard_list, name="hazard-list"),
    path("report/", views.hazard_report, name="hazard-report"),
    path("<int:pk>/", views.hazard_detail, name="hazard-detail"),
    path("<int:pk>/action/", views.hazard_action, name="hazard-action"),
    path("<int:pk>/plan/", views.governance_plan, name="governance-plan"),
    path("<int:pk>/evidence/", views.evidence_upload, name="evidence-upload"),
    path("<int:pk>/evidence/<int:evidence_id>/", views.evidence_file, name="evidence-file"),
    path("checks/", views.check_list, name="check-list"),
    path("checks/<int:pk>/", views.check_complete, name="check-complete"),
    path("registry/", views.registry_index, name="registry-index"),
    path("registry/<int:organisation_id>/", views.registry_detail, name="registry-detail"),
    path("registry/<int:organisation_id>/report/", views.provincial_report, name="provincial-report"),
    path("statistics/", views.statistics, name="statistics"),
    path("inbox/", views.inbox, name="inbox"),
]

from __future__ import annotations

from django.urls import path

from safecity.keyprojects import views

app_name = "keyprojects"

urlpatterns = [
    path("", views.index, name="index"),
    path("plans/new/", views.plan_create, name="plan-create"),
    path("plans/<int:year>/", views.plan_dashboard, name="plan-dashboard"),
    path("plans/<int:year>/projects/", views.project_list, name="project-list"),
    path("plans/<int:year>/gantt/", views.gantt, name="gantt"),
    path("plans/<int:year>/export/", views.plan_export, name="plan-export"),
    path("plans/<int:year>/import/", views.plan_import, name="plan-import"),
    path("plans/<int:year>/monthly/", views.monthly_report, name="monthly-report"),
    path("projects/<int:pk>/", views.project_detail, name="project-detail"),
    path("projects/<int:pk>/report/", views.project_report, name="project-report"),
    path("projects/<int:pk>/library/", views.project_library, name="project-library"),
    path("evidence/<int:pk>/", views.evidence_file, name="evidence-file"),
    path("subsystems/", views.subsystem_list, name="subsystem-list"),
    path("subsystems/<int:pk>/", views.subsystem_edit, name="subsystem-edit"),
]

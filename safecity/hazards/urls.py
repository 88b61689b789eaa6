from __future__ import annotations

from django.urls import path

from safecity.hazards import views, views_registry

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
    path("registry/<int:organisation_id>/open/", views_registry.registry_open, name="registry-open"),
    path("registry/<int:organisation_id>/objects/new/", views_registry.object_add, name="object-add"),
    path("registry/<int:organisation_id>/upgrade/", views_registry.registry_upgrade, name="registry-upgrade"),
    path("registry/objects/<int:object_id>/units/new/", views_registry.unit_add, name="unit-add"),
    path("registry/units/<int:unit_id>/events/new/", views_registry.event_add, name="event-add"),
    path("registry/events/<int:event_id>/measures/new/", views_registry.measure_add, name="measure-add"),
    path("registry/measures/<int:measure_id>/tasks/new/", views_registry.task_add, name="task-add"),
    path("statistics/", views.statistics, name="statistics"),
    path("inbox/", views.inbox, name="inbox"),
]

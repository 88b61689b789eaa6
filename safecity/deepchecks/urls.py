from __future__ import annotations

from django.urls import path

from safecity.deepchecks import views, views_checks, views_documents

app_name = "deepchecks"

urlpatterns = [
    path("", views.campaign_list, name="campaign-list"),
    path("campaigns/new/", views.campaign_new, name="campaign-new"),
    path("campaigns/<int:pk>/", views.campaign_detail, name="campaign-detail"),
    path("campaigns/<int:pk>/run/", views.campaign_run, name="campaign-run"),
    path("campaigns/<int:pk>/run-status/", views.run_status, name="run-status"),
    path("campaigns/<int:pk>/publish/", views.campaign_publish, name="campaign-publish"),
    path("campaigns/<int:pk>/calendar/", views.campaign_calendar, name="campaign-calendar"),
    path("campaigns/<int:pk>/export.xlsx", views.campaign_export, name="campaign-export"),
    path("experts/", views.expert_list, name="expert-list"),
    path("experts/<int:pk>/", views.expert_detail, name="expert-detail"),
    path("experts/<int:pk>/unavailability/", views.expert_unavailability_add, name="expert-unavailability-add"),
    path("experts/<int:pk>/affiliations/", views.expert_affiliation_add, name="expert-affiliation-add"),
    path("experts/<int:pk>/documents/", views_documents.document_upload, name="expert-document-upload"),
    path("documents/<int:pk>/replace/", views_documents.document_replace_view, name="expert-document-replace"),
    path("documents/<int:pk>/file/", views_documents.document_file, name="expert-document-file"),
    path("panels/mine/", views.my_panels, name="my-panels"),
    path("panels/<int:pk>/", views.panel_detail, name="panel-detail"),
    path("panels/<int:pk>/members/", views.panel_members, name="panel-members"),
    path("panels/<int:pk>/start/", views_checks.session_start, name="session-start"),
    path("sessions/<int:pk>/", views_checks.session_detail, name="session-detail"),
    path("sessions/<int:pk>/findings/", views_checks.finding_add, name="finding-add"),
    path("sessions/<int:pk>/items/<int:item_id>/", views_checks.item_mark, name="item-mark"),
    path("sessions/<int:pk>/complete/", views_checks.session_complete, name="session-complete"),
    path("findings/<int:pk>/root-cause/", views_checks.root_cause, name="root-cause"),
    path("enterprises/mine/", views_checks.my_enterprise, name="my-enterprise"),
    path("enterprises/<int:organisation_id>/", views_checks.enterprise_analysis, name="enterprise-analysis"),
]

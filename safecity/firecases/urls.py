from __future__ import annotations

from django.urls import path

from safecity.firecases import views

app_name = "firecases"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("units/", views.unit_list, name="unit-list"),
    path("units/<int:organisation_id>/hazards/", views.unit_hazards, name="unit-hazards"),
    path("inspections/", views.inspection_list, name="inspection-list"),
    path("leads/", views.lead_list, name="lead-list"),
    path("leads/<int:pk>/file/", views.lead_file, name="lead-file"),
    path("cases/", views.case_list, name="case-list"),
    path("cases/<int:pk>/", views.case_detail, name="case-detail"),
    path("cases/<int:pk>/<slug:step>/", views.case_step, name="case-step"),
    path("hearings/<int:pk>/", views.hearing_detail, name="hearing-detail"),
    path("hearings/<int:pk>/<slug:step>/", views.hearing_step, name="hearing-step"),
    path("letters/", views.letter_list, name="letter-list"),
    path("letters/<int:pk>/", views.letter_detail, name="letter-detail"),
    path("letters/<int:pk>/document/", views.letter_document, name="letter-document"),
]

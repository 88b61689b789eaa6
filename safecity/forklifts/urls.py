from __future__ import annotations

from django.urls import path

import safecity.core.ids  # noqa: F401  (registers the <id:...> converter)
from safecity.forklifts import views, views_map, views_people

app_name = "forklifts"

urlpatterns = [
    path("", views.forklift_list, name="list"),
    path("add/", views.forklift_add, name="add"),
    path("<id:pk>/", views.forklift_detail, name="detail"),
    path("<id:pk>/action/<slug:action>/", views.forklift_action, name="action"),
    path("<id:pk>/register-use/", views.forklift_register_use, name="register-use"),
    path("<id:pk>/inspection/", views.forklift_inspection, name="inspection"),
    path("<id:pk>/officer/", views.forklift_officer, name="officer"),
    path("<id:pk>/track/", views_map.forklift_track, name="track"),
    path("plants/", views.plant_list, name="plants"),
    path("plants/add/", views.plant_add, name="plant-add"),
    path("plants/<id:pk>/", views.plant_detail, name="plant-detail"),
    path("plants/<id:pk>/plan/", views.plant_plan, name="plant-plan"),
    path("plants/<id:pk>/map/", views_map.plant_map, name="plant-map"),
    path("plants/<id:pk>/positions.json", views_map.plant_positions, name="plant-positions"),
    path("drivers/", views_people.operator_list, name="operators"),
    path("drivers/add/", views_people.operator_add, name="operator-add"),
    path("drivers/<id:pk>/", views_people.operator_detail, name="operator-detail"),
    path("drivers/<id:pk>/renew/", views_people.operator_renew, name="operator-renew"),
    path("drivers/<id:pk>/authorise/", views_people.operator_authorise, name="operator-authorise"),
    path("checks/", views_people.check_list, name="checks"),
    path("checks/new/", views_people.check_new, name="check-new"),
    path("checks/<id:pk>/", views_people.check_detail, name="check-detail"),
    path("safety/", views_people.safety_people, name="safety"),
    path("compliance/", views_people.compliance_overview, name="compliance"),
]

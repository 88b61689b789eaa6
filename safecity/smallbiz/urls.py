from __future__ import annotations

from django.urls import path

import safecity.core.ids  # noqa: F401  (registers the <id:...> converter)
from safecity.smallbiz import views, views_contracts, views_map, views_providers

app_name = "smallbiz"

urlpatterns = [
    path("", views.enterprise_list, name="enterprises"),
    path("import/", views.enterprise_import, name="import"),
    path("visits/", views.visit_list, name="visits"),
    path("visits/<id:pk>/", views.visit_detail, name="visit-detail"),
    path("visits/<id:pk>/sign/", views.visit_sign, name="visit-sign"),
    path("supervision/", views.supervision, name="supervision"),
    path("providers/", views.provider_list, name="providers"),
    path("providers/new/", views_providers.provider_register, name="provider-register"),
    path("providers/<id:pk>/", views_providers.provider_detail, name="provider-detail"),
    path("providers/<id:pk>/qualifications/new/", views_providers.qualification_add, name="qualification-add"),
    path("providers/<id:pk>/areas/new/", views_providers.service_area_add, name="area-add"),
    path("providers/<id:pk>/engineers/new/", views_providers.engineer_add, name="engineer-add"),
    path(
        "providers/<id:pk>/qualifications/<id:item>/correct/",
        views_providers.qualification_correct,
        name="qualification-correct",
    ),
    path("providers/<id:pk>/qualifications/<id:item>/retire/", views_providers.qualification_retire, name="qualification-retire"),
    path("providers/<id:pk>/areas/<id:item>/correct/", views_providers.service_area_correct, name="area-correct"),
    path("providers/<id:pk>/areas/<id:item>/remove/", views_providers.service_area_remove, name="area-remove"),
    path("providers/<id:pk>/engineers/<id:item>/correct/", views_providers.engineer_correct, name="engineer-correct"),
    path("providers/<id:pk>/engineers/<id:item>/retire/", views_providers.engineer_retire, name="engineer-retire"),
    path("contracts/", views_contracts.contract_list, name="contracts"),
    path("contracts/new/", views_contracts.contract_create, name="contract-create"),
    path("contracts/<id:pk>/", views_contracts.contract_detail, name="contract-detail"),
    path("contracts/<id:pk>/<str:action>/", views_contracts.contract_move, name="contract-move"),
    path("map/", views_map.village_map, name="map"),
    path("map/data/", views_map.village_map_data, name="map-data"),
]

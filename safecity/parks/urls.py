from __future__ import annotations

from django.urls import path

import safecity.core.ids  # noqa: F401  (registers the <id:...> converter)
from safecity.parks import views, views_public, views_tenants

app_name = "parks"

urlpatterns = [
    # public, no login: a tenant's safety notice (the nameplate's QR code)
    path("notice/<str:token>/", views_public.notice, name="notice"),
    # the campaign view and the parks
    path("", views.campaign, name="campaign"),
    path("new/", views.park_new, name="park_new"),
    path("findings/", views.finding_list, name="findings"),
    path("<id:pk>/", views.park_detail, name="park"),
    path("<id:pk>/edit/", views.park_edit, name="park_edit"),
    path("<id:pk>/plan/", views.site_plan, name="site_plan"),
    path("<id:pk>/plan/image/", views.site_plan_image, name="site_plan_image"),
    path("<id:pk>/shapes/<id:shape_id>/delete/", views.shape_delete, name="shape_delete"),
    path("<id:pk>/buildings/new/", views.building_new, name="building_new"),
    path("<id:pk>/trainings/new/", views.training_new, name="training_new"),
    path("<id:pk>/tenants/new/", views_tenants.tenant_new, name="tenant_new"),
    path("<id:pk>/tenants/import/", views_tenants.tenants_import, name="tenants_import"),
    path("<id:pk>/tenants/export/", views_tenants.tenants_export, name="tenants_export"),
    path("<id:pk>/nameplates/", views_tenants.nameplates, name="nameplates"),
    # tenants
    path("tenants/", views_tenants.tenant_list, name="tenant_list"),
    path("tenants/<id:pk>/", views_tenants.tenant_detail, name="tenant"),
    path("tenants/<id:pk>/edit/", views_tenants.tenant_edit, name="tenant_edit"),
    path("tenants/<id:pk>/leave/", views_tenants.tenant_leave, name="tenant_leave"),
    path("tenants/<id:pk>/nameplate/", views_tenants.nameplate, name="nameplate"),
    path("tenants/<id:pk>/agreements/new/", views_tenants.agreement_new, name="agreement_new"),
    path("tenants/<id:pk>/inspections/new/", views_tenants.inspection_new, name="inspection_new"),
    path("agreements/<id:pk>/document/", views_tenants.agreement_document, name="agreement_document"),
    path("inspections/<id:pk>/", views_tenants.inspection_detail, name="inspection"),
]

from __future__ import annotations

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from safecity.core.api import tokens, views

router = DefaultRouter()
router.register("regions", views.RegionViewSet, basename="region")
router.register("organisations", views.OrganisationViewSet, basename="organisation")
router.register("people", views.PersonViewSet, basename="person")
router.register("role-assignments", views.RoleAssignmentViewSet, basename="roleassignment")
router.register("audit", views.AuditEntryViewSet, basename="auditentry")

urlpatterns = [
    path("auth/token/", tokens.TokenView.as_view(), name="api-token"),
    path("auth/tokens/", tokens.TokenListView.as_view(), name="api-token-list"),
    path("auth/tokens/<str:key>/", tokens.TokenDetailView.as_view(), name="api-token-detail"),
    path("me/", views.MeView.as_view(), name="api-me"),
    path("cockpit/figures/", views.FiguresView.as_view(), name="api-figures"),
    path("", include(router.urls)),
]

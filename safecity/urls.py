"""URL configuration: the UI, the API with its schema and docs, the admin."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.shortcuts import redirect
from django.templatetags.static import static
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from safecity.core import views as core_views
from safecity.core import views_apidocs
from safecity.core import views_tokens as token_views
from safecity.telemetry.ingest.http import ReadingIngestView

urlpatterns = [
    path("", core_views.cockpit, name="cockpit"),
    # Browsers ask for /favicon.ico whatever the page says: answer with the icon, not a 404.
    path("favicon.ico", lambda request: redirect(static("safecity/favicon.svg"), permanent=True)),
    path("healthz", core_views.healthz, name="healthz"),
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("accounts/password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("accounts/tokens/", token_views.token_list, name="api-tokens"),
    path("accounts/tokens/revoke-all/", token_views.token_revoke_all, name="api-token-revoke-all"),
    path("accounts/tokens/<str:key>/revoke/", token_views.token_revoke, name="api-token-revoke"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves Swagger UI's start-up code as a script file: no inline script (CSP).
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    # ReDoc with its bundle served here, without the logo it would fetch from a CDN (offline, CSP).
    path("api/redoc/", views_apidocs.RedocView.as_view(url_name="api-schema"), name="api-redoc"),
    path("api/redoc/redoc.standalone.js", views_apidocs.redoc_script, name="api-redoc-script"),
    path("api/library/", include("safecity.library.api_urls")),
    path("api/riskdict/", include("safecity.riskdict.api_urls")),
    path("api/hazards/", include("safecity.hazards.api_urls")),
    path("api/deepchecks/", include("safecity.deepchecks.api_urls")),
    path("api/portraits/", include("safecity.portraits.api_urls")),
    path("api/firecases/", include("safecity.firecases.api_urls")),
    path("api/keyprojects/", include("safecity.keyprojects.api_urls")),
    path("api/innovation/", include("safecity.innovation.api_urls")),
    path("api/ledger/", include("safecity.ledger.api_urls")),
    path("api/cylinders/", include("safecity.cylinders.api_urls")),
    # Devices post readings with their own token (not a user session): a view of the ingest path.
    path("api/telemetry/ingest/", ReadingIngestView.as_view(), name="telemetry-ingest"),
    path("api/telemetry/", include("safecity.telemetry.api_urls")),
    path("api/forklifts/", include("safecity.forklifts.api_urls")),
    path("api/restaurants/", include("safecity.restaurants.api_urls")),
    path("api/smallbiz/", include("safecity.smallbiz.api_urls")),
    path("api/invitations/", include("safecity.invitations.api_urls")),
    path("api/hall/", include("safecity.hall.api_urls")),
    path("api/citizen-reports/", include("safecity.citizenreports.api_urls")),
    path("api/parks/", include("safecity.parks.api_urls")),
    path("api/", include("safecity.core.api.urls")),
    path("library/", include("safecity.library.urls")),
    path("riskdict/", include("safecity.riskdict.urls")),
    path("hazards/", include("safecity.hazards.urls")),
    path("deepchecks/", include("safecity.deepchecks.urls")),
    path("portraits/", include("safecity.portraits.urls")),
    path("firecases/", include("safecity.firecases.urls")),
    path("keyprojects/", include("safecity.keyprojects.urls")),
    path("innovation/", include("safecity.innovation.urls")),
    path("ledger/", include("safecity.ledger.urls")),
    path("cylinders/", include("safecity.cylinders.urls")),
    path("telemetry/", include("safecity.telemetry.urls")),
    path("forklifts/", include("safecity.forklifts.urls")),
    path("restaurants/", include("safecity.restaurants.urls")),
    path("smallbiz/", include("safecity.smallbiz.urls")),
    path("invitations/", include("safecity.invitations.urls")),
    path("hall/", include("safecity.hall.urls")),
    path("citizen-reports/", include("safecity.citizenreports.urls")),
    path("parks/", include("safecity.parks.urls")),
    path("", include("safecity.core.urls")),
]

# Under /api/ a 404 or a 500 answers in the API's error format (safecity/core/api/errors.py).
handler404 = "safecity.core.api.errors.api_page_not_found"
handler500 = "safecity.core.api.errors.api_server_error"

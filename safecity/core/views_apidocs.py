"""The API's ReDoc page, served entirely by the platform (offline, under the strict CSP).

ReDoc's bundle draws the Redocly logo from ``cdn.redoc.ly`` in its side menu, unconditionally (no
option turns it off). The platform loads nothing from outside (it runs without internet, and the
Content-Security-Policy refuses foreign images), so the bundle from drf-spectacular-sidecar is
served here with that one address replaced by an empty inline image: the logo is hidden, nothing
else changes, and the policy stays as strict as it is.
"""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path

import drf_spectacular_sidecar
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe
from drf_spectacular.views import SpectacularRedocView

BUNDLE = Path(drf_spectacular_sidecar.__file__).parent / "static/drf_spectacular_sidecar/redoc/bundles/redoc.standalone.js"
REDOCLY_LOGO = b"https://cdn.redoc.ly/redoc/logo-mini.svg"
# An empty SVG: the <img> draws nothing and nothing is fetched (img-src allows data:).
EMPTY_IMAGE = b"data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' width='0' height='0'/%3E"


@functools.cache
def redoc_bundle() -> tuple[bytes, str]:
    """The ReDoc bundle without its external logo, and its ETag (read once per process)."""
    content = BUNDLE.read_bytes().replace(REDOCLY_LOGO, EMPTY_IMAGE)
    return content, hashlib.sha256(content).hexdigest()[:32]


@require_safe
@cache_control(public=True, max_age=24 * 3600)
def redoc_script(request: HttpRequest) -> HttpResponse:
    content, etag = redoc_bundle()
    if request.headers.get("If-None-Match") == f'"{etag}"':
        response = HttpResponse(status=304)
    else:
        response = HttpResponse(content, content_type="text/javascript; charset=utf-8")
    response["ETag"] = f'"{etag}"'
    return response


class RedocView(SpectacularRedocView):
    """drf-spectacular's ReDoc page loading the bundle above (template: drf_spectacular/redoc.html)."""

    @staticmethod
    def _redoc_standalone() -> str:
        return reverse("api-redoc-script")

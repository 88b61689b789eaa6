"""The public page behind a tenant's nameplate (no login): its safety notice, the park's notice at
the gate and whom to call. Nothing else of the register: no agreement, no inspection, no hazard."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from safecity.parks import selectors


def notice(request: HttpRequest, token: str) -> HttpResponse:
    tenant = selectors.public_notice(token)
    response = render(request, "parks/notice.html", {"tenant": tenant, "park": tenant.park})
    response["X-Robots-Tag"] = "noindex"
    return response

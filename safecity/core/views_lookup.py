"""The lookups behind the filters' pickers: names in, ids/codes out, within the user's reach."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET

from safecity.core import selectors
from safecity.core.choices import OrganisationKind


@login_required
@require_GET
def organisation_lookup(request: HttpRequest) -> JsonResponse:
    """``?q=name&kind=enterprise`` -> the matching organisations the user may see."""
    kind = request.GET.get("kind") or None
    if kind is not None and kind not in OrganisationKind.values:
        kind = None
    results = selectors.organisation_lookup(user=request.user, q=request.GET.get("q", ""), kind=kind)
    return JsonResponse({"results": results})


@login_required
@require_GET
def region_lookup(request: HttpRequest) -> JsonResponse:
    """``?q=name or code`` -> the matching regions."""
    return JsonResponse({"results": selectors.region_lookup(user=request.user, q=request.GET.get("q", ""))})

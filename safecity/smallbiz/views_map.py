"""The district's picture (issue 16): the villages within reach on a Leaflet map, each coloured by
the share of its visits done on time, with overdue visits and open hidden hazards in its popup,
beside the street and provider rankings; and the same points as GeoJSON. Thin: ``selectors_map``
and ``selectors`` read, scoped as the lists are; nothing here writes."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render

from safecity.core.guards import guard
from safecity.smallbiz import selectors, selectors_map
from safecity.smallbiz.views import supervises


@guard(supervises)
def village_map(request: HttpRequest) -> HttpResponse:
    points = selectors_map.village_points(user=request.user)
    return render(
        request,
        "smallbiz/village_map.html",
        {
            "points": points,
            "on_map": len(points["features"]),
            "bands": selectors_map.BANDS,
            "rows": selectors.provider_performance(user=request.user),
            "streets": selectors.street_ranking(user=request.user),
            "minimum": settings.SAFECITY_SMALLBIZ_MIN_ENGINEERS,
        },
    )


@guard(supervises)
def village_map_data(request: HttpRequest) -> HttpResponseBase:
    return JsonResponse(selectors_map.village_points(user=request.user), json_dumps_params={"ensure_ascii": False})

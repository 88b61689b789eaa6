"""The restaurant street map (issue 15 §5): the restaurants within reach drawn on a Leaflet map in
the colour of where each stands in the gas programme, beside the programme's progress per district
and per street; and the same points as GeoJSON for scripts. Thin: ``selectors_map`` reads, scoped
as the restaurant list is; nothing here writes."""

from __future__ import annotations

from typing import Any

import django_filters
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from safecity.core.filtering import ALL
from safecity.core.guards import guard
from safecity.core.selectors import region_list
from safecity.restaurants import selectors, selectors_map
from safecity.restaurants.access import sees_campaigns, sees_restaurants
from safecity.restaurants.filtersets import RestaurantFilterSet
from safecity.restaurants.models import Campaign, Restaurant


def _campaigns(request: HttpRequest | None) -> Any:
    if request is None:
        return Campaign.objects.none()
    return selectors.campaign_list(user=request.user)


class StreetMapFilterSet(RestaurantFilterSet):
    """The map's filters: the restaurant list's district-or-street picker, and the campaign (a select
    of the campaigns within reach, offered to those who see campaigns). The list's other filters
    are left out: the progress table beside the map could not follow them."""

    q = fuel = supplier = None  # type: ignore[assignment]
    campaign = django_filters.ModelChoiceFilter(
        label=_("Conversion campaign"), queryset=_campaigns, field_name="conversion__campaign", empty_label=ALL
    )

    class Meta:
        model = Restaurant
        fields = ["region", "campaign"]

    # The campaigns offered depend on the user: the form class is built per request, not once.
    get_form_class = django_filters.FilterSet.get_form_class

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.request is None or not sees_campaigns(self.request.user):
            del self.filters["campaign"]


def _filters(request: HttpRequest) -> tuple[StreetMapFilterSet, dict[str, Any] | None]:
    """The bound filters and, when they are valid and name something within reach, the selector's
    arguments (``None``: show nothing, the form says why)."""
    filters = StreetMapFilterSet(request.GET, queryset=Restaurant.objects.none(), request=request)
    if not filters.is_valid():
        return filters, None
    code = (filters.form.cleaned_data.get("region") or "").strip()
    region = None
    if code:
        region = region_list(user=request.user).filter(code=code).first()
        if region is None:
            filters.form.add_error("region", _("Choose a district or street from the list."))
            return filters, None
    return filters, {"region": region, "campaign": filters.form.cleaned_data.get("campaign")}


@guard(sees_restaurants)
def street_map(request: HttpRequest) -> HttpResponse:
    """The map of the restaurants within reach, coloured by status, with the legend in words, and the
    progress per district and per street (counts, share converted, subsidy paid, not on the map)."""
    filters, arguments = _filters(request)
    if arguments is None:
        points = {"type": "FeatureCollection", "features": []}
        progress = selectors_map.empty_progress()
    else:
        points = selectors_map.map_points(user=request.user, **arguments)
        progress = selectors_map.map_progress(user=request.user, **arguments)
    return render(
        request,
        "restaurants/street_map.html",
        {
            "filter": filters,
            "filter_error": arguments is None,
            "points": points,
            "on_map": len(points["features"]),
            "progress": progress,
            "statuses": selectors_map.STATUSES,
            "flag_colour": selectors_map.FLAG_COLOUR,
            "flag_label": selectors_map.FLAG_LABEL,
            "may_see_campaigns": sees_campaigns(request.user),
            "tables": [
                {
                    "title": _("Progress by district"),
                    "first": _("District"),
                    "lines": progress.districts,
                    "testid": "progress-districts",
                    "total": True,
                },
                {
                    "title": _("Progress by street"),
                    "first": _("Street"),
                    "lines": progress.streets,
                    "testid": "progress-streets",
                    "streets": True,
                },
            ],
        },
    )


@guard(sees_restaurants)
def map_data(request: HttpRequest) -> HttpResponseBase:
    """The map's points as a GeoJSON FeatureCollection (the same filters and reach as the page);
    filters that name nothing within reach: 400 with the form's errors, in words."""
    filters, arguments = _filters(request)
    if arguments is None:
        return JsonResponse({"errors": {k: [str(m) for m in v] for k, v in filters.form.errors.items()}}, status=400)
    return JsonResponse(selectors_map.map_points(user=request.user, **arguments), json_dumps_params={"ensure_ascii": False})

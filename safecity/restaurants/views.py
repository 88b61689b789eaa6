"""Server-rendered UI of restaurant gas safety (issue 15): the registry of restaurants (list with
filters and the survey-sheet export, a restaurant's page with its conversion, cross-check findings
and gas detectors) and the conversion campaigns (list, a campaign's terms, progress and
conversions). Thin: the selectors read, scoped; nothing here writes."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils import timezone

from safecity.core.guards import guard
from safecity.core.paging import page_of, querystring
from safecity.restaurants import selectors, views_programme
from safecity.restaurants.access import sees_campaigns, sees_restaurants
from safecity.restaurants.filtersets import CampaignFilterSet, RestaurantFilterSet
from safecity.restaurants.models import ConversionEvidence, Restaurant
from safecity.restaurants.services.crosscheck import ledger_entry_url
from safecity.restaurants.services.sheet import XLSX_CONTENT_TYPE, restaurants_export
from safecity.telemetry.selectors import device_alarms, device_list, sees_telemetry

View = Callable[..., HttpResponseBase]


@guard(sees_restaurants)
def restaurant_list(request: HttpRequest) -> HttpResponseBase:
    """The restaurants within reach, filtered; exportable as the survey sheet (the same rows)."""
    queryset = selectors.restaurant_list(user=request.user).select_related("conversion")
    filterset = RestaurantFilterSet(request.GET, queryset=queryset)
    if request.GET.get("export") == "xlsx":
        response = HttpResponse(restaurants_export(user=request.user, queryset=filterset.qs), content_type=XLSX_CONTENT_TYPE)
        stamp = timezone.localdate().isoformat()
        response["Content-Disposition"] = f'attachment; filename="restaurants-{stamp}.xlsx"'
        return response
    return render(
        request,
        "restaurants/restaurant_list.html",
        {
            "filter": filterset,
            "page": page_of(request, filterset.qs),
            "querystring": querystring(request),
            **views_programme.list_actions(request.user),
        },
    )


def _conversion_of(restaurant: Restaurant, user: Any) -> Any:
    return selectors.conversion_list(user=user).filter(restaurant=restaurant).first()


@guard(sees_restaurants)
def restaurant_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A restaurant's facts, its conversion and timeline, its cross-check findings, its detectors."""
    restaurant = selectors.restaurant_get(user=request.user, pk=pk)
    conversion = _conversion_of(restaurant, request.user)
    flags = [
        {"flag": flag, "entries": [(index, ledger_entry_url(index)) for index in flag.ledger_indexes]}
        for flag in restaurant.flags.select_related("hazard").order_by("-last_at", "id")
    ]
    detectors: list[dict[str, Any]] = []
    telemetry = sees_telemetry(request.user)
    if telemetry:
        mounted = device_list(user=request.user).filter(
            mounted_type=ContentType.objects.get_for_model(Restaurant), mounted_id=restaurant.pk
        )
        detectors = [{"device": d, "alarms": device_alarms(user=request.user, device=d, limit=10)} for d in mounted]
    return render(
        request,
        "restaurants/restaurant_detail.html",
        {
            "restaurant": restaurant,
            "conversion": conversion,
            "events": selectors.conversion_events(conversion) if conversion else [],
            "evidence": ConversionEvidence.objects.filter(conversion=conversion).order_by("id") if conversion else [],
            "flags": flags,
            "telemetry": telemetry,
            "detectors": detectors,
            "may_see_campaign": sees_campaigns(request.user),
            "leaks": selectors.leak_list(user=request.user).filter(restaurant=restaurant)[:10],
            **views_programme.detail_actions(request.user, restaurant, conversion),
        },
    )


@guard(sees_campaigns)
def campaign_list(request: HttpRequest) -> HttpResponse:
    """The conversion campaigns within reach, with how many restaurants each lists and has converted."""
    queryset = selectors.campaign_list(user=request.user).annotate(
        listed=Count("conversions", distinct=True),
        converted=Count("conversions", filter=Q(conversions__accepted_on__isnull=False), distinct=True),
    )
    filterset = CampaignFilterSet(request.GET, queryset=queryset)
    return render(
        request,
        "restaurants/campaign_list.html",
        {
            "filter": filterset,
            "page": page_of(request, filterset.qs),
            "querystring": querystring(request),
            **views_programme.campaign_actions(request.user),
        },
    )


@guard(sees_campaigns)
def campaign_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A campaign's terms, its progress street by street, and its conversions."""
    campaign = selectors.campaign_get(user=request.user, pk=pk)
    conversions = selectors.conversion_list(user=request.user).filter(campaign=campaign)
    return render(
        request,
        "restaurants/campaign_detail.html",
        {
            "campaign": campaign,
            "rate_percent": (campaign.subsidy_rate * 100).quantize(Decimal("1")),
            "progress": selectors.progress(user=request.user, campaign=campaign),
            "page": page_of(request, conversions),
            "querystring": querystring(request),
            **views_programme.campaign_actions(request.user, campaign),
        },
    )

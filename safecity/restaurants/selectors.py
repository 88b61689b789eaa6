"""Reads of restaurant gas safety, all through :func:`safecity.core.scoping.scoped`.

Who sees what (``Restaurant.scope_rule``): the city officials every restaurant; a district
official and an inspector the restaurants on the streets of their jurisdiction; a restaurant's own
people their own record; procurators, fire officers, experts and outsiders none. Lists, details,
exports and the API read through these functions, so they cannot differ in what they show.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from safecity.core.models import Region
from safecity.core.scoping import scoped
from safecity.restaurants.models import Restaurant

FILTERS = frozenset({"region", "fuel", "supplier", "q"})


def restaurant_list(*, user: Any, filters: dict[str, Any] | None = None) -> QuerySet[Restaurant]:
    """The restaurants ``user`` may see, with their organisation, street and supplier (one query).

    ``filters`` (empty values ignored): ``region`` a Region (its whole subtree), ``fuel`` a
    KitchenFuel code, ``supplier`` a filling unit (or its id), ``q`` part of the name or of the
    unified social credit code."""
    filters = {k: v for k, v in (filters or {}).items() if v not in (None, "")}
    unknown = set(filters) - FILTERS
    if unknown:
        raise TypeError(f"restaurant_list has no filter {sorted(unknown)}")
    queryset = scoped(Restaurant, user).select_related("organisation__region", "supplier")
    region = filters.get("region")
    if isinstance(region, Region):
        queryset = queryset.filter(organisation__region__path__startswith=region.path)
    elif region is not None:
        raise TypeError("the region filter takes a Region")
    if "fuel" in filters:
        queryset = queryset.filter(fuel=filters["fuel"])
    if "supplier" in filters:
        queryset = queryset.filter(supplier=filters["supplier"])
    if "q" in filters:
        text = str(filters["q"]).strip()
        queryset = queryset.filter(Q(organisation__name__icontains=text) | Q(organisation__credit_code__icontains=text))
    return queryset.order_by("organisation__name", "id")


def restaurant_get(*, user: Any, pk: int) -> Restaurant:
    """One restaurant ``user`` may see; Http404 otherwise (a restaurant out of reach does not exist for them)."""
    restaurant = restaurant_list(user=user).filter(pk=pk).first()
    if restaurant is None:
        raise Http404
    return restaurant

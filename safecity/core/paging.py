"""Pagination and query strings for the server-rendered lists (one behaviour for every app)."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator
from django.http import HttpRequest

PAGE_SIZES = (10, 25, 50, 100, 200)


def page_of(request: HttpRequest, queryset: Any, default: int = 50) -> Page:
    """The requested page (``?page=``) with the requested size (``?page_size=``, one of PAGE_SIZES)."""
    try:
        size = int(request.GET.get("page_size", default))
    except ValueError:
        size = default
    size = size if size in PAGE_SIZES else default
    return Paginator(queryset, size).get_page(request.GET.get("page"))


def querystring(request: HttpRequest, drop: tuple[str, ...] = ("page",)) -> str:
    """The current filters as a query string, without ``drop`` (for pagination and export links)."""
    params = request.GET.copy()
    for key in drop:
        params.pop(key, None)
    return params.urlencode()


YEARS = range(1900, 2101)


def year_of(request: Any, default: int | None = None) -> int | None:
    """``?year=`` as a whole number from 1900 to 2100; a missing, malformed or absurd year gives ``default``."""
    try:
        year = int(request.GET.get("year") or "")
    except ValueError:
        return default
    return year if year in YEARS else default


def api_year(request: Any) -> int:
    """``?year=`` for the API: this year when absent; a 400 in the one error format when malformed."""
    from django.utils import timezone
    from django.utils.translation import gettext as _
    from rest_framework.exceptions import ValidationError

    if not request.GET.get("year"):
        return timezone.localdate().year
    year = year_of(request)
    if year is None:
        raise ValidationError({"year": [_("A year is a whole number from 1900 to 2100, such as 2023.")]})
    return year

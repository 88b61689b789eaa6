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


def year_of(request: HttpRequest, default: int | None = None) -> int | None:
    """``?year=`` as a whole number; a missing or malformed year gives ``default``."""
    try:
        return int(request.GET.get("year") or "")
    except ValueError:
        return default

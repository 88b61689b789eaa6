"""Pagination and query strings for the lists of every app, UI and API (one behaviour everywhere).

``page_of``: page numbers by OFFSET, for short lists. ``keyset_page_of`` / ``KeysetPagination``:
keyset pages for the lists that grow without bound (hidden hazards, audit trail, ledger entries,
cylinder events); see the notes above :func:`keyset_page`.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from rest_framework.pagination import BasePagination

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
    from rest_framework.exceptions import ValidationError

    if not request.GET.get("year"):
        return timezone.localdate().year
    year = year_of(request)
    if year is None:
        raise ValidationError({"year": [_("A year is a whole number from 1900 to 2100, such as 2023.")]})
    return year


# --- Keyset pagination -----------------------------------------------------------------------
#
# OFFSET pagination reads and throws away every row before the page, so page 20,000 of a
# 1,000,000-row list costs 20,000 pages. A keyset page starts *after the last row shown*
# (``WHERE (discovered_at, id) < (:t, :id) ORDER BY discovered_at DESC, id DESC LIMIT 51``),
# which an index on the ordering columns answers in the same time at any depth.
#
# How to use it (any app, any list):
#
#     UI:   page = keyset_page_of(request, queryset)            # ordering from the queryset / Meta
#           {% include "includes/keyset_pagination.html" %}     # the links carry ?cursor=
#     API:  pagination_class = KeysetPagination                 # {count, next, previous, results}
#     Code: keyset_page(queryset, cursor=None, size=50, count=...)
#
# Rules:
# - The ordering is the queryset's ``order_by`` (else ``Meta.ordering``). The primary key is
#   appended when it is not the last column, so ties on the other columns never lose or repeat a
#   row. The ordering columns must be NOT NULL fields of the model itself (no ``__`` lookups).
# - The cursor is an opaque URL-safe string (the last/first row's ordering values and the page
#   number); a malformed one is the first page in the UI and a 400 in the API. It carries no
#   authority: the rows are always drawn from the caller's scoped, filtered queryset.
# - ``?cursor=last`` is the last page; ``?page=N`` (old links) still works, by OFFSET.
# - ``count``: by default ``queryset.count()``; pass a callable to use a cheaper exact count (an
#   index-only scan on a narrower queryset, maintained counters). Pass ``count=False`` for no count.

CURSOR_PARAM = "cursor"
LAST = "last"
# Without a count, an old ``?page=N`` link is served by OFFSET up to this page, no further.
MAX_OFFSET_PAGE = 10_000


class InvalidCursor(ValueError):
    """The ``?cursor=`` value cannot be read (tampered, truncated, or from another list)."""


def keyset_ordering(queryset: QuerySet[Any]) -> list[tuple[str, bool]]:
    """The queryset's ordering as ``[(field name, descending)]``, ending with the primary key."""
    model = queryset.model
    raw = list(queryset.query.order_by or model._meta.ordering or ["pk"])
    ordering: list[tuple[str, bool]] = []
    for item in raw:
        if not isinstance(item, str):
            raise ValueError(f"keyset pagination needs plain field orderings, not {item!r}")
        descending = item.startswith("-")
        name = item.lstrip("-+")
        if "__" in name or name == "?":
            raise ValueError(f"keyset pagination needs fields of {model.__name__} itself, not {name!r}")
        field = model._meta.pk if name == "pk" else model._meta.get_field(name)
        if field.null:
            raise ValueError(f"keyset pagination needs NOT NULL ordering fields; {name} is nullable")
        ordering.append((field.attname, descending))
    pk = model._meta.pk.attname
    if ordering[-1][0] != pk:
        ordering.append((pk, ordering[-1][1]))
    return ordering


def _encode_value(value: Any) -> Any:
    if isinstance(value, (datetime, date)):
        return value.isoformat()  # exact to the microsecond (DjangoJSONEncoder would cut it)
    if isinstance(value, Decimal):
        return str(value)
    return value


def encode_cursor(values: Sequence[Any], *, before: bool, number: int) -> str:
    payload = {"k": [_encode_value(v) for v in values], "b": int(before), "n": number}
    raw = json.dumps(payload, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(token: str, queryset: QuerySet[Any], ordering: list[tuple[str, bool]]) -> tuple[list[Any], bool, int]:
    """``(ordering values, before?, page number)`` of a cursor, or :class:`InvalidCursor`."""
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        payload = json.loads(raw)
        keys, before, number = payload["k"], bool(payload["b"]), int(payload["n"])
        if not isinstance(keys, list) or len(keys) != len(ordering) or number < 1:
            raise InvalidCursor(token)
        fields = {f.attname: f for f in queryset.model._meta.concrete_fields}
        values = [fields[name].to_python(value) for (name, _desc), value in zip(ordering, keys, strict=True)]
    except (ValueError, TypeError, KeyError, binascii.Error, ValidationError) as exc:
        raise InvalidCursor(token) from exc
    if any(v is None for v in values):
        raise InvalidCursor(token)
    return values, before, number


def _beyond(ordering: list[tuple[str, bool]], values: Sequence[Any], *, before: bool) -> Q:
    """Rows strictly after (or, ``before``, strictly before) ``values`` in ``ordering``.

    ``a <= x AND (a < x OR (a = x AND b < y) ...)``: the first, inclusive bound is what lets the
    database start the index range at the cursor; the OR only sorts out the ties on ``a``.
    """

    def op(descending: bool, strict: bool) -> str:
        later = descending != before  # later rows have smaller values in a descending column
        return ("lt" if later else "gt") + ("" if strict else "e")

    first, first_desc = ordering[0]
    either = Q()
    for i, (name, descending) in enumerate(ordering):
        term = Q(**{f"{n}": v for (n, _d), v in zip(ordering[:i], values[:i], strict=True)})
        term &= Q(**{f"{name}__{op(descending, True)}": values[i]})
        either |= term
    return Q(**{f"{first}__{op(first_desc, False)}": values[0]}) & either


@dataclass
class KeysetPage:
    """One page of a keyset-paginated list; quacks like Django's ``Page`` for the templates
    (``page.number``, ``page.paginator.count``/``num_pages``, ``has_next`` ...) and adds the
    cursors (``next_cursor``, ``previous_cursor``) and, from :func:`keyset_page_of`, the query
    strings of the links (``next_query``, ``previous_query``, ``first_query``, ``last_query``)."""

    object_list: list[Any]
    number: int
    page_size: int
    count: int | None
    has_next: bool
    has_previous: bool
    next_cursor: str | None
    previous_cursor: str | None
    next_query: str = ""
    previous_query: str = ""
    first_query: str = ""
    last_query: str = ""

    def __len__(self) -> int:
        return len(self.object_list)

    def __getitem__(self, index: Any) -> Any:
        return self.object_list[index]

    def __iter__(self) -> Iterator[Any]:
        return iter(self.object_list)

    @property
    def paginator(self) -> KeysetPage:
        return self  # templates written for Django's Page read page.paginator.count / num_pages

    @property
    def num_pages(self) -> int | None:
        if self.count is None:
            return None
        return max(1, -(-self.count // self.page_size))

    def has_other_pages(self) -> bool:
        return self.has_next or self.has_previous

    def next_page_number(self) -> int:
        return self.number + 1

    def previous_page_number(self) -> int:
        return self.number - 1

    def start_index(self) -> int:
        return 0 if not self.object_list else (self.number - 1) * self.page_size + 1

    def end_index(self) -> int:
        return self.start_index() + len(self.object_list) - 1 if self.object_list else 0


Count = Callable[[], int] | bool | None


def keyset_page(
    queryset: QuerySet[Any],
    *,
    cursor: str | None = None,
    size: int = 50,
    count: Count = None,
    page: int | None = None,
) -> KeysetPage:
    """The page of ``queryset`` after/before ``cursor`` (None: the first page; ``"last"``: the last).

    ``page`` (an old ``?page=N`` link, no cursor) is served by OFFSET. ``count``: see the module
    notes. Queries: one for the rows (size + 1, to know whether there is more), one for the count,
    one more only for the backward pages' "is there a previous page" check.
    Raises :class:`InvalidCursor` for a malformed cursor.
    """
    ordering = keyset_ordering(queryset)
    forward = [("-" if d else "") + n for n, d in ordering]
    backward = [("" if d else "-") + n for n, d in ordering]
    total: int | None
    if count is False:
        total = None
    elif callable(count):
        total = count()
    else:
        total = queryset.count()

    def key(obj: Any) -> list[Any]:
        # A model instance, or a row of ``queryset.values(...)`` that includes the ordering columns.
        if isinstance(obj, Mapping):
            return [obj[n] for n, _d in ordering]
        return [getattr(obj, n) for n, _d in ordering]

    before = False
    number = 1
    if cursor == LAST:
        if total is None:
            raise InvalidCursor(cursor)
        number = max(1, -(-total // size))
        tail = total - (number - 1) * size if total else size
        rows = list(queryset.order_by(*backward)[:tail])[::-1]
        has_next, has_previous = False, number > 1
    elif cursor:
        values, before, number = decode_cursor(cursor, queryset, ordering)
        if before:
            rows = list(queryset.filter(_beyond(ordering, values, before=True)).order_by(*backward)[: size + 1])
            has_previous = len(rows) > size
            rows = rows[:size][::-1]
            has_next = True
            # A stale cursor (rows added since) can leave the page number above 1 with nothing
            # before it: then it is the first page.
            number = number if has_previous else 1
        else:
            rows = list(queryset.filter(_beyond(ordering, values, before=False)).order_by(*forward)[: size + 1])
            has_next = len(rows) > size
            rows = rows[:size]
            has_previous = True
    else:
        # An old numbered link past the end is the last page: never an OFFSET beyond the rows.
        last = max(1, -(-total // size)) if total is not None else MAX_OFFSET_PAGE
        number = min(max(1, page or 1), last)
        offset = (number - 1) * size
        rows = list(queryset.order_by(*forward)[offset : offset + size + 1])
        has_next = len(rows) > size
        rows = rows[:size]
        has_previous = number > 1
        if not rows and number > 1:  # no count, and nothing that far: the first page
            return keyset_page(queryset, size=size, count=False)
    next_cursor = encode_cursor(key(rows[-1]), before=False, number=number + 1) if rows and has_next else None
    previous_cursor = encode_cursor(key(rows[0]), before=True, number=number - 1) if rows and has_previous else None
    return KeysetPage(
        object_list=rows,
        number=number,
        page_size=size,
        count=total,
        has_next=has_next,
        has_previous=has_previous,
        next_cursor=next_cursor,
        previous_cursor=previous_cursor,
    )


def page_size_of(request: HttpRequest, default: int = 50) -> int:
    """``?page_size=`` if it is one of PAGE_SIZES, else ``default``."""
    try:
        size = int(request.GET.get("page_size", default))
    except ValueError:
        size = default
    return size if size in PAGE_SIZES else default


def keyset_page_of(request: HttpRequest, queryset: QuerySet[Any], default: int = 50, count: Count = None) -> KeysetPage:
    """The UI's keyset page for ``?cursor=`` (or an old ``?page=N``) and ``?page_size=``, with the
    links' query strings (the current filters kept). A malformed cursor shows the first page."""
    size = page_size_of(request, default)
    try:
        page_number = int(request.GET.get("page") or 1)
    except ValueError:
        page_number = 1
    try:
        page = keyset_page(queryset, cursor=request.GET.get(CURSOR_PARAM) or None, size=size, count=count, page=page_number)
    except InvalidCursor:
        page = keyset_page(queryset, size=size, count=count)
    base = querystring(request, drop=("page", CURSOR_PARAM))

    def link(cursor: str | None) -> str:
        params = f"{CURSOR_PARAM}={cursor}" if cursor else ""
        return "&".join(p for p in (base, params) if p)

    page.first_query = link(None)
    page.last_query = link(LAST) if page.count is not None else ""
    page.next_query = link(page.next_cursor) if page.next_cursor else ""
    page.previous_query = link(page.previous_cursor) if page.previous_cursor else ""
    return page


class KeysetPagination(BasePagination):
    """DRF pagination by keyset: ``{count, next, previous, results}`` like the page-number
    pagination, but ``next``/``previous`` carry ``?cursor=`` and cost the same at any depth.
    ``?page_size=`` up to 200; ``?cursor=last``; ``?page=N`` still answers (by OFFSET).
    A view may set ``keyset_count`` (a function of the filtered queryset returning an exact count)."""

    page_size = 50
    max_page_size = 200

    def paginate_queryset(self, queryset: Any, request: Any, view: Any = None) -> list[Any]:
        from rest_framework.exceptions import ValidationError as APIValidationError

        self.request = request
        try:
            size = min(self.max_page_size, max(1, int(request.query_params.get("page_size") or self.page_size)))
        except ValueError:
            size = self.page_size
        counter = getattr(view, "keyset_count", None)
        count: Count = (lambda: counter(queryset)) if counter else None
        try:
            number = int(request.query_params.get("page") or 1)
        except ValueError:
            raise APIValidationError({"page": [_("A page number is a whole number, such as 2.")]}) from None
        try:
            self.page = keyset_page(
                queryset, cursor=request.query_params.get(CURSOR_PARAM) or None, size=size, count=count, page=number
            )
        except InvalidCursor:
            raise APIValidationError(
                {CURSOR_PARAM: [_("This page link is not valid; start again from the first page.")]}
            ) from None
        return list(self.page.object_list)

    def _link(self, cursor: str | None) -> str | None:
        from rest_framework.utils.urls import remove_query_param, replace_query_param

        if cursor is None:
            return None
        url = remove_query_param(self.request.build_absolute_uri(), "page")
        return replace_query_param(url, CURSOR_PARAM, cursor)

    def get_paginated_response(self, data: Any) -> Any:
        from rest_framework.response import Response

        return Response(
            {
                "count": self.page.count,
                "next": self._link(self.page.next_cursor),
                "previous": self._link(self.page.previous_cursor),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        return {
            "type": "object",
            "required": ["count", "results"],
            "properties": {
                # null where the view declines to count (keyset_count returns None: the audit trail).
                "count": {"type": "integer", "nullable": True, "example": 123},
                "next": {"type": "string", "nullable": True, "format": "uri"},
                "previous": {"type": "string", "nullable": True, "format": "uri"},
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        return [
            {"name": CURSOR_PARAM, "required": False, "in": "query", "description": "Page link from next/previous, or 'last'.", "schema": {"type": "string"}},
            {"name": "page_size", "required": False, "in": "query", "description": "Rows per page (1-200).", "schema": {"type": "integer"}},
            {"name": "page", "required": False, "in": "query", "description": "Page number (old links; slower on deep pages).", "schema": {"type": "integer"}},
        ]  # fmt: skip

"""The keyset pager of core.paging: no row lost or repeated across pages, whichever way one walks."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import RequestFactory

from safecity.core.models import Organisation
from safecity.core.paging import LAST, InvalidCursor, keyset_ordering, keyset_page, keyset_page_of


def _walk_forward(queryset: Any, size: int) -> tuple[list[int], list[int]]:
    ids, numbers = [], []
    page = keyset_page(queryset, size=size)
    while True:
        ids.extend(o.pk for o in page)
        numbers.append(page.number)
        if not page.has_next:
            return ids, numbers
        page = keyset_page(queryset, cursor=page.next_cursor, size=size)


@pytest.mark.django_db
def test_ties_on_the_ordering_column_never_lose_or_repeat_a_row(city: Any) -> None:
    # Organisations ordered by kind: six rows, mostly ties, so only the appended pk breaks them.
    queryset = Organisation.objects.order_by("kind")
    assert keyset_ordering(queryset) == [("kind", False), ("id", False)]
    expected = list(queryset.order_by("kind", "id").values_list("pk", flat=True))
    for size in (1, 2, 4, 6, 10):
        ids, numbers = _walk_forward(queryset, size)
        assert ids == expected
        assert numbers == list(range(1, len(numbers) + 1))


@pytest.mark.django_db
def test_backwards_from_the_last_page_gives_the_same_pages(city: Any) -> None:
    queryset = Organisation.objects.order_by("-kind")
    expected = list(queryset.order_by("-kind", "-id").values_list("pk", flat=True))
    page = keyset_page(queryset, cursor=LAST, size=4)
    assert page.number == 2 and page.num_pages == 2 and page.count == len(expected)
    assert [o.pk for o in page] == expected[4:]
    assert not page.has_next and page.has_previous
    first = keyset_page(queryset, cursor=page.previous_cursor, size=4)
    assert [o.pk for o in first] == expected[:4]
    assert first.number == 1 and not first.has_previous and first.has_next


@pytest.mark.django_db
def test_old_page_links_and_bad_cursors(city: Any) -> None:
    queryset = Organisation.objects.order_by("name")
    expected = list(queryset.order_by("name", "id").values_list("pk", flat=True))
    assert [o.pk for o in keyset_page(queryset, size=4, page=2)] == expected[4:]
    # A number past the end (or absurdly large) is the last page, not an OFFSET past the rows.
    for number in (3, 10**30):
        page = keyset_page(queryset, size=4, page=number)
        assert page.number == 2 and [o.pk for o in page] == expected[4:]
    assert [o.pk for o in keyset_page(queryset, size=4, page=10**30, count=False)] == expected[:4]
    with pytest.raises(InvalidCursor):
        keyset_page(queryset, cursor="not-a-cursor", size=4)
    # In the UI a bad cursor is the first page, and the links keep the filters.
    request = RequestFactory().get("/x/", {"cursor": "garbage", "kind": "enterprise", "page_size": "10"})
    page = keyset_page_of(request, queryset.filter(kind="enterprise"))
    assert page.number == 1 and page.count == 2
    assert page.first_query == "kind=enterprise&page_size=10"
    assert page.last_query == "kind=enterprise&page_size=10&cursor=last"
    assert page.next_query == "" and page.previous_query == ""


@pytest.mark.django_db
def test_nullable_ordering_is_refused(city: Any) -> None:
    with pytest.raises(ValueError, match="nullable"):
        keyset_ordering(Organisation.objects.order_by("latitude"))

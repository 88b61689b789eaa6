"""The public log's entry list pages by keyset: every entry once, newest first, the count from the
log head, and a fixed number of queries however deep the page."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from safecity.ledger.models import LogEntry
from safecity.ledger.services import ledger_append
from safecity.ledger.tests.conftest import make

pytestmark = pytest.mark.django_db


def test_api_walks_every_entry_once_with_filters(client: Client, signer: Any) -> None:
    ledger_append(actor=None, statements=make(signer, 7, prefix="a", kind="test.fill", subject="CYL-1"))
    ledger_append(actor=None, statements=make(signer, 5, prefix="b", kind="test.inspect", subject="CYL-2"))
    seen, url, counts = [], "/api/ledger/entries/?page_size=3", set()
    while url:
        body = client.get(url).json()
        seen += [e["index"] for e in body["results"]]
        counts.add(body["count"])
        url = body["next"]
    assert seen == list(range(11, -1, -1)) and counts == {12}
    body = client.get("/api/ledger/entries/?page_size=4&kind=test.inspect").json()
    assert body["count"] == 5 and [e["index"] for e in body["results"]] == [11, 10, 9, 8]
    rest = client.get(body["next"]).json()
    assert [e["index"] for e in rest["results"]] == [7] and rest["next"] is None
    assert client.get("/api/ledger/entries/?cursor=%%%").status_code == 400


def test_ui_pages_by_cursor_and_deep_pages_cost_the_same(client: Client, signer: Any) -> None:
    ledger_append(actor=None, statements=make(signer, 30, prefix="c"))
    first = client.get("/ledger/", {"page_size": 10})
    assert "30 records" in first.content.decode() and "Page 1 of 3" in first.content.decode()
    assert [e.index for e in first.context["page"]] == list(range(29, 19, -1))
    second = client.get(f"/ledger/?{first.context['page'].next_query}")
    assert [e.index for e in second.context["page"]] == list(range(19, 9, -1))
    last = client.get(f"/ledger/?{first.context['page'].last_query}")
    assert [e.index for e in last.context["page"]] == list(range(9, -1, -1)) and "Page 3 of 3" in last.content.decode()

    def queries(url: str) -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    # No COUNT over the log: the head's size answers the unfiltered list.
    with CaptureQueriesContext(connection) as ctx:
        client.get("/api/ledger/entries/?page_size=10")
    assert not [q for q in ctx.captured_queries if "COUNT(" in q["sql"].upper() and LogEntry._meta.db_table in q["sql"]]
    deep = client.get("/api/ledger/entries/?page_size=10").json()["next"]
    assert queries("/api/ledger/entries/?page_size=10") == queries(deep) == queries("/api/ledger/entries/?page_size=50")

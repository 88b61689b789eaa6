"""The filling gate's attempt list and the inspection station's records page by keyset: each row
once across pages (ties on the time included), each unit sees only its own, queries fixed."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from safecity.cylinders.models import FillAttempt
from safecity.cylinders.tests.conftest import Cyl, key

pytestmark = pytest.mark.django_db


def login(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def attempts(station: Any, n: int, *, at: Any, allowed: bool = False) -> list[FillAttempt]:
    return FillAttempt.objects.bulk_create(
        [
            FillAttempt(station=station, code=f"X{i:04d}", attempted_at=at, allowed=allowed, idempotency_key=key())
            for i in range(n)
        ]
    )


def test_attempt_pages_lose_and_repeat_nothing_and_stay_scoped(cyl: Cyl) -> None:
    same = timezone.now().replace(microsecond=0)
    mine = attempts(cyl.unit, 9, at=same) + attempts(cyl.unit, 3, at=same, allowed=True)
    theirs = attempts(cyl.other_unit, 4, at=same)
    expected = list(FillAttempt.objects.filter(station=cyl.unit).order_by("-attempted_at", "-id").values_list("pk", flat=True))
    client = login(cyl.operator)
    api = Client()
    api.force_login(cyl.operator)
    seen, url = [], "/api/cylinders/fill-attempts/?page_size=5"
    while url:
        body = api.get(url).json()
        assert body["count"] == 12
        seen += [a["id"] for a in body["results"]]
        url = body["next"]
    assert seen == expected
    # The UI: two pages of 10 by cursor, every own attempt once, none of the other unit's.
    first = client.get("/cylinders/attempts/", {"page_size": 10})
    second = client.get(f"/cylinders/attempts/?{first.context['page'].next_query}")
    shown = [a.pk for a in first.context["page"]] + [a.pk for a in second.context["page"]]
    assert shown == expected
    assert not {a.pk for a in theirs} & set(shown)
    assert "12 records" in first.content.decode()
    refusals = client.get("/cylinders/attempts/", {"allowed": "0", "page_size": 10})
    assert refusals.context["page"].count == 9
    assert {a.pk for a in mine if not a.allowed} >= {a.pk for a in refusals.context["page"]}

    def queries(url: str) -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    assert queries("/cylinders/attempts/?page_size=10") == queries(f"/cylinders/attempts/?{first.context['page'].next_query}")

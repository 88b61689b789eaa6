"""The organisation list at city scale: 100,000 organisations, query count independent of page size."""

from __future__ import annotations

import random
from typing import Any

import pytest
from django.db import connection, models
from django.test.utils import CaptureQueriesContext

from safecity.core.choices import OrganisationKind
from safecity.core.demo.codes import credit_code
from safecity.core.models import Organisation

N = 100_000


@pytest.fixture
def many_organisations(city: Any) -> None:
    rng = random.Random(7)
    regions = [city.street_a, city.street_b, city.district_a, city.district_b]
    codes: set[str] = set()
    while len(codes) < N // 10:
        codes.add(credit_code(rng, region_code="320411"))
    unique = sorted(codes)
    rows = [
        Organisation(
            name=f"测试企业{i:06d}有限公司",
            kind=OrganisationKind.ENTERPRISE,
            region=regions[i % 4],
            credit_code=unique[i // 10] if i % 10 == 0 else None,
            industry_code="C2614",
        )
        for i in range(N)
    ]
    # Test data set-up only: the plain bulk insert (like a COPY load), not a user write path.
    models.QuerySet.bulk_create(Organisation.objects.get_queryset(), rows, batch_size=5000)


def _render(client: Any, size: int) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get("/organisations/", {"page_size": size, "page": 3})
    assert response.status_code == 200
    return len(ctx.captured_queries), response.content.decode()


def test_organisation_list_query_count_does_not_grow_with_page_size(
    client: Any, city: Any, personas: Any, many_organisations: None
) -> None:
    client.force_login(personas.city_official)
    small_queries, small = _render(client, 25)
    large_queries, large = _render(client, 200)
    assert small_queries == large_queries
    assert small_queries <= 12
    assert small.count('href="/organisations/') - large.count('href="/organisations/') == 25 - 200
    total = Organisation.objects.count()
    assert total > N
    assert f"{total}" in large.replace(",", "")


def test_district_official_sees_only_their_half_of_the_city(
    client: Any, city: Any, personas: Any, many_organisations: None
) -> None:
    client.force_login(personas.district_b)
    response = client.get("/api/organisations/", {"page_size": 50})
    body = response.json()
    expected = Organisation.objects.filter(region__path__startswith=city.district_b.path).count()
    assert body["count"] == expected
    assert expected < Organisation.objects.count() / 2 + 10
    assert all(item["region"] in {"320412", "320412100"} for item in body["results"])

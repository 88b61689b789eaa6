"""The supervision list at scale: the denormalised region path and tallies stay true whatever
writes, keyset pages lose or repeat no row, counts are exact, and the query count is fixed."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.db.models import Count
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from safecity.core import services as core_services
from safecity.core.audit import audit_context
from safecity.core.choices import AuditSource
from safecity.hazards.choices import HazardLevel, HazardState
from safecity.hazards.models import HazardTally, HiddenHazard

pytestmark = pytest.mark.django_db


def login(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def assert_in_sync() -> None:
    """Every hazard's path is its enterprise's region path; every tally equals a count of the rows."""
    for hazard in HiddenHazard.objects.select_related("organisation__region"):
        assert hazard.region_path == hazard.organisation.region.path, hazard
    rows = Counter(
        {
            (r["region_path"], r["level"], r["state"]): r["n"]
            for r in HiddenHazard.objects.values("region_path", "level", "state").annotate(n=Count("id"))
        }
    )
    tallies = Counter({(t.region_path, t.level, t.state): t.n for t in HazardTally.objects.all() if t.n})
    assert tallies == rows


_serial = Counter[str]()


def bulk(org: Any, n: int, *, at: Any, level: int = HazardLevel.GENERAL, state: int = HazardState.RECTIFYING) -> list[Any]:
    """Hazards written past the services (an import, a script): bulk_create, no region path given."""
    _serial["n"] += 1
    return HiddenHazard.objects.bulk_create(
        [
            HiddenHazard(organisation=org, code=f"BULK-{org.pk}-{_serial['n']}-{i}", level=level, state=state,
                         description=f"批量 {i}", discovered_at=at, deadline=at.date() + timedelta(days=30))
            for i in range(n)
        ]
    )  # fmt: skip


def test_region_path_and_tallies_follow_every_write_path(city: Any, personas: Any, make_hazard: Any) -> None:
    reported = make_hazard(HazardState.RECTIFYING)  # the service
    make_hazard(HazardState.TO_CONFIRM, org=city.enterprise_b)
    assert HiddenHazard.objects.get(pk=reported.pk).region_path == city.street_a.path
    assert_in_sync()
    now = timezone.now()
    bulk(city.enterprise_a, 3, at=now)  # bulk_create
    assert_in_sync()
    # A bulk update moves hazards to another enterprise and changes their state.
    HiddenHazard.objects.filter(organisation=city.enterprise_a, code__startswith="BULK").update(
        organisation=city.enterprise_b, state=HazardState.TO_CONFIRM
    )
    assert set(HiddenHazard.objects.filter(code__startswith="BULK").values_list("region_path", flat=True)) == {city.street_b.path}
    assert_in_sync()
    # A writer that sends a wrong path is corrected.
    HiddenHazard.objects.filter(pk=reported.pk).update(region_path="999999/")
    assert HiddenHazard.objects.get(pk=reported.pk).region_path == city.street_a.path
    assert_in_sync()
    # The enterprise moves to another street (service), then back by a queryset update.
    with audit_context(source=AuditSource.SYSTEM, actor=city.superuser):
        core_services.organisation_update(actor=city.superuser, organisation=city.enterprise_a, region=city.street_b)
    assert HiddenHazard.objects.get(pk=reported.pk).region_path == city.street_b.path
    assert_in_sync()
    type(city.enterprise_a).objects.filter(pk=city.enterprise_a.pk).update(region=city.street_a)
    assert HiddenHazard.objects.get(pk=reported.pk).region_path == city.street_a.path
    assert_in_sync()
    # The street moves under a development zone: its subtree's paths, and the hazards', follow.
    with audit_context(source=AuditSource.SYSTEM, actor=city.superuser):
        zone = core_services.region_create(actor=city.superuser, code="320471", name="常州经开区", level="zone", parent=city.city)
        core_services.region_update(actor=city.superuser, region=city.street_a, parent=zone)
    city.street_a.refresh_from_db()
    assert city.street_a.path == "320000/320400/320471/320411002/"
    assert HiddenHazard.objects.get(pk=reported.pk).region_path == city.street_a.path
    assert_in_sync()
    # ... and the district A official, whose district the street left, no longer sees the hazard.
    body = login(personas.district_a).get("/api/hazards/hazards/").json()
    assert reported.pk not in {r["id"] for r in body["results"]} and body["count"] == 0
    assert reported.pk in {r["id"] for r in login(personas.city_official).get("/api/hazards/hazards/").json()["results"]}
    # Deletes (an erasure script) count down too.
    HiddenHazard.objects.filter(code__startswith="BULK").delete()
    assert_in_sync()


def test_copy_and_raw_sql_keep_them_true(city: Any, make_hazard: Any) -> None:
    """COPY (PostgreSQL; the 1,000,000-row load) or a raw INSERT, then a raw UPDATE: no ORM at all."""
    now = timezone.now()
    columns = (
        "organisation_id, code, level, source, management_type, hazard_type, state, description, cause, measures,"
        " location, discovered_at, rectification, acceptance_comment, region_path, created_at, updated_at"
    )
    rows = [(city.enterprise_b.pk, f"COPY{i}", 0, 1, 1, 1, 0, "复制", "", "", "", now, "", "", "", now, now) for i in range(5)]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.copy(f"COPY hazards_hiddenhazard ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(rows[0]))
            cursor.executemany(f"INSERT INTO hazards_hiddenhazard ({columns}) VALUES ({marks})", rows)  # noqa: S608 - constants
        cursor.execute("UPDATE hazards_hiddenhazard SET state = 1 WHERE code IN ('COPY0', 'COPY1')")
    assert set(HiddenHazard.objects.filter(code__startswith="COPY").values_list("region_path", flat=True)) == {city.street_b.path}
    assert_in_sync()


def _walk(client: Client, url: str) -> tuple[list[int], list[int]]:
    ids, counts = [], []
    while url:
        body = client.get(url).json()
        ids.extend(r["id"] for r in body["results"])
        counts.append(body["count"])
        url = body["next"]
    return ids, counts


def test_keyset_pages_lose_and_repeat_nothing_with_ties_filters_and_scoping(city: Any, personas: Any) -> None:
    same = timezone.now().replace(microsecond=0) - timedelta(days=1)
    # Ten hazards with the very same discovery time in each district, some major, some closed.
    a = bulk(city.enterprise_a, 7, at=same) + bulk(city.enterprise_a, 3, at=same, level=HazardLevel.MAJOR)
    b = bulk(city.enterprise_b, 6, at=same) + bulk(city.enterprise_b, 4, at=same + timedelta(hours=1))
    bulk(city.enterprise_a, 2, at=same - timedelta(hours=1), state=HazardState.TO_CONFIRM)
    every_a = list(HiddenHazard.objects.filter(organisation=city.enterprise_a).order_by("-discovered_at", "-id"))
    client_a = login(personas.district_a)
    ids, counts = _walk(client_a, "/api/hazards/hazards/?page_size=3")
    assert ids == [h.pk for h in every_a]  # all of district A, once each, in the list's order
    assert set(counts) == {12}
    assert not {h.pk for h in b} & set(ids)  # nothing of district B
    # With filters: the same filter on every page.
    ids, counts = _walk(client_a, f"/api/hazards/hazards/?page_size=2&state={HazardState.RECTIFYING}&level=0")
    assert ids == [h.pk for h in every_a if h.state == HazardState.RECTIFYING and h.level == 0]
    assert set(counts) == {7}
    # Backwards from the last page gives the same rows.
    body = client_a.get("/api/hazards/hazards/?page_size=5&cursor=last").json()
    back: list[int] = []
    while True:
        back = [r["id"] for r in body["results"]] + back
        if not body["previous"]:
            break
        body = client_a.get(body["previous"]).json()
    assert back == [h.pk for h in every_a]
    # The city official walks both districts; district B sees only its own.
    ids, _counts = _walk(login(personas.city_official), "/api/hazards/hazards/?page_size=4")
    assert sorted(ids) == sorted(h.pk for h in HiddenHazard.objects.all())
    ids, counts = _walk(login(personas.district_b), "/api/hazards/hazards/?page_size=4&region=320412")
    assert sorted(ids) == sorted(h.pk for h in b) and set(counts) == {10}
    assert not {h.pk for h in a} & set(ids)
    # An enterprise user (counted row by row, not from the tallies) sees its own enterprise only.
    ids, counts = _walk(login(personas.enterprise_user), "/api/hazards/hazards/?page_size=5")
    assert ids == [h.pk for h in every_a] and set(counts) == {12}
    # The outsider sees nothing; a broken cursor is a 400, not a 500.
    assert login(personas.outsider).get("/api/hazards/hazards/").json()["count"] == 0
    assert client_a.get("/api/hazards/hazards/?cursor=broken").status_code == 400


def test_ui_list_pages_by_cursor_and_counts_exactly(city: Any, personas: Any) -> None:
    now = timezone.now()
    bulk(city.enterprise_a, 12, at=now)
    bulk(city.enterprise_b, 5, at=now)
    client = login(personas.district_a)
    page = client.get("/hazards/", {"page_size": 10, "level": 0})
    html = page.content.decode()
    assert "12 records" in html and "Page 1 of 2" in html
    assert "BULK-" + str(city.enterprise_b.pk) not in html
    next_link = page.context["page"].next_query
    assert "cursor=" in next_link and "level=0" in next_link
    second = client.get(f"/hazards/?{next_link}")
    assert "Page 2 of 2" in second.content.decode() and len(second.context["page"].object_list) == 2
    first_ids = {h.pk for h in page.context["page"].object_list}
    assert not first_ids & {h.pk for h in second.context["page"].object_list}
    # Old numbered links still work.
    assert len(client.get("/hazards/?page=2&page_size=10").context["page"].object_list) == 2


def _queries(client: Client, url: str) -> list[str]:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return [q["sql"] for q in ctx.captured_queries]


def test_query_count_does_not_grow_and_officials_count_from_the_tallies(city: Any, personas: Any) -> None:
    bulk(city.enterprise_a, 60, at=timezone.now())
    client = login(personas.district_a)
    small = _queries(client, "/api/hazards/hazards/?page_size=10&level=0&state=0&region=320411")
    large = _queries(client, "/api/hazards/hazards/?page_size=50&level=0&state=0&region=320411")
    assert len(small) == len(large) <= 8
    # No COUNT over the hazards: the count comes from the tallies.
    assert not [q for q in large if "COUNT(" in q.upper() and "hazards_hiddenhazard" in q]
    assert [q for q in large if "hazards_hazardtally" in q]
    deep = client.get("/api/hazards/hazards/?page_size=10&level=0&state=0&region=320411").json()["next"]
    assert len(_queries(client, deep)) == len(small)
    ui_small = _queries(client, "/hazards/?page_size=10")
    ui_large = _queries(client, "/hazards/?page_size=50")
    assert len(ui_small) == len(ui_large)

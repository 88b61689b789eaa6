"""Benchmark: the scoped hidden-hazard list API against a bare Django JSON view, on PostgreSQL.

    python -m bench.hazard_list [--hazards 1000000] [--enterprises 10000] [--seconds 20]

Builds (once) N hidden hazards across M enterprises in a PostgreSQL database of its own with COPY
(not the ORM), then measures in the same run, with the same filters (level, state, region; page
of 50): requests per second of the real API endpoint (authentication, scoping, filterset,
serializer, pagination) and of a bare view that runs the same query and returns JSON. Prints the
ratio and the API's query count per request at page sizes 10 and 50 (it must not grow), ending with
``RESULT hazard_list ratio=<x> rps=<y> queries=<n>``.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from datetime import UTC, datetime, timedelta

from bench.common import load_regions
from bench.common import setup_django as setup

DB_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/safecity_bench")


def setup_django() -> None:
    setup(DB_URL)
    from django.conf import settings

    settings.ALLOWED_HOSTS = ["*"]
    settings.DEBUG = False


def bare_view(request):  # type: ignore[no-untyped-def]
    """The baseline: the same filtered page as plain Django, no auth, scoping or serializer."""
    from django.http import JsonResponse

    from safecity.core.models import Region
    from safecity.hazards.models import HiddenHazard

    path = Region.objects.filter(code=request.GET["region"]).values_list("path", flat=True).first()
    qs = HiddenHazard.objects.filter(
        organisation__region__path__startswith=path, level=int(request.GET["level"]), state=int(request.GET["state"])
    ).order_by("-discovered_at", "-id")
    count = qs.count()
    rows = list(
        qs.values(
            "id", "code", "organisation_id", "organisation__name", "level", "state", "description", "discovered_at", "deadline"
        )[:50]
    )
    return JsonResponse({"count": count, "results": rows})


def load(hazards: int, enterprises: int) -> None:
    from django.core.management import call_command
    from django.db import connection

    from safecity.core.demo.codes import credit_code
    from safecity.core.models import Organisation, Region

    call_command("migrate", verbosity=0)
    existing = connection.cursor()
    existing.execute("SELECT count(*) FROM hazards_hiddenhazard")
    if existing.fetchone()[0] >= hazards:
        print(f"data present: {hazards:,} hazards")
        return
    call_command("flush", interactive=False, verbosity=0)
    rng = random.Random(42)
    started = time.monotonic()
    from django.contrib.auth import get_user_model

    admin = get_user_model().objects.create_superuser("bench-admin", password="bench-password-123")
    made: dict[str, Region] = load_regions(admin)
    streets = [r for r in made.values() if r.level == "street"]
    now = datetime.now(UTC)
    codes: set[str] = set()
    with (
        connection.cursor() as cursor,
        cursor.copy(
            "COPY core_organisation (name, short_name, kind, credit_code, region_id, industry_code, address, contact_phone, is_active, created_at, updated_at) FROM STDIN"
        ) as copy,
    ):
        for i in range(enterprises):
            street = streets[i % len(streets)]
            code = credit_code(rng, region_code=street.code[:6])
            while code in codes:
                code = credit_code(rng, region_code=street.code[:6])
            codes.add(code)
            copy.write_row(
                (f"基准企业{i:05d}有限公司", "", "enterprise", code, street.pk, "C2614", street.name, "", True, now, now)
            )
    org_ids = list(Organisation.objects.values_list("id", flat=True))
    print(f"{enterprises:,} enterprises loaded in {time.monotonic() - started:.1f}s")
    started = time.monotonic()
    with (
        connection.cursor() as cursor,
        cursor.copy(
            "COPY hazards_hiddenhazard (organisation_id, code, level, source, management_type, hazard_type, state, description, cause, measures,"
            " location, discovered_at, deadline, rectification, acceptance_comment, accepted_by_id, accepted_at, created_at, updated_at) FROM STDIN"
        ) as copy,
    ):
        for i in range(hazards):
            discovered = now - timedelta(minutes=rng.randint(0, 60 * 24 * 900))
            state = rng.choice((-1, 0, 0, 1, 9, 9, 9))
            copy.write_row((
                rng.choice(org_ids), f"YH{i:010d}", 1 if rng.random() < 0.03 else 0, rng.randint(1, 10), 1, rng.randint(1, 8), state,
                f"基准隐患描述 {i}", "", "", "", discovered, (discovered + timedelta(days=30)).date(), "",
                "基准验收" if state == 9 else "", admin.pk if state == 9 else None,
                discovered + timedelta(days=20) if state == 9 else None, now, now,
            ))  # fmt: skip
            if i and i % 200_000 == 0:
                print(f"  {i:,} hazards ...", flush=True)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"{hazards:,} hazards loaded with COPY in {time.monotonic() - started:.1f}s")


def official() -> object:
    from django.contrib.auth import get_user_model

    from safecity.core import services
    from safecity.core.models import Organisation, Person, Region

    User = get_user_model()
    user = User.objects.filter(username="bench-official").first()
    if user is not None:
        return user
    admin = User.objects.get(username="bench-admin")
    user = User.objects.create_user("bench-official", password="bench-password-123")
    district = Region.objects.get(code="320411")
    bureau = services.organisation_create(actor=admin, name="新北区应急管理局(基准)", kind="district_bureau", region=district)
    person = services.person_create(actor=admin, name="基准官员", organisation=bureau, user=user)
    services.role_assign(actor=admin, person=person, role="district_official", organisation=bureau, jurisdiction=district)
    del Person, Organisation
    return user


def measure(client: object, url: str, seconds: float) -> float:
    deadline = time.perf_counter() + seconds
    count = 0
    while time.perf_counter() < deadline:
        response = client.get(url)  # type: ignore[attr-defined]
        assert response.status_code == 200, response.content[:300]
        count += 1
    return count / seconds


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--hazards", type=int, default=1_000_000)
    parser.add_argument("--enterprises", type=int, default=10_000)
    parser.add_argument("--seconds", type=float, default=15.0)
    args = parser.parse_args()
    setup_django()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import clear_url_caches, path

    import safecity.urls as root

    root.urlpatterns.insert(0, path("bench/bare-hazards/", bare_view))
    clear_url_caches()
    load(args.hazards, args.enterprises)
    client = Client()
    client.force_login(official())
    params = "level=0&state=0&region=320411"
    api = f"/api/hazards/hazards/?{params}&page_size=50"
    bare = f"/bench/bare-hazards/?{params}"
    body = client.get(api).json()
    print(f"filtered rows: {body['count']:,}; page: {len(body['results'])}")
    queries = {}
    for size in (10, 50):
        with CaptureQueriesContext(connection) as ctx:
            client.get(f"/api/hazards/hazards/?{params}&page_size={size}")
        queries[size] = len(ctx.captured_queries)
    print(f"API queries per request: page 10 -> {queries[10]}, page 50 -> {queries[50]}")
    measure(client, api, 2)  # warm-up
    measure(client, bare, 2)
    # Alternate the two in slices so machine noise hits both alike.
    api_rps, bare_rps = [], []
    for _ in range(3):
        api_rps.append(measure(client, api, args.seconds / 3))
        bare_rps.append(measure(client, bare, args.seconds / 3))
    api_mean, bare_mean = sum(api_rps) / 3, sum(bare_rps) / 3
    ratio = api_mean / bare_mean
    print(f"scoped API: {api_mean:.1f} req/s; bare view: {bare_mean:.1f} req/s; ratio {ratio:.2f} (goal >= 0.40)")
    grows = queries[50] != queries[10]
    print(f"RESULT hazard_list ratio={ratio:.2f} rps={api_mean:.1f} queries={queries[50]}")
    if grows:
        sys.exit("query count grows with the page size")


if __name__ == "__main__":
    main()

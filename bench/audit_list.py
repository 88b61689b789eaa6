"""Benchmark: a district official's audit trail at 1,000,000 entries against 10,000.

    python -m bench.audit_list [--entries 1000000] [--small 10000] [--repeat 30]

Builds (once; reused while the row count matches) two PostgreSQL databases of its own and loads
the entries with COPY (not the ORM): writes of organisations, hidden hazards, innovation scores
and procuratorate cases spread over the demo city's districts, with the scope keys the trail
copies (region path, organisation, person). Then, in-process (the Django test client, the same
view and selector as production), times the scoped first page of ``/api/audit/`` and of
``/audit/``, and a deep keyset page (100 pages on, or the last full page of a smaller trail), for a district official, at both sizes; and
prints the plan's row estimate of the first page. Ends with

    RESULT audit_list scale_ratio=<ms at 1M / ms at 10k> ms=<ms at 1M> ms_small=<ms at 10k> queries=<n>

Goal: scale_ratio <= 1.5 (the page costs the same at any size: keyset, no COUNT, no join per row).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

DB_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/safecity_bench_audit")
SMALL_DB_URL = os.environ.get("BENCH_SMALL_DATABASE_URL", DB_URL + "_10k")
MODELS = [("core", "organisation"), ("hazards", "hiddenhazard"), ("innovation", "score"), ("firecases", "case")]


def load(entries: int) -> None:
    from django.contrib.auth import get_user_model
    from django.contrib.contenttypes.models import ContentType
    from django.core.management import call_command
    from django.db import connection

    from bench.common import copy_rows, load_regions
    from safecity.core import services
    from safecity.core.choices import OrganisationKind, Role

    call_command("migrate", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM core_auditentry")
        if cursor.fetchone()[0] >= entries:
            print(f"data present: {entries:,} entries", flush=True)
            return
    call_command("flush", interactive=False, verbosity=0)
    started = time.monotonic()
    admin = get_user_model().objects.create_superuser("bench-admin", password="bench-password-123")
    regions = load_regions(admin)
    district = regions["320411"]
    bureau = services.organisation_create(
        actor=admin, name="新北区应急管理局", kind=OrganisationKind.DISTRICT_BUREAU, region=district
    )
    user = get_user_model().objects.create_user("bench-district", password="bench-password-123")
    person = services.person_create(actor=admin, name="区级用户", organisation=bureau, user=user)
    services.role_assign(actor=admin, person=person, role=Role.DISTRICT_OFFICIAL, organisation=bureau, jurisdiction=district)
    streets = [r.path for r in regions.values() if r.depth >= 3] or [r.path for r in regions.values()]
    types = [ContentType.objects.get_by_natural_key(app, model).pk for app, model in MODELS]
    rng = random.Random(12)
    base = datetime(2023, 1, 1, tzinfo=UTC)
    step = timedelta(days=700) / entries

    def rows() -> Any:
        for i in range(entries):
            ct = types[i % len(types)]
            after = json.dumps({"address": f"路{i}号", "state": i % 5}, ensure_ascii=False)
            yield (
                base + step * i, "bench", "system", f"r{i:x}", "update", ct, str(i), f"对象 {i}",
                None, after, '["address"]', rng.choice(streets), rng.randrange(1, 5000), rng.randrange(1, 5000),
            )  # fmt: skip

    columns = "time, actor_label, source, request_id, action, content_type_id, object_id, object_repr, before, after, changed_fields, region_path, organisation_id, person_id"  # fmt: skip
    with connection.cursor() as cursor:
        copy_rows(cursor, f"COPY core_auditentry ({columns}) FROM STDIN", rows())
        cursor.execute("ANALYZE core_auditentry")
    print(f"loaded {entries:,} entries in {time.monotonic() - started:.0f} s", flush=True)


def measure(repeat: int) -> dict[str, Any]:
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1")  # an allowed host of the production settings
    client.force_login(get_user_model().objects.get(username="bench-district"))

    def timed(path: str) -> tuple[float, int, Any]:
        times = []
        for _ in range(repeat):
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                response = client.get(path, HTTP_ACCEPT="application/json")
                times.append(time.perf_counter() - started)
            assert response.status_code == 200, response.status_code
        return statistics.median(times) * 1000, len(queries.captured_queries), response

    api_ms, queries, response = timed("/api/audit/?page_size=50")
    page = response.json()
    url = previous = page["next"]
    for _ in range(100):  # a deep page: 100 pages on, or the last full one of a smaller trail
        following = client.get(url, HTTP_ACCEPT="application/json").json()["next"]
        if following is None:
            # ``url`` is the trail's last page, which may hold a few rows: a page of 50 is compared
            # with a page of 50, so take the one before it.
            url = previous
            break
        previous, url = url, following
    parts = urlsplit(url)
    deep_ms, _q, _r = timed(f"{parts.path}?{parts.query}")
    ui_ms, _q, _r = timed("/audit/?page_size=50")
    return {"api_ms": api_ms, "deep_ms": deep_ms, "ui_ms": ui_ms, "queries": queries, "shown": len(page["results"])}


def child(db_url: str, entries: int, repeat: int) -> None:
    from bench.common import setup_django

    setup_django(db_url)
    load(entries)
    print("MEASURE " + json.dumps(measure(repeat)), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--small", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--child", default="")
    args = parser.parse_args()
    if args.child:
        child(args.child, args.entries, args.repeat)
        return
    runs: dict[str, list[dict[str, Any]]] = {"small": [], "large": []}
    # Two rounds, the sizes alternating, and the better of each size's two medians: the machine is
    # shared, and a slow spell that falls on one size alone would read as a scale effect.
    for _round in range(2):
        for label, url, n in (("small", SMALL_DB_URL, args.small), ("large", DB_URL, args.entries)):
            out = subprocess.run(  # noqa: S603 - this script, fixed arguments
                [sys.executable, "-m", "bench.audit_list", "--child", url, "--entries", str(n), "--repeat", str(args.repeat)],
                capture_output=True,
                text=True,
                check=True,
            ).stdout
            print(out, end="")
            runs[label].append(json.loads(out.rsplit("MEASURE ", 1)[1]))
    small, large = ({**r[0], **{k: min(x[k] for x in r) for k in ("api_ms", "deep_ms", "ui_ms")}} for r in runs.values())
    for key in ("api_ms", "deep_ms", "ui_ms"):
        print(f"{key}: {small[key]:.1f} ms at {args.small:,}, {large[key]:.1f} ms at {args.entries:,}")
    worst = max(large[k] / small[k] for k in ("api_ms", "deep_ms", "ui_ms"))
    print(
        f"RESULT audit_list scale_ratio={worst:.2f} ms={large['api_ms']:.1f} ms_small={small['api_ms']:.1f} "
        f"queries={large['queries']}"
    )


if __name__ == "__main__":
    main()

"""Benchmark: the set-based rescoring of every enterprise's health portrait, on PostgreSQL.

    python -m bench.portrait_rescore [--enterprises 10000] [--hazards 300000] [--rounds 3]

Builds (once) M enterprises with N hidden hazards and a risk registry each (object, unit, risk
events of every colour, control measures) in a PostgreSQL database of its own with COPY (not the
ORM), then times in the same run ``portraits_rescore`` over all enterprises (facts gathered with a
fixed number of aggregate queries, the pure scoring engine, bulk writes of portraits, dimension
scores and every deduction with its evidence) against ONE SQL aggregate pass over the same hazards
(per-enterprise counts of open, overdue, major and closed hazards: the least any rescoring must
read). Prints both times, the queries of one rescore, and ends with
``RESULT portrait_rescore ratio=<x>`` (rescore time / aggregate time; lower is better).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import time
from datetime import UTC, datetime, timedelta

from bench.common import copy_rows, load_regions, setup_django

DB_URL = os.environ.get("BENCH_PORTRAITS_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/safecity_bench_portraits")

AGGREGATE_SQL = """
SELECT organisation_id,
       count(*) AS found,
       count(*) FILTER (WHERE state IN (-1, 0, 1)) AS open,
       count(*) FILTER (WHERE state IN (-1, 0) AND deadline < current_date) AS overdue,
       count(*) FILTER (WHERE level = 1) AS major,
       count(*) FILTER (WHERE state = 9) AS closed
FROM hazards_hiddenhazard
WHERE state <> -9
GROUP BY organisation_id
"""


def load(enterprises: int, hazards: int) -> None:
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection

    from safecity.core.demo.codes import credit_code
    from safecity.core.models import Organisation, Region

    call_command("migrate", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM hazards_hiddenhazard")
        if cursor.fetchone()[0] >= hazards:
            print(f"data present: {hazards:,} hazards")
            return
    call_command("flush", interactive=False, verbosity=0)
    rng = random.Random(42)
    started = time.monotonic()
    admin = get_user_model().objects.create_superuser("bench-admin", password="bench-password-123")
    made: dict[str, Region] = load_regions(admin)
    streets = [r for r in made.values() if r.level == "street"]
    now = datetime.now(UTC)
    codes: set[str] = set()

    def organisations() -> object:
        for i in range(enterprises):
            street = streets[i % len(streets)]
            code = credit_code(rng, region_code=street.code[:6])
            while code in codes:
                code = credit_code(rng, region_code=street.code[:6])
            codes.add(code)
            lat, lon = 31.6 + rng.random() * 0.4, 119.7 + rng.random() * 0.5
            yield (
                f"基准企业{i:05d}有限公司",
                "",
                "enterprise",
                code,
                street.pk,
                "C2614",
                street.name,
                lat,
                lon,
                "",
                True,
                now,
                now,
            )

    with connection.cursor() as cursor:
        copy_rows(
            cursor,
            "COPY core_organisation (name, short_name, kind, credit_code, region_id, industry_code, address, latitude, longitude,"
            " contact_phone, is_active, created_at, updated_at) FROM STDIN",
            organisations(),
        )
    org_ids = list(Organisation.objects.filter(kind="enterprise").values_list("id", flat=True))
    print(f"{enterprises:,} enterprises loaded in {time.monotonic() - started:.1f}s")
    started = time.monotonic()

    def hidden_hazards() -> object:
        for i in range(hazards):
            discovered = now - timedelta(minutes=rng.randint(0, 60 * 24 * 900))
            state = rng.choice((-1, 0, 0, 1, 9, 9, 9, 9, 9, 9))
            yield (
                rng.choice(org_ids), f"YH{i:010d}", 1 if rng.random() < 0.03 else 0, rng.randint(1, 10), 1, rng.randint(1, 8), state,
                f"基准隐患描述 {i}", "", "", "", discovered, (discovered + timedelta(days=30)).date(), "",
                "基准验收" if state == 9 else "", admin.pk if state == 9 else None,
                discovered + timedelta(days=20) if state == 9 else None, now, now,
            )  # fmt: skip

    with connection.cursor() as cursor:
        copy_rows(
            cursor,
            "COPY hazards_hiddenhazard (organisation_id, code, level, source, management_type, hazard_type, state, description,"
            " cause, measures, location, discovered_at, deadline, rectification, acceptance_comment, accepted_by_id, accepted_at,"
            " created_at, updated_at) FROM STDIN",
            hidden_hazards(),
        )
        # One storage object and unit per enterprise, three risk events of random colours, measures for most.
        copy_rows(
            cursor,
            "COPY hazards_riskobject (organisation_id, name, kind, created_at, updated_at) FROM STDIN",
            ((org, "罐区", "storage", now, now) for org in org_ids),
        )
        cursor.execute("SELECT id, organisation_id FROM hazards_riskobject")
        objects = cursor.fetchall()
        copy_rows(
            cursor,
            "COPY hazards_riskunit (organisation_id, risk_object_id, name, location, created_at, updated_at) FROM STDIN",
            ((org, obj, "1号储罐", "", now, now) for obj, org in objects),
        )
        cursor.execute("SELECT id, organisation_id FROM hazards_riskunit")
        units = cursor.fetchall()

        def events() -> object:
            for unit, org in units:
                for n in range(3):
                    level = rng.choice((1, 2, 2, 3, 3, 3, 4, 4, 4, 4))
                    yield (org, unit, f"风险事件{n}", "", "LEC", "{}", 200, level, "{}", 100, level, now, now)

        copy_rows(
            cursor,
            "COPY hazards_riskevent (organisation_id, unit_id, name, accident_type, method, initial_factors, initial_score,"
            " initial_level, current_factors, current_score, current_level, created_at, updated_at) FROM STDIN",
            events(),
        )
        cursor.execute("SELECT id, organisation_id FROM hazards_riskevent")
        event_rows = cursor.fetchall()

        def measures() -> object:
            for event, org in event_rows:
                if rng.random() < 0.95:
                    yield (org, event, "engineering", "engineering_other", "基准措施", "", now, now)
                if rng.random() < 0.7:
                    yield (org, event, "emergency", "emergency_other", "应急措施", "", now, now)

        copy_rows(
            cursor,
            "COPY hazards_controlmeasure (organisation_id, event_id, measure_class, subclass, content, basis, created_at, updated_at)"
            " FROM STDIN",
            measures(),
        )
        cursor.execute("ANALYZE")
    print(f"{hazards:,} hazards and {len(event_rows):,} risk events loaded with COPY in {time.monotonic() - started:.1f}s")


def time_aggregate() -> float:
    from django.db import connection

    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(AGGREGATE_SQL)
        rows = cursor.fetchall()
    elapsed = time.perf_counter() - started
    assert rows
    return elapsed


def time_rescore(year: int) -> tuple[float, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from safecity.portraits.services import portraits_rescore

    with CaptureQueriesContext(connection) as ctx:
        started = time.perf_counter()
        count = portraits_rescore(year=year)
        elapsed = time.perf_counter() - started
    assert count > 0
    return elapsed, len(ctx.captured_queries)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--enterprises", type=int, default=10_000)
    parser.add_argument("--hazards", type=int, default=300_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    setup_django(DB_URL)
    from django.db.models import Count

    from safecity.portraits.models import Deduction, Portrait

    load(args.enterprises, args.hazards)
    year = datetime.now(UTC).year
    first, _ = time_rescore(year)  # creates the portraits; later rounds update them
    print(f"first rescore (creates or updates {Portrait.objects.filter(year=year).count():,} portraits): {first:.2f}s")
    time_aggregate()  # warm the cache alike
    rescore_times, aggregate_times, queries = [], [], 0
    for _ in range(args.rounds):
        elapsed, queries = time_rescore(year)
        rescore_times.append(elapsed)
        aggregate_times.append(time_aggregate())
    rescore, aggregate = statistics.median(rescore_times), statistics.median(aggregate_times)
    colours = dict(Portrait.objects.filter(year=year).values_list("colour").annotate(n=Count("id")).order_by("colour"))
    print(f"portraits by colour: {colours}; deductions: {Deduction.objects.count():,}")
    print(
        f"rescore of {args.enterprises:,} enterprises: {rescore:.2f}s in {queries} queries; one SQL aggregate pass: {aggregate:.3f}s"
    )
    print(f"RESULT portrait_rescore ratio={rescore / aggregate:.1f}")


if __name__ == "__main__":
    main()

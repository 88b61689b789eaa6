"""Benchmark: the district official's hidden-hazard list at 1,000,000 hazards against 10,000.

    python -m bench.hazard_list [--hazards 1000000] [--small 10000] [--enterprises 10000]
                                [--seconds 24] [--workers 2] [--connections 6]

Builds (once; reused while the row count matches) two PostgreSQL databases of its own with COPY
(not the ORM): N hidden hazards and a 10,000-hazard one, each across M enterprises of the demo
city's regions. Then serves each with ``safecity serve`` (gunicorn, production settings, the
server's own workers, as ``make demo`` runs it) and drives both over HTTP in the same run,
alternating slices so machine noise hits both alike, with the same requests: the scoped API list
of a district official filtered by level, state and region (page of 50); then a mix with the
unfiltered list and a deep keyset page. Prints requests per second and median latency at each
size, the CPU each request cost the server's workers, PostgreSQL and this client (the client is
cheap: well under a millisecond a request, so it is not what bounds the rate), the API's query count at page sizes 10 and 50 (it must not grow), and ends with

    RESULT hazard_list scale_ratio=<rps at 10k / rps at 1M> rps=<rps at 1M> rps_small=<rps at 10k>
                       floor_rps=<signed-in /api/me/ at 1M> queries=<n>

Goal: scale_ratio <= 1.5 and rps >= 150 on a 2-core machine. Bounded: loading 1M rows takes a
few minutes the first time; the measurement itself about a minute and a half.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from bench.common import CpuMeter, Server, load_regions, measure_http, server_env

DB_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/safecity_bench")
SMALL_DB_URL = os.environ.get("BENCH_SMALL_DATABASE_URL", DB_URL + "_10k")
FILTERS = "level=0&state=0&region=320411"
LIST = "/api/hazards/hazards/"


def load(hazards: int, enterprises: int) -> None:
    from django.core.management import call_command
    from django.db import connection

    from safecity.core.demo.codes import credit_code
    from safecity.core.models import Organisation, Region

    call_command("migrate", verbosity=0)
    existing = connection.cursor()
    existing.execute("SELECT count(*) FROM hazards_hiddenhazard")
    if existing.fetchone()[0] == hazards:
        print(f"data present: {hazards:,} hazards", flush=True)
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
    print(f"{enterprises:,} enterprises loaded in {time.monotonic() - started:.1f}s", flush=True)
    started = time.monotonic()
    # region_path is filled by the database (safecity/hazards/db.py), as for every other writer.
    with (
        connection.cursor() as cursor,
        cursor.copy(
            "COPY hazards_hiddenhazard (organisation_id, code, level, source, management_type, hazard_type, state, description, cause, measures,"
            " location, discovered_at, deadline, rectification, acceptance_comment, accepted_by_id, accepted_at, region_path, created_at, updated_at) FROM STDIN"
        ) as copy,
    ):
        for i in range(hazards):
            discovered = now - timedelta(minutes=rng.randint(0, 60 * 24 * 900))
            state = rng.choice((-1, 0, 0, 1, 9, 9, 9))
            copy.write_row((
                rng.choice(org_ids), f"YH{i:010d}", 1 if rng.random() < 0.03 else 0, rng.randint(1, 10), 1, rng.randint(1, 8), state,
                f"基准隐患描述 {i}", "", "", "", discovered, (discovered + timedelta(days=30)).date(), "",
                "基准验收" if state == 9 else "", admin.pk if state == 9 else None,
                discovered + timedelta(days=20) if state == 9 else None, "", now, now,
            ))  # fmt: skip
            if i and i % 200_000 == 0:
                print(f"  {i:,} hazards ...", flush=True)
    print(f"{hazards:,} hazards loaded with COPY in {time.monotonic() - started:.1f}s", flush=True)
    with connection.cursor() as cursor:
        # The visibility map lets counts that need the rows be index-only scans.
        cursor.execute("VACUUM ANALYZE")


def official() -> Any:
    from django.contrib.auth import get_user_model

    from safecity.core import services
    from safecity.core.models import Region

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
    return user


def prepare(db_url: str, hazards: int, enterprises: int) -> dict[str, Any]:
    """In a process of its own (one database per Django set-up): load, sign the official in, and
    read what the report needs (filtered count, query counts, a deep page's link)."""
    from bench.common import setup_django

    setup_django(db_url)
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    load(hazards, enterprises)
    client = Client()
    client.force_login(official())
    body = client.get(f"{LIST}?{FILTERS}&page_size=50").json()
    queries = {}
    for size in (10, 50):
        with CaptureQueriesContext(connection) as ctx:
            client.get(f"{LIST}?{FILTERS}&page_size={size}")
        queries[size] = len(ctx.captured_queries)
    deep = f"{LIST}?page_size=50"
    for _ in range(6):  # page 7 of the unfiltered list, by its keyset link
        deep = client.get(deep).json()["next"].split("testserver", 1)[1]
    return {
        "cookie": f"sessionid={client.cookies['sessionid'].value}",
        "filtered": body["count"],
        "page": len(body["results"]),
        "queries": queries,
        "deep": deep,
    }


def prepared(db_url: str, hazards: int, enterprises: int) -> dict[str, Any]:
    command = [sys.executable, "-m", "bench.hazard_list", "--prepare", db_url, "--hazards", str(hazards)]
    command += ["--enterprises", str(enterprises)]
    output = subprocess.run(  # noqa: S603 - this module, fixed arguments
        command, env=server_env(db_url), check=True, stdout=subprocess.PIPE, text=True
    ).stdout
    for line in output.splitlines():
        if line.startswith("PREPARED "):
            return dict(json.loads(line.removeprefix("PREPARED ")))
        print(f"  [{hazards:,}] {line}", flush=True)
    raise RuntimeError(f"preparing {db_url} printed no result")


def alternate(
    servers: list[tuple[str, Server, dict[str, Any]]], paths: Any, seconds: float, connections: int
) -> dict[str, float]:
    """Alternate slices between the servers; the mean requests per second of each."""
    rates: dict[str, list[float]] = {name: [] for name, _s, _i in servers}
    latency: dict[str, list[float]] = {name: [] for name, _s, _i in servers}
    cpu: dict[str, dict[str, float]] = {name: {"requests": 0.0, "seconds": 0.0} for name, _s, _i in servers}
    slices = 3
    for _ in range(slices):
        for name, server, info in servers:
            meter, stats = CpuMeter(server), {"requests": 0.0, "seconds": 0.0}
            before = meter.sample()
            rps, median = measure_http(
                server.port, paths(info), info["cookie"], seconds=seconds / (slices * len(servers)),
                connections=connections, stats=stats,
            )  # fmt: skip
            for part, used in CpuMeter.used(before, meter.sample()).items():
                cpu[name][part] = cpu[name].get(part, 0.0) + used
            cpu[name]["requests"] += stats["requests"]
            cpu[name]["seconds"] += stats["seconds"]
            rates[name].append(rps)
            latency[name].append(median)
    for name in rates:
        slices_text = ", ".join(f"{r:.0f}" for r in rates[name])
        print(f"  {name}: {sum(rates[name]) / slices:.1f} req/s (slices {slices_text}); median {min(latency[name]):.1f} ms")
        used, n = cpu[name], max(1.0, cpu[name]["requests"])
        print(
            f"    CPU per request: server {used['server'] / n * 1000:.1f} ms, PostgreSQL {used['postgres'] / n * 1000:.1f} ms,"
            f" this client {used['client'] / n * 1000:.2f} ms ({used['client'] / max(used['seconds'], 1e-9) * 100:.0f}% of a core);"
            f" machine load {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
        )
    return {name: sum(values) / slices for name, values in rates.items()}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--hazards", type=int, default=1_000_000)
    parser.add_argument("--small", type=int, default=10_000)
    parser.add_argument("--enterprises", type=int, default=10_000)
    parser.add_argument("--seconds", type=float, default=24.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--connections", type=int, default=6)
    parser.add_argument("--prepare", metavar="DB_URL", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.prepare:
        print("PREPARED " + json.dumps(prepare(args.prepare, args.hazards, args.enterprises)), flush=True)
        return
    began = time.monotonic()
    large = prepared(DB_URL, args.hazards, args.enterprises)
    small = prepared(SMALL_DB_URL, args.small, args.enterprises)
    big_name, small_name = f"{args.hazards:,} hazards", f"{args.small:,} hazards"
    for name, info in ((big_name, large), (small_name, small)):
        print(f"{name}: filtered rows {info['filtered']:,}; page {info['page']}; queries page 10 -> "
              f"{info['queries']['10']}, page 50 -> {info['queries']['50']}")  # fmt: skip
    first = f"{LIST}?{FILTERS}&page_size=50"
    with Server(DB_URL, workers=args.workers) as big, Server(SMALL_DB_URL, workers=args.workers) as little:
        big.wait_ready(first, large["cookie"])
        little.wait_ready(first, small["cookie"])
        servers = [(big_name, big, large), (small_name, little, small)]
        for _name, server, info in servers:  # warm-up: workers, connections, caches
            measure_http(server.port, [first], info["cookie"], seconds=2, connections=args.connections)
        print(f"the district official's filtered list ({args.workers} gunicorn workers, {args.connections} connections):")
        main_rates = alternate(servers, lambda info: [first], args.seconds, args.connections)
        print("mix: filtered list, unfiltered list, page 7 by its keyset link:")
        alternate(servers, lambda info: [first, f"{LIST}?page_size=50", info["deep"]], args.seconds / 2, args.connections)
        # The floor: the lightest signed-in API request (who am I) on the same server, so a reader
        # on a slower or busier machine can tell the machine from the list.
        print("floor: the signed-in /api/me/ on the same server:")
        floor = alternate([(f"{big_name} /api/me/", big, large)], lambda info: ["/api/me/"], args.seconds / 2, args.connections)
    floor_rps = next(iter(floor.values()))
    ratio = main_rates[small_name] / main_rates[big_name]
    print(f"scale_ratio={ratio:.2f} (goal <= 1.5); {main_rates[big_name]:.1f} req/s at {big_name} (goal >= 150)")
    print(f"the list answers at {main_rates[big_name] / floor_rps:.2f} of the floor's rate ({floor_rps:.1f} req/s)")
    print(f"total {time.monotonic() - began:.0f}s")
    print(
        f"RESULT hazard_list scale_ratio={ratio:.2f} rps={main_rates[big_name]:.1f} "
        f"rps_small={main_rates[small_name]:.1f} floor_rps={floor_rps:.1f} queries={large['queries']['50']}"
    )
    if large["queries"]["50"] != large["queries"]["10"]:
        sys.exit("query count grows with the page size")


if __name__ == "__main__":
    main()

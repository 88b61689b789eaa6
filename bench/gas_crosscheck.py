"""Benchmark: the restaurant gas cross-check against the cylinder ledger (issue 15 §3) at 10,000
restaurants and 2,000,000 deliveries.

    python -m bench.gas_crosscheck [--restaurants 10000] [--deliveries 2000000] [--rounds 3] [--seed 42]

Builds (once; reused while the counts match) a PostgreSQL database of its own and loads it with
COPY (not the ORM), deterministically from the seed: the demo city's streets, 20 filling units,
the restaurants (organisations of the registry with their gas profile: about 80 % on bottled LPG,
most with a contracted supplier; 20 % converted, with conversion campaigns and acceptance dates in
the last two years), the cylinders (three per restaurant, owned by its supplier, and household
cylinders) and their deliveries over three years, each followed by its return except the cylinders
still on site; 30 % of the deliveries go to households. A small share is what the check must find:
converted kitchens still receiving cylinders (5 % of them), deliveries from another station (3 % of
contracted restaurants), more cylinders on site than allowed (3 % by the record, 2 % by the ledger).
The events table holds the deliveries and the returns (the fills and dispatches that precede them
are left out: both measurements below scan the same table, so they would grow alike).

Then, alternating ``--rounds`` times, times

- the baseline: one plain pass over the delivery events, ``SELECT count(*), max(occurred_at) FROM
  cylinders_cylinderevent WHERE kind = 'delivery'`` (the brief's own example; its plan is printed);
- ``crosscheck_run`` end to end from no flags (the three statements, the flags written in bulk and
  the hidden hazards raised through the hazards service, at most ``HAZARD_LIMIT`` per run), inside a
  transaction rolled back afterwards so every round starts alike; and a second run on top of the
  first (the daily steady state: nothing new, the next hazards of the backlog).

Ends with

    RESULT gas_crosscheck s=<first run, median s> ratio=<s / baseline s> baseline_s=<s> second_s=<s> ...

Goal: ratio <= 3. Loading takes two to three minutes the first time; the measurement well under one.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import time
from datetime import UTC, date, datetime, timedelta
from typing import Any

DB_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/safecity_bench_gas")
UNITS = 20
CYLINDERS_PER_RESTAURANT = 3
HOUSEHOLD_SHARE = 0.3
DELIVERIES_PER_HOUSEHOLD_CYLINDER = 10
YEARS = 3
LINES_PER_WRITE = 20_000
NULL = "\\N"


def _ts(at: datetime) -> str:
    return f"{at:%Y-%m-%d %H:%M:%S}+00"


class Loader:
    """Writes the rows as COPY text (tab-separated; the JSON has no tab, newline or backslash)."""

    def __init__(self, rng: random.Random, now: datetime, units: list[int]) -> None:
        self.rng, self.now, self.units = rng, now, units
        self.start = now - timedelta(days=365 * YEARS)
        self.cylinder_rows: list[str] = []
        self.event_lines: list[str] = []
        self.cylinder_id = 0
        self.ledger_index = 0
        self.events = 0
        self.deliveries = 0
        self.stamp = _ts(now)

    def cylinder(self, owner: int) -> int:
        self.cylinder_id += 1
        return self.cylinder_id

    def history(self, cylinder: int, owner: int, times: list[datetime], body: str, *, held: bool) -> None:
        """Deliveries of one cylinder at ``times`` (ascending), each returned before the next one;
        the last one too unless ``held``. Ledger indexes rise with time for each cylinder, as the
        append order guarantees."""
        made = date(2018, 1, 1) + timedelta(days=cylinder % 1500)
        last_at, state = times[-1], "delivered"
        for number, at in enumerate(times):
            self._event(cylinder, "delivery", owner, at, "dispatched", "delivered", body)
            last_at, state = at, "delivered"
            following = times[number + 1] if number + 1 < len(times) else None
            if following is not None or not held:
                gap = (following - at) if following is not None else timedelta(days=10)
                back = at + gap * 0.7
                if following is None and back > self.now:
                    back = at + (self.now - at) / 2
                self._event(cylinder, "return", owner, back, "delivered", "empty", '{"residual_kg": "0.3"}')
                last_at, state = back, "empty"
        self.cylinder_rows.append(
            f"{cylinder}\t{self.stamp}\t{self.stamp}\tBG{cylinder:08d}\tS{cylinder:08d}\t浙江金盾压力容器有限公司\t{made}\tlpg\t"
            f"YSP35.5\t2.10\t35.5\t2.50\tGB 5842\t{owner}\t{state}\t\\N\t\t{made + timedelta(days=4 * 365)}\t"
            f"{made + timedelta(days=15 * 365)}\t\\N\tf\t{_ts(last_at)}\n"
        )

    def _event(self, cylinder: int, kind: str, owner: int, at: datetime, source: str, target: str, body: str) -> None:
        self.ledger_index += 1
        self.events += 1
        self.deliveries += kind == "delivery"
        self.event_lines.append(
            f"{self.stamp}\t{self.stamp}\t{cylinder}\t{kind}\t{owner}\t\\N\t{_ts(at)}\t{source}\t{target}\t{body}\t{{}}\t"
            f"{self.ledger_index}\tbench-{self.ledger_index}\tbench-key\n"
        )

    def spread(self, count: int, start: datetime, end: datetime) -> list[datetime]:
        span = max((end - start).total_seconds(), 3600.0)
        step = span / max(count, 1)
        return [start + timedelta(seconds=int(step * i + self.rng.uniform(0, step * 0.5))) for i in range(count)]


def load(restaurants: int, deliveries: int, seed: int) -> None:
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection

    from bench.common import load_regions
    from safecity.core import services
    from safecity.core.choices import OrganisationKind

    call_command("migrate", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM restaurants_restaurant")
        have_restaurants = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM cylinders_cylinderevent WHERE kind = 'delivery'")
        have_deliveries = cursor.fetchone()[0]
    if have_restaurants == restaurants and abs(have_deliveries - deliveries) < deliveries * 0.02:
        print(f"data present: {have_restaurants:,} restaurants, {have_deliveries:,} deliveries", flush=True)
        return
    call_command("flush", interactive=False, verbosity=0)
    rng = random.Random(seed)
    began = time.monotonic()
    admin = get_user_model().objects.create_superuser("bench-admin", password="bench-password-123")
    regions = load_regions(admin)
    streets = [r for r in regions.values() if r.level == "street"]
    units = [
        services.organisation_create(
            actor=admin, name=f"基准液化气充装站{i:02d}", kind=OrganisationKind.FILLING_UNIT, region=streets[i % len(streets)]
        ).pk
        for i in range(UNITS)
    ]
    now = datetime.now(UTC).replace(microsecond=0)
    stamp = _ts(now)
    with connection.cursor() as cursor:
        # Restaurants: organisations of the registry, then their profiles.
        with cursor.copy(
            "COPY core_organisation (created_at, updated_at, name, short_name, kind, region_id, industry_code, address,"
            " contact_phone, is_active) FROM STDIN"
        ) as copy:
            for i in range(restaurants):
                street = streets[i % len(streets)]
                copy.write(f"{stamp}\t{stamp}\t基准餐厅{i:05d}\t\tenterprise\t{street.pk}\tH6210\t{street.name}\t\tt\n")
        cursor.execute("SELECT id, name, region_id FROM core_organisation WHERE name LIKE '基准餐厅%%' ORDER BY name")
        orgs = cursor.fetchall()
        campaigns = {}
        for street in streets:
            cursor.execute(
                "INSERT INTO restaurants_campaign (created_at, updated_at, name, region_id, deadline, subsidy_rate, subsidy_cap,"
                " description) VALUES (%s, %s, %s, %s, %s, 0.30, 5000, '') RETURNING id",
                [now, now, f"基准瓶改管 {street.name}", street.pk, (now + timedelta(days=180)).date()],
            )
            campaigns[street.pk] = cursor.fetchone()[0]
        profiles = []  # (org id, name, region, fuel, on_site, supplier, accepted_on, anomaly)
        for org_id, name, region_id in orgs:
            converted = rng.random() < 0.2
            supplier = rng.choice(units) if converted or rng.random() < 0.9 else None
            accepted = (now - timedelta(days=rng.randint(20, 730))).date() if converted else None
            on_site = 0 if converted else rng.choice((1, 1, 2, 2, 2))
            anomaly = ""
            roll = rng.random()
            if converted and roll < 0.05:
                anomaly = "late"
            elif not converted and supplier and roll < 0.03:
                anomaly = "other"
            elif not converted and roll < 0.06:
                anomaly = "recorded"
                on_site = rng.choice((3, 4))
            elif not converted and roll < 0.08:
                anomaly = "held"
            fuel = rng.choice(("piped_gas", "electric")) if converted else "bottled_lpg"
            profiles.append((org_id, name, region_id, fuel, on_site, supplier, accepted, anomaly))
        with cursor.copy(
            "COPY restaurants_restaurant (created_at, updated_at, organisation_id, fuel, cylinders_on_site, cylinders_allowed,"
            " supplier_id) FROM STDIN"
        ) as copy:
            for org_id, _n, _r, fuel, on_site, supplier, _a, _x in profiles:
                copy.write(f"{stamp}\t{stamp}\t{org_id}\t{fuel}\t{on_site}\t2\t{supplier or NULL}\n")
        cursor.execute("SELECT organisation_id, id FROM restaurants_restaurant")
        restaurant_of = dict(cursor.fetchall())
        with cursor.copy(
            "COPY restaurants_conversion (created_at, updated_at, campaign_id, restaurant_id, step, appliances, survey_note,"
            " target, infeasible_reason, construction_started_on, accepted_on, acceptor, acceptor_name) FROM STDIN"
        ) as copy:
            for org_id, _n, region_id, fuel, _o, _s, accepted, _x in profiles:
                if accepted is None:
                    continue
                target = "pipe" if fuel == "piped_gas" else "electric"
                acceptor = "gas_company" if target == "pipe" else "district"
                copy.write(
                    f"{stamp}\t{stamp}\t{campaigns[region_id]}\t{restaurant_of[org_id]}\taccepted\t\t\t{target}\t\t"
                    f"{accepted - timedelta(days=30)}\t{accepted}\t{acceptor}\t\n"
                )
    print(
        f"{restaurants:,} restaurants ({sum(1 for p in profiles if p[6]):,} converted) in {time.monotonic() - began:.1f}s",
        flush=True,
    )

    began = time.monotonic()
    loader = Loader(rng, now, units)
    to_restaurants = int(deliveries * (1 - HOUSEHOLD_SHARE))
    per_restaurant = to_restaurants / restaurants
    for org_id, name, _r, _fuel, _o, supplier, accepted, anomaly in profiles:
        body = json.dumps(
            {"recipient_kind": "restaurant", "recipient_organisation_id": org_id, "recipient_name": name}, ensure_ascii=False
        )
        owner = supplier or rng.choice(units)
        end = datetime.combine(accepted, datetime.min.time(), UTC) - timedelta(hours=8) if accepted else now - timedelta(hours=6)
        times = loader.spread(max(3, round(per_restaurant * rng.uniform(0.7, 1.3))), loader.start, end)
        held = {"held": 3, "late": 0}.get(anomaly, 0 if accepted else rng.choice((1, 2)))
        for c in range(CYLINDERS_PER_RESTAURANT):
            mine = times[c::CYLINDERS_PER_RESTAURANT]
            if mine:
                loader.history(loader.cylinder(owner), owner, mine, body, held=c < held)
        if anomaly == "late":
            assert accepted is not None
            after = datetime.combine(accepted + timedelta(days=2), datetime.min.time(), UTC)
            late = loader.spread(rng.randint(1, 5), after, now - timedelta(hours=6))
            loader.history(loader.cylinder(owner), owner, late, body, held=False)
        elif anomaly == "other":
            other = rng.choice([u for u in units if u != supplier])
            stray = loader.spread(rng.randint(1, 4), now - timedelta(days=300), now - timedelta(days=2))
            loader.history(loader.cylinder(other), other, stray, body, held=False)
        _flush(loader)
    households = max(1, (deliveries - loader.deliveries) // DELIVERIES_PER_HOUSEHOLD_CYLINDER)
    for h in range(households):
        owner = units[h % len(units)]
        body = f'{{"recipient_kind": "household", "recipient_ref": "{rng.getrandbits(256):064x}"}}'
        times = loader.spread(DELIVERIES_PER_HOUSEHOLD_CYLINDER, loader.start, now - timedelta(hours=6))
        loader.history(loader.cylinder(owner), owner, times, body, held=rng.random() < 0.5)
        if h % 1000 == 0:
            _flush(loader)
    _flush(loader, final=True)
    print(
        f"{loader.cylinder_id:,} cylinders, {loader.events:,} events ({loader.deliveries:,} deliveries) loaded with COPY"
        f" in {time.monotonic() - began:.1f}s",
        flush=True,
    )
    began = time.monotonic()
    with connection.cursor() as cursor:
        cursor.execute("SELECT setval(pg_get_serial_sequence('cylinders_cylinder', 'id'), %s)", [loader.cylinder_id])
        cursor.execute("VACUUM ANALYZE")
    print(f"VACUUM ANALYZE in {time.monotonic() - began:.1f}s", flush=True)
    began = time.monotonic()
    with connection.cursor() as cursor:
        # A real events table is appended as the events happen: stored in time order. The load
        # wrote it cylinder by cylinder; put it in time order as production would have it.
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = 'cylinders_cylinderevent' AND indexdef LIKE '%%(occurred_at)'"
        )
        (index,) = cursor.fetchone()
        cursor.execute(f'CLUSTER cylinders_cylinderevent USING "{index}"')
        cursor.execute("VACUUM ANALYZE cylinders_cylinderevent")
    print(f"events put in time order (CLUSTER) in {time.monotonic() - began:.1f}s", flush=True)


def _flush(loader: Loader, final: bool = False) -> None:
    """Cylinders first (the events refer to them), then their events, a block at a time."""
    if not final and len(loader.event_lines) < LINES_PER_WRITE:
        return
    from django.db import connection

    with connection.cursor() as cursor:
        if loader.cylinder_rows:
            with cursor.copy(
                "COPY cylinders_cylinder (id, created_at, updated_at, code, serial_number, manufacturer, manufactured_on, medium,"
                " model_name, nominal_pressure_mpa, volume_l, wall_thickness_mm, product_standard, owner_id, state,"
                " last_inspected_on, last_inspection_result, next_inspection_on, scrap_on, scrapped_on, code_voided,"
                " last_event_at) FROM STDIN"
            ) as copy:
                copy.write("".join(loader.cylinder_rows))
        if loader.event_lines:
            with cursor.copy(
                "COPY cylinders_cylinderevent (created_at, updated_at, cylinder_id, kind, organisation_id, person_id, occurred_at,"
                " from_state, to_state, data, private, ledger_index, idempotency_key, key_id) FROM STDIN"
            ) as copy:
                copy.write("".join(loader.event_lines))
    loader.cylinder_rows.clear()
    loader.event_lines.clear()


# The baseline: one plain pass over the delivery rows of the events table, reading what every
# finding reads of them (the recipient in the signed body), with no join and no grouping.
BASELINE = (
    "SELECT count(*), max(occurred_at) FROM cylinders_cylinderevent"
    " WHERE kind = 'delivery' AND data ->> 'recipient_kind' = 'restaurant'"
)
# The brief's example as written: PostgreSQL answers it from the (kind, occurred_at) index alone,
# without reading the table; printed for comparison.
INDEX_ONLY = "SELECT count(*), max(occurred_at) FROM cylinders_cylinderevent WHERE kind = 'delivery'"


def time_sql(sql: str) -> float:
    from django.db import connection

    with connection.cursor() as cursor:
        started = time.perf_counter()
        cursor.execute(sql)
        cursor.fetchone()
        return time.perf_counter() - started


def time_crosscheck() -> tuple[float, float, Any, Any]:
    """The first run from no flags and a second on top of it, rolled back afterwards."""
    from django.db import transaction

    from safecity.restaurants.models import CrossCheckFlag
    from safecity.restaurants.services.crosscheck import crosscheck_run

    with transaction.atomic():
        CrossCheckFlag.objects.all().delete()
        started = time.perf_counter()
        first = crosscheck_run()
        first_s = time.perf_counter() - started
        started = time.perf_counter()
        second = crosscheck_run()
        second_s = time.perf_counter() - started
        transaction.set_rollback(True)
    return first_s, second_s, first, second


def plan(sql: str) -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + sql)
        return " / ".join(row[0].strip() for row in cursor.fetchall()[:3])


def statement_times() -> dict[str, float]:
    """Each finding's statement alone (what the run's time is made of)."""
    from datetime import timedelta as td

    from django.utils import timezone

    from safecity.restaurants.services import crosscheck as cc

    times = {}
    for name, find in (
        ("after_conversion", cc.findings_delivered_after_conversion),
        ("other_supplier", lambda: cc.findings_other_supplier(since=timezone.now() - td(days=cc.SUPPLIER_WINDOW_DAYS))),
        ("too_many", cc.findings_too_many_cylinders),
    ):
        started = time.perf_counter()
        found = find()
        times[name] = time.perf_counter() - started
        times[f"{name}_found"] = len(found)
    return times


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--restaurants", type=int, default=10_000)
    parser.add_argument("--deliveries", type=int, default=2_000_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()
    from bench.common import setup_django

    setup_django(DB_URL)
    load(args.restaurants, args.deliveries, args.seed)
    from safecity.restaurants.services.crosscheck import HAZARD_LIMIT, ledger_entry_url

    print(f"baseline: {BASELINE}\n  plan: {plan(BASELINE)}")
    print(f"index only: {INDEX_ONLY}\n  plan: {plan(INDEX_ONLY)}")
    # Warm-up: the tables in the buffer cache for all, and the URL configuration loaded (the first
    # evidence link imports every app's URLs, once per process).
    ledger_entry_url(1)
    for sql in (BASELINE, INDEX_ONLY):
        time_sql(sql)
    statement_times()
    baselines, index_only, firsts, seconds = [], [], [], []
    first = second = None
    for _ in range(args.rounds):
        baselines.append(time_sql(BASELINE))
        index_only.append(time_sql(INDEX_ONLY))
        first_s, second_s, first, second = time_crosscheck()
        firsts.append(first_s)
        seconds.append(second_s)
    assert first is not None and second is not None
    parts = statement_times()
    baseline, s, s2 = statistics.median(baselines), statistics.median(firsts), statistics.median(seconds)
    index_s = statistics.median(index_only)
    statements = sum(v for k, v in parts.items() if not k.endswith("_found"))
    print(f"first run: {first.as_dict()}")
    print(f"second run: {second.as_dict()}")
    print(
        "statements alone: "
        + ", ".join(f"{k} {v:.3f}s ({parts[k + '_found']:,} restaurants)" for k, v in parts.items() if not k.endswith("_found"))
    )
    print(
        f"baseline {baseline:.3f}s (rounds {', '.join(f'{b:.3f}' for b in baselines)}); index only {index_s:.3f}s;"
        f" first run {s:.3f}s (rounds {', '.join(f'{b:.3f}' for b in firsts)}); second run {s2:.3f}s;"
        f" hazards per run at most {HAZARD_LIMIT}"
    )
    print(
        f"RESULT gas_crosscheck s={s:.3f} ratio={s / baseline:.2f} baseline_s={baseline:.3f} second_s={s2:.3f}"
        f" second_ratio={s2 / baseline:.2f} statements_s={statements:.3f} hazards={first.hazards_raised}"
        f" index_only_s={index_s:.3f} ratio_index_only={s / index_s:.2f}"
    )


if __name__ == "__main__":
    main()

"""Where readings live: monthly partitions on PostgreSQL, and the retention policy (issue 14).

PostgreSQL: ``telemetry_reading`` is partitioned by RANGE on ``device_ts``, one partition per
calendar month (UTC), named ``telemetry_reading_pYYYYMM``. There is deliberately no default
partition: a row that lands in a default partition blocks creating the partition of its month
later. Instead :func:`partitions_ensure` keeps partitions from the start of the retention window to
two months ahead, and the ingest worker refuses readings outside that window (too old, or stamped
in the future beyond ``TELEMETRY_MAX_FUTURE_SECONDS``). SQLite (the demo) has one plain table.

Retention (:func:`readings_retain`): raw readings older than ``TELEMETRY_RAW_RETENTION_DAYS`` are
folded into per-minute aggregates (:class:`~safecity.telemetry.models.ReadingMinute`:
min/mean/max of each numeric metric, the last position) and then removed: whole partitions are
dropped, the rest deleted. Run daily by the scheduled job; idempotent (re-running it aggregates
nothing twice: a minute already aggregated is replaced by the same figures).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

TABLE = "telemetry_reading"


def _month_start(at: datetime) -> datetime:
    return datetime(at.year, at.month, 1, tzinfo=UTC)


def _next_month(at: datetime) -> datetime:
    return datetime(at.year + (at.month == 12), at.month % 12 + 1, 1, tzinfo=UTC)


def _months(start: datetime, end: datetime) -> Iterator[datetime]:
    month = _month_start(start)
    while month <= end:
        yield month
        month = _next_month(month)


def is_partitioned() -> bool:
    return connection.vendor == "postgresql"


def partition_name(month: datetime) -> str:
    return f"{TABLE}_p{month:%Y%m}"


def existing_partitions() -> list[str]:
    """The names of the reading table's partitions (PostgreSQL; empty elsewhere)."""
    if not is_partitioned():
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = %s ORDER BY c.relname",
            [TABLE],
        )
        return [row[0] for row in cursor.fetchall()]


def window(now: datetime | None = None) -> tuple[datetime, datetime]:
    """The device times the store accepts: from the retention cut-off to the future limit."""
    now = now or timezone.now()
    oldest = now - timedelta(days=settings.TELEMETRY_RAW_RETENTION_DAYS)
    newest = now + timedelta(seconds=settings.TELEMETRY_MAX_FUTURE_SECONDS)
    return oldest, newest


def partitions_ensure(now: datetime | None = None, *, months_ahead: int = 2) -> list[str]:
    """Create the missing monthly partitions from the retention cut-off to ``months_ahead`` months
    after ``now``; returns the names created. Safe to call concurrently (IF NOT EXISTS)."""
    if not is_partitioned():
        return []
    now = now or timezone.now()
    oldest, _ = window(now)
    last = _month_start(now)
    for _ in range(months_ahead):
        last = _next_month(last)
    have = set(existing_partitions())
    made = []
    with connection.cursor() as cursor:
        for month in _months(oldest, last):
            name = partition_name(month)
            if name in have:
                continue
            cursor.execute(
                f'CREATE TABLE IF NOT EXISTS "{name}" PARTITION OF {TABLE} FOR VALUES FROM (%s) TO (%s)',
                [month, _next_month(month)],
            )
            made.append(name)
    return made


def _aggregate(rows: Iterator[tuple[Any, ...]]) -> Iterator[dict[str, Any]]:
    """Fold readings ordered by (device, device time) into per-minute aggregates."""
    current: tuple[int, datetime] | None = None
    stats: dict[str, list[float]] = {}
    n = 0
    lon = lat = None
    for device_id, device_ts, values, r_lon, r_lat in rows:
        if isinstance(values, str):  # SQLite hands JSON back as text through a raw cursor
            import json

            values = json.loads(values)
        minute = device_ts.replace(second=0, microsecond=0)
        key = (device_id, minute)
        if key != current:
            if current is not None:
                yield _minute_row(current, n, stats, lon, lat)
            current, stats, n, lon, lat = key, {}, 0, None, None
        n += 1
        if r_lon is not None:
            lon, lat = r_lon, r_lat
        for metric, value in (values or {}).items():
            if isinstance(value, bool):
                value = float(value)
            if not isinstance(value, int | float):
                continue
            entry = stats.get(metric)
            if entry is None:
                stats[metric] = [value, value, value, 1.0]
            else:
                entry[0] = min(entry[0], value)
                entry[1] += value
                entry[2] = max(entry[2], value)
                entry[3] += 1
    if current is not None:
        yield _minute_row(current, n, stats, lon, lat)


def _minute_row(
    key: tuple[int, datetime], n: int, stats: dict[str, list[float]], lon: float | None, lat: float | None
) -> dict[str, Any]:
    values = {m: [s[0], round(s[1] / s[3], 6), s[2]] for m, s in stats.items()}
    return {"device_id": key[0], "minute": key[1], "n": n, "values": values, "lon": lon, "lat": lat}


def readings_retain(now: datetime | None = None, *, chunk: int = 5000) -> dict[str, int]:
    """Apply the retention policy: aggregate raw readings older than the cut-off per minute, then
    remove them. Returns ``{"aggregated": minutes written, "deleted": raw rows removed,
    "dropped": partitions dropped}``."""
    from safecity.telemetry.models import Reading, ReadingMinute

    now = now or timezone.now()
    cutoff, _ = window(now)
    # Whole minutes only: a minute that straddles the cut-off is kept raw until it is all past.
    cutoff = cutoff.replace(second=0, microsecond=0)
    written = 0
    old = (
        Reading.objects.filter(device_ts__lt=cutoff)
        .order_by("device_id", "device_ts", "seq")
        .values_list("device_id", "device_ts", "values", "lon", "lat")
    )
    batch: list[ReadingMinute] = []
    with transaction.atomic():
        for row in _aggregate(iter(old.iterator(chunk_size=chunk))):
            batch.append(ReadingMinute(**row))
            if len(batch) >= chunk:
                written += _upsert_minutes(batch)
                batch = []
        if batch:
            written += _upsert_minutes(batch)
        dropped = 0
        if is_partitioned():
            with connection.cursor() as cursor:
                for name in existing_partitions():
                    month = datetime.strptime(name.rsplit("_p", 1)[1], "%Y%m").replace(tzinfo=UTC)
                    if _next_month(month) <= cutoff:
                        cursor.execute(f'DROP TABLE "{name}"')
                        dropped += 1
        deleted, _ = Reading.objects.filter(device_ts__lt=cutoff).delete()
    return {"aggregated": written, "deleted": deleted, "dropped": dropped}


def _upsert_minutes(batch: list[Any]) -> int:
    from safecity.telemetry.models import ReadingMinute

    ReadingMinute.objects.bulk_create(
        batch,
        update_conflicts=True,
        unique_fields=["device", "minute"],
        update_fields=["n", "values", "lon", "lat"],
    )
    return len(batch)

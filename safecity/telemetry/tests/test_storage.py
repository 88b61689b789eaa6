"""Reading storage: monthly partitions on PostgreSQL and the retention policy (issue 14)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.db import IntegrityError, connection, transaction

from safecity.telemetry import storage
from safecity.telemetry.choices import DeviceKind
from safecity.telemetry.models import Device, Reading, ReadingMinute

NOW = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)


@pytest.fixture
def device(city: Any) -> Device:
    return Device.objects.create(serial="FL-0001", kind=DeviceKind.FORKLIFT_TRACKER, organisation=city.enterprise_a)


def _reading(device: Device, seq: int, at: datetime, **values: Any) -> Reading:
    return Reading(device=device, seq=seq, device_ts=at, received_at=at, values=values, lon=119.95, lat=31.7 + seq / 1e5)


def test_partitions_cover_the_retention_window_and_two_months_ahead(db: Any, settings: Any) -> None:
    settings.TELEMETRY_RAW_RETENTION_DAYS = 31
    storage.partitions_ensure(NOW)
    if connection.vendor != "postgresql":
        assert storage.existing_partitions() == []
        return
    names = storage.existing_partitions()
    for month in ("202611", "202612", "202701", "202702"):
        assert f"telemetry_reading_p{month}" in names
    assert storage.partitions_ensure(NOW) == []  # idempotent


def test_a_redelivered_reading_hits_the_unique_key(device: Device) -> None:
    storage.partitions_ensure(NOW)
    Reading.objects.bulk_create([_reading(device, 1, NOW)])
    with pytest.raises(IntegrityError), transaction.atomic():
        Reading.objects.bulk_create([_reading(device, 1, NOW)])
    assert Reading.objects.count() == 1


def test_retention_folds_old_readings_into_minutes_and_keeps_recent_ones(device: Device, settings: Any) -> None:
    settings.TELEMETRY_RAW_RETENTION_DAYS = 31
    old = NOW - timedelta(days=40)
    storage.partitions_ensure(old)
    storage.partitions_ensure(NOW)
    rows = [
        _reading(device, 1, old, speed_kmh=4.0, belt_fastened=True),
        _reading(device, 2, old + timedelta(seconds=20), speed_kmh=8.0, belt_fastened=False),
        _reading(device, 3, old + timedelta(seconds=40), speed_kmh=6.0, note="text is not aggregated"),
        _reading(device, 4, old + timedelta(minutes=1, seconds=5), speed_kmh=2.0),
        _reading(device, 5, NOW - timedelta(days=1), speed_kmh=3.0),
    ]
    Reading.objects.bulk_create(rows)

    result = storage.readings_retain(NOW)

    assert result["aggregated"] == 2
    assert list(Reading.objects.values_list("seq", flat=True)) == [5]
    first, second = ReadingMinute.objects.order_by("minute")
    assert first.minute == old.replace(second=0) and first.n == 3
    assert first.values["speed_kmh"] == [4.0, 6.0, 8.0]
    assert first.values["belt_fastened"] == [0.0, 0.5, 1.0]
    assert "note" not in first.values
    assert (first.lon, first.lat) == (119.95, pytest.approx(31.7 + 3 / 1e5))
    assert second.n == 1 and second.values["speed_kmh"] == [2.0, 2.0, 2.0]
    # Running it again changes nothing.
    assert storage.readings_retain(NOW)["aggregated"] == 0
    assert ReadingMinute.objects.count() == 2


def test_retention_drops_whole_months_past_the_cut_off(device: Device, settings: Any) -> None:
    """PostgreSQL drops the month's partition; SQLite (one table) deletes its rows."""
    settings.TELEMETRY_RAW_RETENTION_DAYS = 31
    long_ago = datetime(2026, 9, 15, tzinfo=UTC)
    storage.partitions_ensure(long_ago)
    Reading.objects.bulk_create([_reading(device, 1, long_ago, speed_kmh=1.0)])

    if connection.vendor != "postgresql":
        assert storage.readings_retain(NOW) == {"aggregated": 1, "deleted": 1, "dropped": 0}
        assert not Reading.objects.exists()
        return
    assert "telemetry_reading_p202609" in storage.existing_partitions()
    result = storage.readings_retain(NOW)
    assert result["dropped"] >= 1 and result["deleted"] == 0
    assert not Reading.objects.exists()
    assert "telemetry_reading_p202609" not in storage.existing_partitions()
    assert "telemetry_reading_p202611" in storage.existing_partitions()  # holds the cut-off
    assert ReadingMinute.objects.filter(minute=long_ago).exists()

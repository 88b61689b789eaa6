"""The store-and-evaluate path every ingest door shares: readings stored once, evaluated in device
time, alarms opened in the same transaction, refusals counted and never stored. Runs on SQLite and
on PostgreSQL (COPY and the partitioned table there)."""

from __future__ import annotations

import time
from typing import Any

import pytest
from django.utils import timezone

from safecity.telemetry.choices import AlarmState, RejectReason
from safecity.telemetry.ingest.store import Ingestor, Message
from safecity.telemetry.models import Alarm, EngineState, IngestCounter, Reading
from safecity.telemetry.tests.ingest_helpers import device, message, rule_set

pytestmark = pytest.mark.django_db


@pytest.fixture
def forklift(city: Any) -> Any:
    return device(city, "FL-0001", rules=rule_set(city.enterprise_a))[0]


def counts() -> dict[str, int]:
    return dict(IngestCounter.objects.filter(day=timezone.localdate()).values_list("reason", "count"))


def test_a_batch_is_stored_and_evaluated_and_an_overspeed_opens_one_alarm(forklift: Any) -> None:
    t = time.time() - 30
    outcomes = Ingestor().store(
        [
            message("FL-0001", 1, t, speed_kmh=4.0, pos=(119.95, 31.70)),
            message("FL-0001", 2, t + 1, speed_kmh=14.0),
            message("FL-0001", 3, t + 2, speed_kmh=15.0),
        ]
    )
    assert [o.status for o in outcomes] == ["stored"] * 3
    assert [o.evaluation for o in outcomes] == ["evaluated"] * 3
    stored = list(Reading.objects.filter(device=forklift).order_by("seq").values_list("seq", "values", "lon"))
    assert stored == [(1, {"speed_kmh": 4.0}, 119.95), (2, {"speed_kmh": 14.0}, None), (3, {"speed_kmh": 15.0}, None)]
    alarm = Alarm.objects.get(device=forklift)
    assert (alarm.rule_id, alarm.state, alarm.reading_seq) == ("overspeed", AlarmState.FIRING, 2)
    state = EngineState.objects.get(device=forklift).data
    assert state["last_seq"] == 3 and state["values"]["speed_kmh"] == 15.0


def test_redelivery_stores_nothing_twice_and_evaluates_nothing_twice(forklift: Any) -> None:
    t = time.time() - 30
    batch = [message("FL-0001", 1, t, speed_kmh=14.0), message("FL-0001", 2, t + 1, speed_kmh=3.0)]
    Ingestor().store(batch)
    # Another process (a worker restarted after a kill -9) gets the same messages again.
    again = Ingestor().store(batch)
    assert [(o.status, o.reason) for o in again] == [("refused", "duplicate")] * 2
    assert Reading.objects.filter(device=forklift).count() == 2
    # The alarm opened and cleared once; the redelivered overspeed opened no second alarm.
    assert list(Alarm.objects.filter(device=forklift).values_list("state", flat=True)) == [AlarmState.RESOLVED]
    assert counts()[RejectReason.DUPLICATE] == 2


def test_a_late_reading_is_stored_but_not_evaluated(forklift: Any) -> None:
    t = time.time() - 60
    ingestor = Ingestor()
    ingestor.store([message("FL-0001", 10, t + 10, speed_kmh=3.0)])
    # A reading buffered in a tunnel arrives after a newer one: stored for the route playback, but
    # its overspeed is stale and opens no alarm.
    outcome = ingestor.store([message("FL-0001", 5, t + 5, speed_kmh=30.0)])[0]
    assert (outcome.status, outcome.evaluation) == ("stored", "late")
    assert Reading.objects.filter(device=forklift, seq=5).exists()
    assert not Alarm.objects.filter(device=forklift).exists()


def test_a_late_collision_opens_its_alarm(city: Any) -> None:
    collision = {"id": "collision", "kind": "threshold", "level": "red", "metric": "accel_g", "op": ">", "value": 1.5}
    forklift = device(city, "FL-0002", rules=rule_set(city.enterprise_a, [{**collision, "momentary": True}]))[0]
    t = time.time() - 60
    one, two = Ingestor(), Ingestor()  # two workers: the second commits reading 2 before the first commits reading 1
    two.store([message("FL-0002", 2, t + 2, accel_g=0.1)])
    outcome = one.store([message("FL-0002", 1, t + 1, accel_g=2.5)])[0]
    assert (outcome.status, outcome.evaluation) == ("stored", "late")
    alarm = Alarm.objects.get(device=forklift)
    assert (alarm.rule_id, alarm.reading_seq, alarm.state) == ("collision", 1, AlarmState.FIRING)
    two.store([message("FL-0002", 3, t + 3, accel_g=0.1)])  # the next reading, on the other worker, clears it
    alarm.refresh_from_db()
    assert alarm.state == AlarmState.RESOLVED


def test_two_processes_share_one_engine_state_per_device(forklift: Any) -> None:
    """Shared subscriptions alternate a device's messages between workers: each worker continues
    from the state the other stored, so the duration and the alarm are the same as with one."""
    rules = forklift.rule_set
    rules.rules = [
        {"id": "overspeed", "kind": "threshold", "level": "orange", "metric": "speed_kmh", "op": ">", "value": 10, "for_s": 2}
    ]
    rules.version += 1
    rules.save()
    first, second = Ingestor(), Ingestor()
    t = time.time() - 60
    first.store([message("FL-0001", 1, t, speed_kmh=12.0)])
    second.store([message("FL-0001", 2, t + 1, speed_kmh=12.0)])
    assert not Alarm.objects.exists()  # held 1 s of 2
    first.store([message("FL-0001", 3, t + 2, speed_kmh=12.0)])  # must see seq 2 from the other worker
    alarm = Alarm.objects.get()
    assert (alarm.reading_seq, alarm.params["held_s"]) == (3, pytest.approx(2.0, abs=0.01))


def test_refusals_are_counted_by_reason_and_nothing_is_stored(forklift: Any, city: Any) -> None:
    from safecity.telemetry.services.devices import device_revoke

    revoked = device(city, "FL-0002")[0]
    device_revoke(actor=city.superuser, device=revoked, reason="stolen")
    now = time.time()
    bad = [
        Message("safecity/v1/FL-0001/readings", b"{not json", now),
        Message("safecity/v1/FL-0001/readings", b'{"seq": "7", "ts": 1, "values": {}}', now),
        Message("safecity/v1/FL-0001/readings", b'{"seq": 7, "ts": "2026-01-01T00:00:00", "values": {}}', now),
        Message("safecity/v1/FL-0001/readings", b'{"seq": 7, "ts": 1780000000000, "values": {"x\\u0000": 1}}', now),
        Message("safecity/v1/FL-0001/readings", b'{"seq": 7, "ts": 1780000000000, "values": {"speed": NaN}}', now),
        Message("safecity/v1/FL-0001/readings", b'{"seq": 7, "ts": 1780000000000, "values": {"speed": "fast"}}', now),
        Message("safecity/v1/FL-0001/readings", b'{"seq": 7, "ts": 1780000000000, "extra": 1}', now),
        Message("safecity/v1/FL-0001/readings", b"[" * 9000, now),
        Message("safecity/v1/NOPE-404/readings", b'{"seq": 1, "ts": 1780000000000}', now),
        message("FL-0002", 1),
        Message("safecity/v1/FL-0001/status", b'{"seq": 1, "ts": 1780000000000}', now),
        Message("safecity/v2/FL-0001/readings", b'{"seq": 1, "ts": 1780000000000}', now),
        message("FL-0001", 1, now + 3600),
        message("FL-0001", 2, now - 400 * 86400),
    ]
    outcomes = Ingestor().store([*bad, message("FL-0001", 3, now - 1, speed_kmh=1.0)])
    reasons = [o.reason for o in outcomes[:-1]]
    assert reasons == ["malformed"] * 8 + ["unknown_device"] * 2 + ["wrong_topic"] * 2 + ["future", "too_old"]
    assert outcomes[-1].status == "stored"  # the good message of the batch is not held back
    assert list(Reading.objects.values_list("seq", flat=True)) == [3]
    assert counts() == {"malformed": 8, "unknown_device": 2, "wrong_topic": 2, "future": 1, "too_old": 1}
    # Counted again, not reset, by the next batch.
    Ingestor().store([Message("safecity/v1/FL-0001/readings", b"", now)])
    assert counts()["malformed"] == 9
    assert IngestCounter.objects.get(day=timezone.localdate(), reason="malformed").last_detail.startswith("not JSON")


def test_a_rule_change_is_picked_up_and_the_removed_rules_alarm_closed(forklift: Any) -> None:
    ingestor = Ingestor()
    t = time.time() - 60
    ingestor.store([message("FL-0001", 1, t, speed_kmh=20.0)])
    assert Alarm.objects.get().state == AlarmState.FIRING
    rules = forklift.rule_set
    rules.rules = [r for r in rules.rules if r["id"] != "overspeed"]
    rules.version += 1
    rules.save()
    ingestor.directory.loaded_at = None  # the periodic refresh, now
    ingestor.store([message("FL-0001", 2, t + 1, speed_kmh=20.0)])
    assert Alarm.objects.get().state == AlarmState.RESOLVED
    assert EngineState.objects.get(device=forklift).rules_version == f"{rules.pk}:{rules.version}"


def test_the_tick_fires_offline_once_and_the_next_reading_clears_it(forklift: Any) -> None:
    first, second = Ingestor(), Ingestor()
    t = time.time() - 120
    first.store([message("FL-0001", 1, t, received=t, speed_kmh=1.0)])
    assert first.tick(t + 30) == 0
    assert first.tick(t + 61) == 1
    assert second.tick(t + 62) == 0  # already open: no second alarm from another worker
    alarm = Alarm.objects.get(rule_id="offline")
    assert alarm.state == AlarmState.FIRING
    second.store([message("FL-0001", 2, t + 70, received=t + 70, speed_kmh=1.0)])
    alarm.refresh_from_db()
    assert alarm.state == AlarmState.RESOLVED


def test_a_device_that_never_reported_goes_offline_counted_from_its_registration(forklift: Any) -> None:
    registered = forklift.created_at.timestamp()
    ingestor = Ingestor()
    assert ingestor.tick(registered + 30) == 0
    assert EngineState.objects.filter(device=forklift).exists()  # watched from now on
    assert ingestor.tick(registered + 61) == 1
    alarm = Alarm.objects.get(device=forklift, rule_id="offline")
    assert alarm.state == AlarmState.FIRING
    assert Ingestor().tick(registered + 120) == 0  # open already: no second alarm
    # Its first reading shows it alive and clears the alarm.
    Ingestor().store([message("FL-0001", 1, registered + 130, received=registered + 130, speed_kmh=0.0)])
    alarm.refresh_from_db()
    assert alarm.state == AlarmState.RESOLVED


def test_a_revoked_or_rule_less_device_is_not_watched(city: Any, forklift: Any) -> None:
    from safecity.telemetry.services.devices import device_revoke

    bare, _ = device(city, "FL-0002")  # no rule set: nothing to watch
    device_revoke(actor=city.superuser, device=forklift, reason="scrapped")
    assert Ingestor().tick(forklift.created_at.timestamp() + 3600) == 0
    assert not EngineState.objects.filter(device__in=[forklift, bare]).exists()

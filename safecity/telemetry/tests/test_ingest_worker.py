"""The ingest worker as it runs: a real process against a real Mosquitto (the ``mqtt_broker``
fixture), killed with SIGKILL in the middle of a stream and started again under the same client id:
every (device, seq) published ends up stored exactly once.

The worker is a separate process, so it needs a database it can open: on PostgreSQL the test
database itself (the test commits: ``transaction=True``); on SQLite, whose test database lives in
this process's memory, a file copy of it, read back with sqlite3 afterwards.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from safecity.telemetry.ingest.payload import readings_topic
from safecity.telemetry.ingest.publisher import Fleet
from safecity.telemetry.tests.ingest_helpers import device, payload, rule_set

ROOT = Path(__file__).resolve().parents[3]


def database_url(tmp_path: Path) -> str:
    if connection.vendor == "postgresql":
        s = connection.settings_dict
        return f"postgres://{s['USER']}:{s['PASSWORD'] or ''}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"
    path = tmp_path / "worker.sqlite3"
    connection.ensure_connection()
    target = sqlite3.connect(path)
    connection.connection.backup(target)
    target.close()
    return f"sqlite:///{path}"


def stored_keys(url: str) -> list[tuple[int, int]]:
    sql = "SELECT device_id, seq FROM telemetry_reading"
    if url.startswith("sqlite:///"):
        with sqlite3.connect(url.removeprefix("sqlite:///")) as db:
            return [tuple(row) for row in db.execute(sql)]
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return [tuple(row) for row in cursor.fetchall()]


def start_worker(url: str, broker: Any, log: Path) -> subprocess.Popen[bytes]:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="safecity.test_settings",
        DATABASE_URL=url,
        TELEMETRY_MQTT_HOST=broker.host,
        TELEMETRY_MQTT_PORT=str(broker.port),
        TELEMETRY_MQTT_USERNAME=broker.ingest.username,
        TELEMETRY_MQTT_PASSWORD=broker.ingest.password,
    )
    args = [sys.executable, "-m", "safecity.telemetry.ingest", "--group", "test", "--client-id", "ingest-test-1"]
    return subprocess.Popen(  # noqa: S603 - our own module, fixed arguments
        [*args, "--batch-size", "40", "--batch-ms", "30"], cwd=ROOT, env=env, stdout=log.open("ab"), stderr=subprocess.STDOUT
    )


def wait_for(predicate: Any, timeout: float, what: str, log: Path) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}; worker log:\n{log.read_text()[-3000:]}")
        time.sleep(0.1)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_stream_loses_nothing_and_stores_nothing_twice(city: Any, mqtt_broker: Any, tmp_path: Path) -> None:
    rules = rule_set(city.enterprise_a)
    made = [device(city, f"KILL-{n}", rules=rules) for n in range(3)]
    mqtt_broker.reload()  # the devices' passwords, as the device service's on-commit hook does
    url = database_url(tmp_path)
    log = tmp_path / "worker.log"
    worker = start_worker(url, mqtt_broker, log)
    wait_for(lambda: log.exists() and "subscribed to" in log.read_text(), 90, "the subscription", log)
    fleet = Fleet(mqtt_broker.host, mqtt_broker.port, [(d.serial, c.mqtt_password) for d, c in made], client_prefix="killtest")
    fleet.connect_all()
    per_device = 300
    t0 = time.time() - per_device
    try:
        killed = False
        for k in range(per_device):
            for dev, _credentials in made:
                fleet.publish(dev.serial, readings_topic(dev.serial), payload(k, t0 + k, speed_kmh=float(k % 12)))
            fleet.pump(0.002)
            if k == per_device // 3:
                fleet.drain()
                wait_for(lambda: len(stored_keys(url)) > 0, 90, "a first batch", log)
                worker.send_signal(signal.SIGKILL)  # no flush, no PUBACK: the broker keeps the rest
                worker.wait()
                killed = True
            if killed and k == per_device // 2:
                worker = start_worker(url, mqtt_broker, log)
        fleet.drain()
        assert sum(d.refused_publishes for d in fleet.devices.values()) == 0
        expected = {(d.pk, k) for d, _c in made for k in range(per_device)}
        wait_for(lambda: len(stored_keys(url)) >= len(expected), 180, "every reading", log)
        time.sleep(0.5)  # a redelivered copy would land now
        keys = stored_keys(url)
        assert set(keys) == expected
        assert [key for key, n in Counter(keys).items() if n > 1] == []
    finally:
        fleet.close()
        if worker.poll() is None:
            worker.send_signal(signal.SIGTERM)
            try:
                worker.wait(timeout=20)
            except subprocess.TimeoutExpired:
                worker.kill()
    assert worker.returncode == 0, log.read_text()[-3000:]  # the graceful stop after SIGTERM
    assert "stopped after" in log.read_text()

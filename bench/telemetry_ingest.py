"""Benchmark: readings through the real broker into PostgreSQL, ingested and evaluated, end to end.

    python -m bench.telemetry_ingest [--devices 4000] [--per-device 50] [--publishers 2] [--workers 2]
                                     [--latency-rate 4000] [--latency-seconds 15]

In a PostgreSQL database of its own (``safecity_bench_telemetry``) it registers D simulated forklift
trackers with the simulator's forklift rule set (8 rules: overspeed, indoor overspeed by zone, seat
belt, tank-farm geofence, collision, pedestrian, overload, offline), starts a Mosquitto of its own
(``ManagedBroker``, the platform's password and ACL files: every device logs in with its own
password), and in the same run:

1. **floor**: publisher processes publish D x N readings (QoS 1, each device on its own connection)
   as fast as they can, and a bare paho subscriber (MQTT v5, QoS 1, shared subscription, counting
   only) receives them: floor = readings / (last received - first published);
2. **pipeline**: the same readings, with ``--workers`` ingest worker processes (``python -m
   safecity.telemetry.ingest``, the process ``safecity telemetry ingest`` runs) in one shared
   group; when 40 % are stored one worker is killed with SIGKILL and restarted a second later
   under the same client id: rps = readings / (last stored - first published);
3. **latency**: devices publish in real time at ``--latency-rate`` readings/s in all (4,000/s is a
   city of 20,000 forklifts reporting every 5 s; at most half the rps just measured, so the
   latency is that of a pipeline keeping up, not of a queue) for ``--latency-seconds``, with
   collisions (2.5 g) injected into 0.5 % of the readings: p99 of (alarm created - published).

Then it counts from the database, over every (device, seq) published in phases 2 and 3, the readings
missing (lost) and stored more than once (dup), and ends with

    RESULT telemetry_ingest rps=<readings/s> ratio=<rps/floor> p99_alarm_ms=<ms> lost=<n> dup=<n> ...

Goals: rps >= 10,000 on a 2-core machine, ratio >= 0.5, p99 < 2,000 ms, lost = dup = 0.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

DB_URL = os.environ.get("BENCH_TELEMETRY_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/safecity_bench_telemetry")
SERIAL = "B-{:05d}"
LATENCY_SEQ_BASE = 10_000_000
COLLISION_SHARE = 0.005


# --- child processes -----------------------------------------------------------------------------


def role_floor(args: argparse.Namespace) -> None:
    """A bare paho subscriber: counts the messages, prints first/last receive times."""
    import paho.mqtt.client as mqtt
    from paho.mqtt.enums import CallbackAPIVersion
    from paho.mqtt.packettypes import PacketTypes
    from paho.mqtt.properties import Properties
    from paho.mqtt.subscribeoptions import SubscribeOptions

    state = {"n": 0, "first": 0.0, "last": 0.0}

    def on_message(client: Any, userdata: Any, msg: Any) -> None:
        now = time.time()
        if not state["n"]:
            state["first"] = now
        state["n"] += 1
        state["last"] = now

    def on_subscribe(*_: Any) -> None:
        print("ready", flush=True)

    client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id="bench-floor", protocol=mqtt.MQTTv5)
    client.username_pw_set(args.user, args.password)
    client.on_message = on_message
    client.on_subscribe = on_subscribe
    client.on_connect = lambda c, *_: c.subscribe("$share/floor/safecity/v1/+/readings", options=SubscribeOptions(qos=1))
    props = Properties(PacketTypes.CONNECT)
    props.ReceiveMaximum = 20000
    client.connect(args.host, args.port, clean_start=True, properties=props)
    client.loop_start()
    deadline = time.time() + args.timeout
    while state["n"] < args.expect and time.time() < deadline:
        time.sleep(0.01)
    client.disconnect()
    client.loop_stop()
    print(json.dumps(state), flush=True)


def role_publish(args: argparse.Namespace) -> None:
    """Publish this process's devices' readings: ``--mode burst`` as fast as possible (the same
    bytes in the floor and pipeline phases), ``--mode live`` at a fixed rate with collisions."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safecity.test_settings")
    django.setup()  # the payload and simulator modules read the models' constants; no query is made
    from safecity.telemetry.ingest.payload import readings_topic
    from safecity.telemetry.ingest.publisher import Fleet
    from safecity.telemetry.ingest.simulator import trucks

    devices = [tuple(d) for d in json.loads(Path(args.devices_file).read_text())]
    fleet = Fleet(args.host, args.port, devices, client_prefix=f"bench-{args.mode}-{args.index}")
    fleet.connect_all(timeout=120)
    print("ready", flush=True)
    sys.stdin.readline()  # go
    serials = [s for s, _ in devices]
    topics = {s: readings_topic(s) for s in serials}
    injected: list[list[Any]] = []
    k = 0
    start = time.time()
    published = 0
    if args.mode == "burst":
        fleet_trucks = trucks(serials, seed=args.seed)
        t0 = args.t0
        for k in range(args.per_device):
            for truck in fleet_trucks:
                values = truck.step(1.0, 0.002)
                fleet.publish(truck.serial, topics[truck.serial], truck.payload(t0 + k, values))
                published += 1
                if published % 64 == 0:
                    fleet.pump()
    else:
        rng = random.Random(args.seed)
        interval = len(serials) / args.rate  # seconds between two readings of one device
        while time.time() - start < args.seconds:
            for i, serial in enumerate(serials):
                due = start + k * interval + i * interval / len(serials)
                while (wait := due - time.time()) > 0:
                    fleet.pump(min(wait, 0.02))
                seq = LATENCY_SEQ_BASE + k
                collision = rng.random() < COLLISION_SHARE
                body = {
                    "seq": seq,
                    "ts": round(due * 1000),
                    "values": {"speed_kmh": 4.0, "belt_fastened": True, "accel_g": 2.5 if collision else 0.1},
                    "pos": [119.9510, 31.7010],
                }
                sent = time.time()
                fleet.publish(serial, topics[serial], json.dumps(body).encode())
                published += 1
                if collision:
                    injected.append([serial, seq, sent])
                if published % 64 == 0:
                    fleet.pump()
            k += 1
    fleet.drain(timeout=300)
    end = time.time()
    refused = sum(d.refused_publishes for d in fleet.devices.values())
    fleet.close()
    result = {"start": start, "end": end, "published": published, "refused": refused, "injected": injected}
    result.update(serials=serials, rounds=k if args.mode == "live" else args.per_device)
    print(json.dumps(result), flush=True)


# --- the orchestration ---------------------------------------------------------------------------


def prepare(devices: int) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """Fresh telemetry tables and ``devices`` registered trackers; returns (serial, password) and
    (serial, broker hash) pairs."""
    import secrets

    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection

    from safecity.core import services
    from safecity.core.demo.codes import credit_code
    from safecity.core.models import Organisation, Region
    from safecity.telemetry.broker import mosquitto_password_hash
    from safecity.telemetry.choices import DeviceKind, DeviceStatus
    from safecity.telemetry.ingest.simulator import FORKLIFT_RULES
    from safecity.telemetry.models import Device, RuleSet
    from safecity.telemetry.storage import partitions_ensure

    call_command("migrate", verbosity=0)
    partitions_ensure()
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE telemetry_reading, telemetry_enginestate, telemetry_alarmevent, telemetry_alarm, "
            "telemetry_ingestcounter, telemetry_device CASCADE"
        )
    admin = get_user_model().objects.filter(username="bench-admin").first()
    if admin is None:
        admin = get_user_model().objects.create_superuser("bench-admin", password="bench-password-123")
    org = Organisation.objects.filter(name="基准叉车企业有限公司").first()
    if org is None:
        region = Region.objects.filter(code="320412").first()
        if region is None:
            from bench.common import load_regions

            region = load_regions(admin)["320412"]
        org = services.organisation_create(
            actor=admin,
            name="基准叉车企业有限公司",
            kind="enterprise",
            region=region,
            credit_code=credit_code(random.Random(7), region_code="320412"),
        )
    rules, _ = RuleSet.objects.update_or_create(name="bench forklifts", defaults={"rules": FORKLIFT_RULES, "organisation": org})
    creds, hashes, rows = [], [], []
    for n in range(devices):
        serial, password = SERIAL.format(n), secrets.token_urlsafe(12)
        hashed = mosquitto_password_hash(password)
        creds.append((serial, password))
        hashes.append((serial, hashed))
        rows.append(
            Device(
                serial=serial,
                kind=DeviceKind.FORKLIFT_TRACKER,
                organisation=org,
                rule_set=rules,
                status=DeviceStatus.ACTIVE,
                mqtt_password_hash=hashed,
            )
        )
    Device.objects.bulk_create(rows, batch_size=2000)
    return creds, hashes


def spawn_publishers(
    args: argparse.Namespace, creds: list[tuple[str, str]], port: int, tmp: Path, mode: str, **extra: Any
) -> list[Any]:
    procs = []
    for i in range(args.publishers):
        part = creds[i :: args.publishers]
        path = tmp / f"devices-{i}.json"
        path.write_text(json.dumps(part))
        cmd = [sys.executable, "-m", "bench.telemetry_ingest", "--role", "publish", "--mode", mode, "--index", str(i),
               "--devices-file", str(path), "--host", "127.0.0.1", "--port", str(port), "--seed", str(i)]  # fmt: skip
        for key, value in extra.items():
            cmd += [f"--{key.replace('_', '-')}", str(value)]
        procs.append(subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True))  # noqa: S603
    for proc in procs:
        line = proc.stdout.readline().strip()
        if line != "ready":
            raise RuntimeError(f"publisher did not start: {line!r}")
    return procs


def go(procs: list[Any]) -> list[dict[str, Any]]:
    for proc in procs:
        proc.stdin.write("go\n")
        proc.stdin.flush()
    results = []
    for proc in procs:
        out = proc.stdout.readline()
        proc.wait(timeout=600)
        results.append(json.loads(out))
    if any(r["refused"] for r in results):
        raise RuntimeError(f"the broker refused publishes: {[r['refused'] for r in results]}")
    return results


def stored_count() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM telemetry_reading")
        return int(cursor.fetchone()[0])


def start_worker(index: int, env: dict[str, str], tmp: Path, batch: int) -> subprocess.Popen[bytes]:
    log = (tmp / f"worker-{index}.log").open("ab")
    cmd = [sys.executable, "-m", "safecity.telemetry.ingest", "--group", "bench", "--client-id", f"bench-worker-{index}",
           "--batch-size", str(batch)]  # fmt: skip
    return subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT)  # noqa: S603


def wait_log(path: Path, text: str, timeout: float = 60) -> None:
    deadline = time.time() + timeout
    while not (path.exists() and text in path.read_text()):
        if time.time() > deadline:
            raise RuntimeError(f"{path.name}: no {text!r} in {timeout} s:\n{path.read_text()[-2000:] if path.exists() else ''}")
        time.sleep(0.1)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--role", default="main", choices=["main", "floor", "publish"])
    parser.add_argument("--devices", type=int, default=4000)
    parser.add_argument("--per-device", type=int, default=50)
    parser.add_argument("--publishers", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--latency-rate", type=float, default=4000)
    parser.add_argument("--latency-seconds", type=float, default=15)
    # child process arguments
    parser.add_argument("--mode", default="burst")
    parser.add_argument("--index", type=int, default=0)
    parser.add_argument("--devices-file", default="")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--t0", type=float, default=0)
    parser.add_argument("--rate", type=float, default=0)
    parser.add_argument("--seconds", type=float, default=0)
    parser.add_argument("--user", default="")
    parser.add_argument("--password", default="")
    parser.add_argument("--expect", type=int, default=0)
    parser.add_argument("--timeout", type=float, default=300)
    args = parser.parse_args()
    if args.role == "floor":
        return role_floor(args)
    if args.role == "publish":
        return role_publish(args)
    run(args)


def run(args: argparse.Namespace) -> None:
    from bench.common import server_env, setup_django

    setup_django(DB_URL)
    from safecity.telemetry.broker import ManagedBroker

    tmp = Path(tempfile.mkdtemp(prefix="bench-telemetry-"))
    started = time.time()
    creds, hashes = prepare(args.devices)
    n = args.devices * args.per_device
    print(f"{args.devices} devices registered in {time.time() - started:.1f}s; {n:,} readings per burst", flush=True)
    broker = ManagedBroker(tmp / "mosquitto").start(devices=hashes)
    ingest = broker.ingest
    t0 = time.time() - args.per_device - 3600  # device times of the burst: the past hour
    workers: list[subprocess.Popen[bytes]] = []
    try:
        # 1. floor
        floor = subprocess.Popen(  # noqa: S603
            [sys.executable, "-m", "bench.telemetry_ingest", "--role", "floor", "--port", str(broker.port),
             "--user", ingest.username, "--password", ingest.password, "--expect", str(n)],
            stdout=subprocess.PIPE, text=True,
        )  # fmt: skip
        assert floor.stdout is not None
        if floor.stdout.readline().strip() != "ready":
            raise RuntimeError("the floor subscriber did not subscribe")
        pubs = spawn_publishers(args, creds, broker.port, tmp, "burst", per_device=args.per_device, t0=t0)
        published = go(pubs)
        got = json.loads(floor.stdout.readline())
        floor.wait(timeout=60)
        first_pub = min(r["start"] for r in published)
        floor_rps = got["n"] / (got["last"] - first_pub)
        print(f"floor: {got['n']:,} of {n:,} received, {floor_rps:,.0f}/s (bare paho subscriber)", flush=True)

        # 2. pipeline with a SIGKILL and a restart
        env = server_env(
            DB_URL,
            TELEMETRY_MQTT_HOST="127.0.0.1",
            TELEMETRY_MQTT_PORT=str(broker.port),
            TELEMETRY_MQTT_USERNAME=ingest.username,
            TELEMETRY_MQTT_PASSWORD=ingest.password,
            TELEMETRY_BROKER_DIR=str(tmp / "mosquitto"),
            LOG_LEVEL="INFO",
        )
        workers = [start_worker(i, env, tmp, args.batch) for i in range(args.workers)]
        for i in range(args.workers):
            wait_log(tmp / f"worker-{i}.log", "subscribed to")
        pubs = spawn_publishers(args, creds, broker.port, tmp, "burst", per_device=args.per_device, t0=t0)
        for proc in pubs:
            proc.stdin.write("go\n")
            proc.stdin.flush()
        killed_at = restarted_at = None
        deadline = time.time() + 600
        while True:
            count = stored_count()
            now = time.time()
            if killed_at is None and count >= 0.4 * n:
                workers[0].send_signal(signal.SIGKILL)
                workers[0].wait()
                killed_at = now
                print(f"worker 0 killed (SIGKILL) at {count:,} stored", flush=True)
            if killed_at is not None and restarted_at is None and now - killed_at >= 1.0:
                workers[0] = start_worker(0, env, tmp, args.batch)
                restarted_at = now
            if count >= n or now > deadline:
                done_at = now
                break
            time.sleep(0.05)
        published = []
        for proc in pubs:
            published.append(json.loads(proc.stdout.readline()))
            proc.wait(timeout=60)
        first_pub = min(r["start"] for r in published)
        rps = count / (done_at - first_pub)
        print(
            f"pipeline: {count:,} of {n:,} stored, {rps:,.0f}/s (publishing took {max(r['end'] for r in published) - first_pub:.1f}s)",
            flush=True,
        )

        # 3. latency at a steady rate
        wait_log(tmp / "worker-0.log", "subscribed to")
        # Latency is measured under a load the pipeline sustains: the city's 4,000/s, or half the
        # throughput just measured when that is less (beyond capacity, latency is queueing only).
        latency_rate = min(args.latency_rate, 0.5 * rps)
        pubs = spawn_publishers(
            args, creds, broker.port, tmp, "live", rate=latency_rate / args.publishers, seconds=args.latency_seconds
        )
        live = go(pubs)
        live_n = sum(r["published"] for r in live)
        injected = {(s, q): t for r in live for s, q, t in r["injected"]}
        expected_total = n + live_n
        deadline = time.time() + 120
        while stored_count() < expected_total and time.time() < deadline:
            time.sleep(0.2)
        time.sleep(2.0)  # anything still in flight or redelivered
        latencies, covered, missed = alarm_latencies(injected)
        lost, dup = lost_and_dup(args.devices, args.per_device, live)
    finally:
        for proc in workers:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in workers:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
        broker.stop()
    late = worker_late(tmp, args.workers)
    latencies.sort()
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000 if latencies else float("nan")
    p50 = latencies[len(latencies) // 2] * 1000 if latencies else float("nan")
    print(f"latency at {live_n / args.latency_seconds:,.0f}/s: {len(latencies)} collision alarms, p50 {p50:.0f} ms, p99 {p99:.0f} ms, "
          f"{covered} during an alarm already firing, {missed} without an alarm; "
          f"{late:,} readings evaluated as late (stored, not evaluated)", flush=True)  # fmt: skip
    print(
        f"RESULT telemetry_ingest rps={rps:.0f} ratio={rps / floor_rps:.2f} p99_alarm_ms={p99:.0f} lost={lost} dup={dup} "
        f"floor={floor_rps:.0f} p50_alarm_ms={p50:.0f} missed_alarms={missed} covered_alarms={covered} late={late} "
        f"devices={args.devices} "
        f"workers={args.workers} latency_rate={live_n / args.latency_seconds:.0f}",
        flush=True,
    )


def alarm_latencies(injected: dict[tuple[str, int], float]) -> tuple[list[float], int, int]:
    """Publish-to-alarm seconds of the injected collisions that opened an alarm; the number covered
    by an alarm already firing (a second impact before the next reading cleared the first: one open
    alarm per device and rule, by design); the number missed (neither)."""
    from safecity.telemetry.models import Alarm, Reading

    created = {
        (serial, seq): at.timestamp()
        for serial, seq, at in Alarm.objects.filter(rule_id="collision", reading_seq__gte=LATENCY_SEQ_BASE).values_list(
            "device__serial", "reading_seq", "created_at"
        )
    }
    latencies = [created[key] - sent for key, sent in injected.items() if key in created]
    covered = 0
    for serial, seq in (key for key in injected if key not in created):
        at = Reading.objects.filter(device__serial=serial, seq=seq).values_list("device_ts", flat=True).first()
        firing = Alarm.objects.filter(device__serial=serial, rule_id="collision", fired_at__lte=at).exclude(cleared_at__lte=at)
        covered += at is not None and firing.exists()
    return latencies, covered, len(injected) - len(latencies) - covered


def lost_and_dup(devices: int, per_device: int, live: list[dict[str, Any]]) -> tuple[int, int]:
    from django.db import connection

    from safecity.telemetry.models import Device

    pks = dict(Device.objects.values_list("serial", "pk"))
    with connection.cursor() as cursor:
        cursor.execute("SELECT device_id, seq, count(*) FROM telemetry_reading GROUP BY device_id, seq")
        stored = {(pk, seq): c for pk, seq, c in cursor.fetchall()}
    expected = {(pks[SERIAL.format(d)], k) for d in range(devices) for k in range(1, per_device + 1)}
    for result in live:  # the live phase: each device of a publisher published `rounds` readings
        for serial in result["serials"]:
            expected.update((pks[serial], LATENCY_SEQ_BASE + k) for k in range(result["rounds"]))
    lost = len(expected - set(stored))
    dup = sum(c - 1 for c in stored.values() if c > 1)
    return lost, dup


def worker_late(tmp: Path, workers: int) -> int:
    import re

    total = 0
    for i in range(workers):
        for match in re.finditer(r"late (\d+)", (tmp / f"worker-{i}.log").read_text()):
            total += int(match.group(1))
    return total


if __name__ == "__main__":
    main()

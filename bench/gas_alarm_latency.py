"""Benchmark: a restaurant's gas-leak alarm, from the detector's publish to the platform and to people.

    .venv/bin/python -m bench.gas_alarm_latency [--restaurants 20] [--spacing 0.5] [--wait 40]

GB/T 45839-2025 (networked gas detectors, domain-rules §7a) sets the timing measured here: an alarm
reaches the platform within **30 s**, and the people concerned within **15 s** over **at least two
channels**. The platform's channels: the inbox (``core.Notification``, written in the ingest batch
that opens the alarm) first; e-mail and SMS second (``core.Delivery`` rows sent by the background
task ``core.deliveries_send`` that the batch enqueues on commit; ``safecity/core/delivery.py``).

On the production path, in a PostgreSQL database of its own (``safecity_bench_gas_alarm``, created
fresh and dropped at the end) it registers N restaurants (each its own enterprise on one street,
with a manager and a staff member) and their detectors (``detector_register``: the detector rules,
broker credentials), a district official and an inspector over the street (all four recipients of
each leak alarm have an e-mail address and a phone), and starts:

- Mosquitto with the platform's generated password and ACL files (``ManagedBroker``, as
  ``bench.telemetry_ingest``): every detector logs in with its own password;
- one ingest worker, ``safecity telemetry ingest`` (production batch settings);
- one task worker, ``safecity worker --interval 1`` (django-tasks database backend, with the
  scheduler, as in production), with ``EMAIL_BACKEND`` = the file backend (real sends, written under
  ``SAFECITY_VAR_DIR/mail``) and ``SAFECITY_SMS_GATEWAY_URL`` pointing at a tiny HTTP gateway in this
  process that records when each POST arrives.

Each detector publishes with paho-mqtt (QoS 1, ``safecity/v1/<serial>/readings``), one detector
every ``--spacing`` s:

1. **baseline**: a normal reading (status 1): publish -> stored and evaluated (the device's
   ``EngineState.updated_at``, stamped in the batch that stores it): median and p95;
2. **alarm**: status 2 with the valve open, then 2 s later status 2 with the valve closed (the
   valve closes well inside ``SAFECITY_GAS_VALVE_CLOSE_S``, so no "valve open" alarm must follow):
   publish of the alarm reading -> ``Alarm`` row (platform, ``created_at``), -> the last of its
   ``Notification`` rows (inbox), -> the last e-mail ``Delivery.sent_at``, -> the last SMS POST
   received by the gateway. All on this machine's wall clock (same clock in every process).

A poller also notes when each row first became visible to another connection (after its commit), as
a check on the stamps. Every expected (alarm, recipient, channel) is counted; one missing is
``missed``. Ends with

    RESULT gas_alarm_latency alarms=<n> platform_p50_s=.. platform_max_s=.. inbox_max_s=.. email_max_s=..
           sms_max_s=.. baseline_store_p50_s=.. ratio=<email_max_s / baseline_store_p50_s>
           within_15s=<yes|no> missed=<n> ...

Goal: platform_max_s <= 30, inbox/email/sms max <= 15 (within_15s=yes), missed=0. A run takes one
to two and a half minutes, most of it the migration of the fresh database (30-95 s, with the load);
the measurement itself about 30 s.
"""

from __future__ import annotations

import argparse
import atexit
import contextlib
import json
import math
import shutil
import signal
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench._gas_alarm_harness import (
    DB_URL,
    PEOPLE_LIMIT_S,
    PLATFORM_LIMIT_S,
    RECIPIENTS_PER_ALARM,
    VALVE_AFTER_S,
    Poller,
    Processes,
    SmsGateway,
    drop_database,
    fmt,
    p95,
    prepare,
    wait_tasks_idle,
)
from bench.telemetry_ingest import wait_log

# --- the SMS gateway -------------------------------------------------------------------------------


def connect_detectors(detectors: list[dict[str, Any]], port: int) -> dict[str, Any]:
    import paho.mqtt.client as mqtt
    from paho.mqtt.enums import CallbackAPIVersion

    clients = {}
    for d in detectors:
        client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=f"bench-gas-{d['serial']}")
        client.username_pw_set(d["serial"], d["password"])
        client.connect("127.0.0.1", port)
        client.loop_start()
        clients[d["serial"]] = client
    deadline = time.time() + 30
    while not all(c.is_connected() for c in clients.values()):
        if time.time() > deadline:
            raise RuntimeError("detectors could not connect to the broker")
        time.sleep(0.05)
    return clients


def publish(client: Any, serial: str, seq: int, **values: Any) -> float:
    from safecity.telemetry.ingest.payload import readings_topic

    at = time.time()
    body = json.dumps({"seq": seq, "ts": round(at * 1000), "values": values})
    client.publish(readings_topic(serial), body, qos=1)
    return at


def run_schedule(clients: dict[str, Any], events: list[tuple[float, str, int, dict[str, Any]]]) -> dict[tuple[str, int], float]:
    """Publish each (due, serial, seq, values) at its time; returns the publish times."""
    sent = {}
    for due, serial, seq, values in sorted(events, key=lambda e: e[0]):
        if (wait := due - time.time()) > 0:
            time.sleep(wait)
        sent[(serial, seq)] = publish(clients[serial], serial, seq, **values)
    return sent


def measure(args: argparse.Namespace, procs: Processes, tmp: Path) -> str:
    from bench.common import server_env
    from safecity.telemetry.broker import ManagedBroker

    began = time.time()
    data = prepare(args.restaurants)
    detectors = data["detectors"]
    pks = [d["pk"] for d in detectors]

    procs.broker = broker = ManagedBroker(tmp / "mosquitto").start()  # the detectors' hashes, from the database
    procs.gateway = gateway = SmsGateway()
    ingest = broker.ingest
    var = tmp / "var"
    env = server_env(
        DB_URL,
        TELEMETRY_MQTT_HOST="127.0.0.1",
        TELEMETRY_MQTT_PORT=str(broker.port),
        TELEMETRY_MQTT_USERNAME=ingest.username,
        TELEMETRY_MQTT_PASSWORD=ingest.password,
        TELEMETRY_BROKER_DIR=str(tmp / "mosquitto"),
        SAFECITY_VAR_DIR=str(var),
        EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
        SAFECITY_SMS_GATEWAY_URL=gateway.url,
        LOG_LEVEL="INFO",
    )
    cli = str(Path(sys.executable).with_name("safecity"))
    ingest_log, worker_log = tmp / "ingest.log", tmp / "worker.log"
    procs.spawn([cli, "telemetry", "ingest", "--group", "bench-gas", "--client-id", "bench-gas-ingest-0"], env, ingest_log)
    worker = procs.spawn([cli, "worker", "--interval", "1"], env, worker_log)
    wait_log(ingest_log, "subscribed to")
    idle = wait_tasks_idle(worker, worker_log)
    print(
        f"broker on port {broker.port}, ingest worker subscribed, task worker idle after its first jobs ({idle:.1f} s)",
        flush=True,
    )

    clients = connect_detectors(detectors, broker.port)
    poller = Poller(pks)
    poller.start()
    try:
        result = measure_phases(args, detectors, data["people"], clients, poller, gateway, var, began)
        for log in (ingest_log, worker_log):  # anything the processes complained of
            bad = [line for line in log.read_text().splitlines() if " WARNING " in line or " ERROR " in line]
            print(f"{log.name}: {len(bad)} warnings/errors", *(f"\n  {line[:300]}" for line in bad[:10]), flush=True)
        return result
    finally:
        poller.halt.set()
        poller.join(timeout=10)
        for client in clients.values():
            client.disconnect()
            client.loop_stop()


def measure_phases(
    args: argparse.Namespace,
    detectors: list[dict[str, Any]],
    people: dict[int, str],
    clients: dict[str, Any],
    poller: Poller,
    gateway: SmsGateway,
    var: Path,
    began: float,
) -> str:
    from django.db.models import Q

    from safecity.core.models import Delivery, Notification
    from safecity.restaurants.models import LeakAlarm
    from safecity.telemetry.models import Alarm, EngineState

    pks = [d["pk"] for d in detectors]
    n = len(detectors)

    # 1. baseline: a normal reading per detector, publish -> stored and evaluated
    t0 = time.time() + 0.2
    normal = {"status": 1, "valve_closed": False, "gas_lel": 0.0}
    sent = run_schedule(clients, [(t0 + i * args.spacing, d["serial"], 1, normal) for i, d in enumerate(detectors)])
    deadline = time.time() + 30
    while sum(("reading", pk, 1) in poller.seen for pk in pks) < n and time.time() < deadline:
        time.sleep(0.05)
    stamps = dict(EngineState.objects.filter(device_id__in=pks).values_list("device_id", "updated_at"))
    store, store_seen = [], []
    for d in detectors:
        if ("reading", d["pk"], 1) in poller.seen and d["pk"] in stamps:
            store.append(stamps[d["pk"]].timestamp() - sent[(d["serial"], 1)])
            store_seen.append(poller.seen[("reading", d["pk"], 1)] - sent[(d["serial"], 1)])
    print(f"baseline, normal reading -> stored: {fmt(store)}; visible to another connection: {fmt(store_seen)}", flush=True)
    if len(store) < n:
        print(f"  !! {n - len(store)} normal readings not stored within 30 s", flush=True)

    # 2. the alarms: status 2 with the valve open, 2 s later with the valve closed
    time.sleep(1.0)
    t0 = time.time() + 0.2
    leak = {"status": 2, "valve_closed": False, "gas_lel": 35.0}
    closed = {"status": 2, "valve_closed": True, "gas_lel": 35.0}
    events = []
    for i, d in enumerate(detectors):
        events += [(t0 + i * args.spacing, d["serial"], 2, leak), (t0 + i * args.spacing + VALVE_AFTER_S, d["serial"], 3, closed)]
    sent = run_schedule(clients, events)
    last_publish = max(sent.values())
    expected = n * RECIPIENTS_PER_ALARM
    deadline = last_publish + args.wait
    while time.time() < deadline:
        alarms = Alarm.objects.filter(rule_id="gas-leak", device_id__in=pks).count()
        links = [
            f"/telemetry/alarms/{pk}/"
            for pk in Alarm.objects.filter(rule_id="gas-leak", device_id__in=pks).values_list("pk", flat=True)
        ]
        notes = Notification.objects.filter(kind="telemetry.alarm", link__in=links).count()
        sent_rows = Delivery.objects.filter(notification__link__in=links, sent_at__isnull=False).count()
        if alarms >= n and notes >= expected and sent_rows >= 2 * expected and len(gateway.received) >= expected:
            break
        time.sleep(0.25)
    time.sleep(1.5)  # anything late or twice

    # the numbers
    alarms = {a.device_id: a for a in Alarm.objects.filter(rule_id="gas-leak", device_id__in=pks)}
    links = {f"/telemetry/alarms/{a.pk}/": a for a in alarms.values()}
    notes = list(Notification.objects.filter(kind="telemetry.alarm", link__in=list(links)))
    deliveries = list(Delivery.objects.filter(notification__in=notes).select_related("notification"))
    sms_at: dict[tuple[str, str], float] = {}
    for at, to, text in gateway.received:
        sms_at[(to, text)] = min(at, sms_at.get((to, text), at))
    other_notes = Notification.objects.filter(kind="telemetry.alarm").exclude(link__in=list(links)).count()
    valve_alarms = Alarm.objects.filter(rule_id="valve-open-in-alarm", device_id__in=pks).count()
    leak_records = LeakAlarm.objects.filter(alarm__in=list(alarms.values())).count()

    platform, platform_seen, inbox, inbox_seen, email, email_seen, sms = [], [], [], [], [], [], []
    missing: list[str] = []
    two_channels = 0  # (alarm, person) pairs reached within 15 s on the inbox and e-mail or SMS
    worst: dict[str, tuple[float, str]] = {}

    def note_worst(channel: str, value: float, what: str) -> None:
        if value > worst.get(channel, (-1.0, ""))[0]:
            worst[channel] = (value, what)

    for d in detectors:
        pub = sent[(d["serial"], 2)]
        alarm = alarms.get(d["pk"])
        if alarm is None:
            missing.append(f"{d['serial']}: no gas-leak alarm")
            missing += [f"{d['serial']}: {people[u]} inbox/email/sms (no alarm)" for u in d["to"]]
            continue
        platform.append(alarm.created_at.timestamp() - pub)
        if ("alarm", alarm.pk) in poller.seen:
            platform_seen.append(poller.seen[("alarm", alarm.pk)] - pub)
        mine = {nt.recipient_id: nt for nt in notes if nt.link == f"/telemetry/alarms/{alarm.pk}/"}
        for user in sorted(d["to"]):
            who = f"{d['serial']} -> {people[user]}"
            nt = mine.get(user)
            if nt is None:
                missing.append(f"{who}: no inbox notification (nor e-mail, SMS)")
                continue
            got: dict[str, float] = {"inbox": nt.created_at.timestamp() - pub}
            inbox.append(got["inbox"])
            note_worst("inbox", got["inbox"], who)
            if ("note", nt.pk) in poller.seen:
                inbox_seen.append(poller.seen[("note", nt.pk)] - pub)
            rows = {dl.channel: dl for dl in deliveries if dl.notification_id == nt.pk}
            mail = rows.get(Delivery.Channel.EMAIL)
            if mail is None or mail.sent_at is None:
                missing.append(f"{who}: e-mail {'not written' if mail is None else f'{mail.status} {mail.error!r}'}")
            else:
                got["email"] = mail.sent_at.timestamp() - pub
                email.append(got["email"])
                note_worst("email", got["email"], who)
                if ("delivery", mail.pk) in poller.seen:
                    email_seen.append(poller.seen[("delivery", mail.pk)] - pub)
            text = rows.get(Delivery.Channel.SMS)
            at = sms_at.get((text.address, nt.message[:300])) if text is not None else None
            if at is None:
                missing.append(f"{who}: SMS {'not written' if text is None else f'not received ({text.status} {text.error!r})'}")
            else:
                got["sms"] = at - pub
                sms.append(got["sms"])
                note_worst("sms", got["sms"], who)
            if got["inbox"] <= PEOPLE_LIMIT_S and min(got.get("email", math.inf), got.get("sms", math.inf)) <= PEOPLE_LIMIT_S:
                two_channels += 1

    emails_written = (
        sum(line.startswith("To: ") for f in (var / "mail").glob("*") for line in f.read_text().splitlines())
        if (var / "mail").exists()
        else 0
    )
    print(f"alarm -> platform (Alarm.created_at): {fmt(platform)}; visible: {fmt(platform_seen)}", flush=True)
    print(f"alarm -> inbox (Notification.created_at, each recipient): {fmt(inbox)}; visible: {fmt(inbox_seen)}", flush=True)
    print(f"alarm -> e-mail sent (Delivery.sent_at): {fmt(email)}; visible: {fmt(email_seen)}", flush=True)
    print(f"alarm -> SMS received by the gateway: {fmt(sms)}", flush=True)
    for channel, (value, who) in sorted(worst.items()):
        print(f"  slowest {channel}: {value:.3f} s ({who})", flush=True)
    print(
        f"counts: {len(alarms)}/{n} gas-leak alarms, {leak_records} leak records, {len(notes)}/{expected} notifications, "
        f"{len(email)}/{expected} e-mails sent ({emails_written} in the mail files), {len(sms)}/{expected} SMS received "
        f"({len(gateway.received)} POSTs in all), {two_channels}/{expected} (alarm, person) reached on two channels within "
        f"{PEOPLE_LIMIT_S:.0f} s; {valve_alarms} valve-open alarms (expected 0), {other_notes} other alarm notifications",
        flush=True,
    )
    for line in missing:
        print(f"  missing: {line}", flush=True)
    pending = Delivery.objects.filter(Q(status="pending") | Q(status="failed")).count()
    if pending:
        print(f"  !! {pending} deliveries pending or failed", flush=True)

    def mx(values: list[float]) -> float:
        return max(values) if values else float("nan")

    baseline = statistics.median(store) if store else float("nan")
    within = (
        not missing
        and mx(platform) <= PLATFORM_LIMIT_S
        and all(mx(v) <= PEOPLE_LIMIT_S for v in (inbox, email, sms))
        and two_channels == expected
    )
    med = statistics.median
    return (
        f"RESULT gas_alarm_latency alarms={len(alarms)} platform_p50_s={med(platform) if platform else math.nan:.3f} "
        f"platform_max_s={mx(platform):.3f} inbox_p50_s={med(inbox) if inbox else math.nan:.3f} inbox_max_s={mx(inbox):.3f} "
        f"email_p50_s={med(email) if email else math.nan:.3f} email_max_s={mx(email):.3f} "
        f"sms_p50_s={med(sms) if sms else math.nan:.3f} sms_max_s={mx(sms):.3f} "
        f"baseline_store_p50_s={baseline:.3f} baseline_store_p95_s={p95(store):.3f} ratio={mx(email) / baseline:.1f} "
        f"within_15s={'yes' if within else 'no'} missed={len(missing)} two_channels={two_channels}/{expected} "
        f"valve_open_alarms={valve_alarms} restaurants={n} run_s={time.time() - began:.0f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--restaurants", type=int, default=20)
    parser.add_argument("--spacing", type=float, default=0.5, help="seconds between two detectors' publishes")
    parser.add_argument("--wait", type=float, default=40, help="seconds after the last publish to wait for every channel")
    args = parser.parse_args()

    from bench.common import setup_django

    procs = Processes()
    tmp = Path(tempfile.mkdtemp(prefix="bench-gas-alarm-"))
    cleaned = False

    def cleanup() -> None:
        nonlocal cleaned
        if cleaned:
            return
        cleaned = True
        procs.stop()
        with contextlib.suppress(Exception):
            from django.db import connections

            connections.close_all()
        try:
            drop_database(DB_URL)
        except Exception as error:  # noqa: BLE001 - report, the rest of the clean-up goes on
            print(f"could not drop the bench database: {error}", file=sys.stderr, flush=True)
        shutil.rmtree(tmp, ignore_errors=True)

    atexit.register(cleanup)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        drop_database(DB_URL)  # whatever an earlier, killed run left
        setup_django(DB_URL)
        result = measure(args, procs, tmp)
    except BaseException:
        for log in ("ingest.log", "worker.log"):
            path = tmp / log
            if path.exists():
                print(f"--- {log} (tail)\n{path.read_text()[-3000:]}", file=sys.stderr, flush=True)
        raise
    finally:
        cleanup()
    print(result, flush=True)


if __name__ == "__main__":
    main()

"""The harness of ``bench.gas_alarm_latency``: the SMS gateway stand-in, the database and the
processes it starts, the poller that stamps when rows appear, and the figures' formatting."""

from __future__ import annotations

import contextlib
import json
import math
import os
import signal
import statistics
import subprocess
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

DB_URL = os.environ.get("BENCH_GAS_ALARM_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/safecity_bench_gas_alarm")
SERIAL = "GD-B{:04d}"
PLATFORM_LIMIT_S = 30.0  # GB/T 45839-2025: the alarm reaches the platform within 30 s
PEOPLE_LIMIT_S = 15.0  # ... and people within 15 s over at least two channels
VALVE_AFTER_S = 2.0
RECIPIENTS_PER_ALARM = 4  # the restaurant's manager and staff, the district official, the inspector


# --- the SMS gateway -------------------------------------------------------------------------------


class SmsGateway:
    """``POST {"to": ..., "text": ...}`` on 127.0.0.1: records (receive time, to, text), answers 200."""

    def __init__(self) -> None:
        self.received: list[tuple[float, str, str]] = []
        lock = threading.Lock()
        received = self.received

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                at = time.time()
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)) or b"{}")
                with lock:
                    received.append((at, str(body.get("to", "")), str(body.get("text", ""))))
                self.send_response(200)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args: Any) -> None:
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/send"
        self.thread = threading.Thread(target=self.server.serve_forever, name="sms-gateway", daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


# --- the database ----------------------------------------------------------------------------------


def drop_database(db_url: str) -> None:
    import psycopg

    base, name = db_url.rsplit("/", 1)
    with psycopg.connect(base + "/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def prepare(n: int) -> dict[str, Any]:
    """Fresh tables; the street, its officials, ``n`` restaurants with their people and detectors."""
    import random

    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from safecity.core import services
    from safecity.core.audit import audit_context
    from safecity.core.choices import AuditSource, OrganisationKind, Role
    from safecity.core.demo.codes import credit_code
    from safecity.restaurants.models import Restaurant
    from safecity.restaurants.services.detectors import detector_register
    from safecity.telemetry.storage import partitions_ensure

    began = time.time()
    call_command("migrate", verbosity=0)
    partitions_ensure()
    print(f"fresh database migrated in {time.time() - began:.1f} s", flush=True)
    began = time.time()
    User = get_user_model()
    admin = User.objects.create_superuser("bench-admin", password=None)
    rng = random.Random(45839)
    people: dict[int, str] = {}  # user pk -> label
    phones = iter(f"1390000{k:04d}" for k in range(10_000))

    def person(username: str, org: Any, role: str, jurisdiction: Any = None) -> Any:
        user = User.objects.create_user(username=username, password=None)
        p = services.person_create(
            actor=admin, name=username, organisation=org, user=user, email=f"{username}@bench.example.cn", phone=next(phones)
        )
        services.role_assign(actor=admin, person=p, role=role, organisation=org, jurisdiction=jurisdiction)
        people[user.pk] = username
        return user

    with audit_context(source=AuditSource.SYSTEM, actor=admin):
        province = services.region_create(actor=admin, code="320000", name="江苏省", level="province")
        city = services.region_create(actor=admin, code="320400", name="常州市", level="city", parent=province)
        district = services.region_create(actor=admin, code="320412", name="武进区", level="district", parent=city)
        street = services.region_create(actor=admin, code="320412100", name="湖塘镇", level="street", parent=district)
        bureau = services.organisation_create(
            actor=admin, name="武进区应急管理局", kind=OrganisationKind.DISTRICT_BUREAU, region=district
        )
        officials = [
            person("gas-district", bureau, Role.DISTRICT_OFFICIAL, district),
            person("gas-inspector", bureau, Role.INSPECTOR, district),
        ]
        detectors = []
        for i in range(n):
            org = services.organisation_create(
                actor=admin,
                name=f"湖塘镇基准餐馆{i:03d}",
                kind=OrganisationKind.ENTERPRISE,
                region=street,
                industry_code="H6210",
                credit_code=credit_code(rng, region_code="320412"),
            )
            restaurant = Restaurant.objects.create(organisation=org, cylinders_on_site=2)
            own = [person(f"gas-mgr-{i}", org, Role.ENTERPRISE_MANAGER), person(f"gas-staff-{i}", org, Role.ENTERPRISE_STAFF)]
            device, creds = detector_register(actor=admin, restaurant=restaurant, serial=SERIAL.format(i))
            recipients = {u.pk for u in own + officials}
            detectors.append({"serial": creds.mqtt_username, "password": creds.mqtt_password, "pk": device.pk, "to": recipients})
    print(f"{n} restaurants, their people and detectors registered in {time.time() - began:.1f} s", flush=True)
    return {"detectors": detectors, "people": people}


# --- processes -------------------------------------------------------------------------------------


class Processes:
    """What this run starts; ``stop()`` ends exactly those (SIGTERM, then SIGKILL after 20 s)."""

    def __init__(self) -> None:
        self.procs: list[subprocess.Popen[bytes]] = []
        self.broker: Any = None
        self.gateway: SmsGateway | None = None

    def spawn(self, cmd: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
        with log.open("ab") as out:
            proc = subprocess.Popen(cmd, env=env, stdout=out, stderr=subprocess.STDOUT)  # noqa: S603 - our own CLI
        self.procs.append(proc)
        return proc

    def stop(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in self.procs:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        self.procs.clear()
        if self.broker is not None:
            with contextlib.suppress(Exception):
                self.broker.stop()
            self.broker = None
        if self.gateway is not None:
            self.gateway.stop()
            self.gateway = None


def wait_tasks_idle(proc: subprocess.Popen[bytes], log: Path, timeout: float = 120) -> float:
    """Wait until the task worker's scheduler has enqueued its first round of periodic jobs and the
    worker has run them all (the steady state the alarms are measured in); returns the seconds."""
    from django_tasks_db.models import DBTaskResult

    from safecity.core.models.scheduling import ScheduledRun

    began = time.time()
    while True:
        if proc.poll() is not None:
            raise RuntimeError(f"safecity worker exited ({proc.returncode}):\n{log.read_text()[-2000:]}")
        if ScheduledRun.objects.exists() and not DBTaskResult.objects.filter(status__in=["READY", "RUNNING"]).exists():
            return time.time() - began
        if time.time() - began > timeout:
            raise RuntimeError(f"the task worker did not get through its first jobs in {timeout} s:\n{log.read_text()[-2000:]}")
        time.sleep(0.2)


# --- what becomes visible when -----------------------------------------------------------------------


class Poller(threading.Thread):
    """Notes, every ``interval`` s on a connection of its own, when each reading, gas-leak alarm,
    alarm notification and sent delivery first became visible (committed)."""

    QUERIES = {
        "reading": "SELECT device_id, seq FROM telemetry_reading WHERE device_id = ANY(%s)",
        "alarm": "SELECT id FROM telemetry_alarm WHERE rule_id = 'gas-leak' AND device_id = ANY(%s)",
        "note": "SELECT id FROM core_notification WHERE kind = 'telemetry.alarm'",
        "delivery": "SELECT id FROM core_delivery WHERE sent_at IS NOT NULL",
    }

    def __init__(self, device_pks: list[int], interval: float = 0.05) -> None:
        super().__init__(name="poller", daemon=True)
        self.pks, self.interval = device_pks, interval
        self.seen: dict[tuple[Any, ...], float] = {}
        self.halt = threading.Event()

    def run(self) -> None:
        from django.db import connection

        try:
            while not self.halt.is_set():
                with connection.cursor() as cursor:
                    for kind, sql in self.QUERIES.items():
                        cursor.execute(sql, [self.pks] if "%s" in sql else None)
                        now = time.time()
                        for row in cursor.fetchall():
                            self.seen.setdefault((kind, *row), now)
                self.halt.wait(self.interval)
        finally:
            connection.close()


# --- the measurement --------------------------------------------------------------------------------


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)] if ordered else float("nan")


def fmt(values: list[float]) -> str:
    if not values:
        return "none"
    return f"p50 {statistics.median(values):.3f} s, p95 {p95(values):.3f} s, max {max(values):.3f} s (n={len(values)})"

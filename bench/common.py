"""What every benchmark shares: a PostgreSQL database of its own, the demo regions, COPY loading."""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import Any


def setup_django(db_url: str) -> None:
    """Point Django at ``db_url`` (created if missing) with the test settings, and set it up."""
    os.environ["DATABASE_URL"] = db_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safecity.test_settings")
    import psycopg

    base, name = db_url.rsplit("/", 1)
    with psycopg.connect(base + "/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
    import django

    django.setup()


def load_regions(admin: Any) -> dict[str, Any]:
    """The demo city's regions, through the region service (paths and audit as in production)."""
    from safecity.core import services
    from safecity.core.demo.regions import REGIONS

    made: dict[str, Any] = {}
    for code, name, level, parent, note in REGIONS:
        made[code] = services.region_create(
            actor=admin, code=code, name=name, level=level, parent=made.get(parent) if parent else None, note=note
        )
    return made


def copy_rows(cursor: Any, sql: str, rows: Iterable[tuple[Any, ...]]) -> None:
    """PostgreSQL COPY: about ten times faster than bulk_create for large loads."""
    with cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row(row)


# --- Measuring a real server ------------------------------------------------------------------
#
# The request rates that count are those of the server as `make demo` runs it: `safecity serve`
# (gunicorn, production settings, its own workers), driven over HTTP by a few keep-alive
# connections from threads of this process.

BENCH_SECRET_KEY = "bench-only-secret-key-0123456789-not-used-anywhere-else-abcdefghij"


def server_env(db_url: str, **extra: str) -> dict[str, str]:
    """The environment of a bench server and of the process that prepares its data (same secret
    key, so a session made by one is valid in the other)."""
    env = dict(os.environ)
    env.update(
        DATABASE_URL=db_url,
        DJANGO_SETTINGS_MODULE="safecity.settings",
        DEBUG="0",
        HTTPS="0",
        SECRET_KEY=BENCH_SECRET_KEY,
        ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
    )
    env.update(extra)
    return env


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Server:
    """`safecity serve` on a free port for ``db_url``; a context manager that stops it (SIGTERM to
    the gunicorn master it started, nothing else)."""

    def __init__(self, db_url: str, *, workers: int = 2) -> None:
        self.db_url, self.workers = db_url, workers
        self.port = free_port()
        self.process: Any = None

    def __enter__(self) -> Server:
        import subprocess
        import sys
        from pathlib import Path

        cli = Path(sys.executable).with_name("safecity")
        import tempfile

        # The server's own log (errors only; the access log goes nowhere), shown if it fails to start.
        self.log = tempfile.TemporaryFile()
        self.process = subprocess.Popen(  # noqa: S603 - our own CLI, fixed arguments
            [str(cli), "serve", "--bind", f"127.0.0.1:{self.port}", "--workers", str(self.workers)],
            env=server_env(self.db_url),
            stdout=subprocess.DEVNULL,
            stderr=self.log,
        )
        return self

    def __exit__(self, *exc: object) -> None:
        import subprocess

        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
        self.log.close()

    def wait_ready(self, path: str, cookie: str, timeout: float = 90.0) -> None:
        import time

        deadline = time.monotonic() + timeout
        while True:
            try:
                status, _body = get(self.port, path, cookie)
                if status == 200:
                    return
            except OSError:
                pass
            if time.monotonic() > deadline or self.process.poll() is not None:
                self.log.seek(0)
                tail = self.log.read()[-2000:].decode(errors="replace")
                raise RuntimeError(f"bench server for {self.db_url} did not answer {path}:\n{tail}")
            time.sleep(0.5)


def get(port: int, path: str, cookie: str, connection: Any = None) -> tuple[int, bytes]:
    import http.client

    conn = connection or http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request("GET", path, headers={"Cookie": cookie, "Accept": "application/json"})
    response = conn.getresponse()
    body = response.read()
    if connection is None:
        conn.close()
    return response.status, body


def measure_http(
    port: int, paths: list[str], cookie: str, *, seconds: float, connections: int, stats: dict[str, float] | None = None
) -> tuple[float, float]:
    """Requests per second and median latency (ms) over ``connections`` keep-alive connections,
    each cycling through ``paths``; every answer must be a 200. ``stats`` (if given) receives the
    number of requests and the seconds they took."""
    import http.client
    import statistics
    import threading
    import time

    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds

    def run(offset: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        mine: list[float] = []
        i = offset
        try:
            while time.perf_counter() < deadline:
                started = time.perf_counter()
                status, body = get(port, paths[i % len(paths)], cookie, conn)
                mine.append(time.perf_counter() - started)
                if status != 200:
                    errors.append(f"{status} {body[:200]!r}")
                    return
                i += 1
        finally:
            conn.close()
            with lock:
                latencies.extend(mine)

    threads = [threading.Thread(target=run, args=(n,)) for n in range(connections)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    if errors:
        raise RuntimeError(f"bench request failed: {errors[0]}")
    if stats is not None:
        stats.update(requests=len(latencies), seconds=elapsed)
    return len(latencies) / elapsed, (statistics.median(latencies) * 1000 if latencies else 0.0)


class CpuMeter:
    """CPU seconds used by a bench server's gunicorn workers, by the PostgreSQL backends of its
    database, and by this process (the HTTP client), read from /proc (Linux; zeros elsewhere).

    Why: on a 2-core machine the requests per second are bounded by the CPU that all three spend
    per request; the bench prints the split so a slow run says where the time went (and that the
    client is not what limits it)."""

    def __init__(self, server: Server) -> None:
        self.server = server
        self.database = server.db_url.rsplit("/", 1)[1]

    @staticmethod
    def _cpu(pid: int) -> float:
        try:
            with open(f"/proc/{pid}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            return 0.0
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def _pids(self) -> tuple[list[int], list[int]]:
        workers, backends = [], []
        master = self.server.process.pid if self.server.process is not None else -1
        try:
            entries = [int(p) for p in os.listdir("/proc") if p.isdigit()]
        except OSError:
            return [], []
        for pid in entries:
            try:
                with open(f"/proc/{pid}/stat") as stat:
                    parent = int(stat.read().rsplit(")", 1)[1].split()[1])
                with open(f"/proc/{pid}/cmdline") as cmd:
                    command = cmd.read()
            except (OSError, ValueError, IndexError):
                continue
            if parent == master:
                workers.append(pid)
            elif command.startswith("postgres:") and f" {self.database} " in command:
                backends.append(pid)
        return workers, backends

    def sample(self) -> dict[str, dict[int, float]]:
        import time

        workers, backends = self._pids()
        return {
            "server": {pid: self._cpu(pid) for pid in workers},
            "postgres": {pid: self._cpu(pid) for pid in backends},
            "client": {0: time.process_time()},
        }

    @staticmethod
    def used(before: dict[str, dict[int, float]], after: dict[str, dict[int, float]]) -> dict[str, float]:
        """CPU seconds per part between two samples (a process that started in between counts whole)."""
        return {part: sum(v - before[part].get(pid, 0.0) for pid, v in after[part].items()) for part in after}

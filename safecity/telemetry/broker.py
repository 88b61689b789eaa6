"""The MQTT broker side of the telemetry engine: Mosquitto's password and ACL files, and a Mosquitto
the platform runs itself when no broker is configured.

Devices log in with their serial and the password issued to them; the ACL lets each publish only
under its own prefix ``safecity/v1/<serial>/``; the ingest workers log in with one service account
that may read ``safecity/v1/#`` (also through ``$share/<group>/...`` shared subscriptions). The files
hold only active devices, so a revoked device is refused at CONNECT once the broker re-reads them
(SIGHUP), and a connected one is disconnected by that reload (Mosquitto re-checks every client).

Who runs the broker:

- ``TELEMETRY_MQTT_HOST`` empty: :class:`ManagedBroker` (``safecity telemetry broker``, ``make
  demo``, the tests, the benchmark) runs ``/usr/sbin/mosquitto`` on 127.0.0.1 with a configuration,
  the auth files, its persistence and its log in one directory.
- ``TELEMETRY_MQTT_HOST`` set: the operator's broker. The platform still writes the files into
  ``TELEMETRY_BROKER_DIR`` after every change and sends SIGHUP to the Mosquitto whose pid file is
  there (if any); an operator's Mosquitto points ``password_file``/``acl_file``/``pid_file`` at them,
  or uses its own authentication (then these files are unused).
"""

from __future__ import annotations

import base64
import contextlib
import fcntl
import hashlib
import hmac
import logging
import os
import pwd
import re
import secrets
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings

from safecity.telemetry.models import TOPIC_ROOT

logger = logging.getLogger("safecity.telemetry.broker")

MOSQUITTO = "/usr/sbin/mosquitto"
# Mosquitto 2.0's defaults for ``$7$`` hashes (src/password_mosq.c: PW_DEFAULT_ITERATIONS,
# SALT_LEN): PBKDF2-HMAC-SHA512, 64-byte key, salt and key in standard base64 with padding.
HASH_ITERATIONS = 101
SALT_BYTES = 12
HASH_7 = re.compile(r"^\$7\$(\d+)\$([A-Za-z0-9+/]+=*)\$([A-Za-z0-9+/]+=*)$")
# A user name Mosquitto's password file can hold: no ':' (the separator), no space or newline.
USERNAME = re.compile(r"^[^:\s#]{1,64}$")

PASSWORD_FILE = "passwords"  # noqa: S105 - a file name
ACL_FILE = "acl"
INGEST_SECRET_FILE = "ingest.secret"  # noqa: S105 - a file name
CONFIG_FILE = "mosquitto.conf"
PID_FILE = "mosquitto.pid"
LOG_FILE = "mosquitto.log"
LOCK_FILE = ".auth.lock"


# --- hashes ---------------------------------------------------------------------------------------


def mosquitto_password_hash(password: str, *, salt: bytes | None = None, iterations: int = HASH_ITERATIONS) -> str:
    """Mosquitto 2.x's password-file hash of ``password``:
    ``$7$<iterations>$<base64 salt>$<base64 PBKDF2-HMAC-SHA512>`` (what ``mosquitto_passwd`` writes)."""
    salt = secrets.token_bytes(SALT_BYTES) if salt is None else salt
    key = hashlib.pbkdf2_hmac("sha512", password.encode(), salt, iterations)
    return f"$7${iterations}${base64.b64encode(salt).decode()}${base64.b64encode(key).decode()}"


def mosquitto_password_check(password: str, hashed: str) -> bool:
    """Does ``password`` match a ``$7$`` hash (as the broker would decide)?"""
    match = HASH_7.match(hashed or "")
    if not match:
        return False
    iterations, salt, key = int(match[1]), base64.b64decode(match[2]), base64.b64decode(match[3])
    return hmac.compare_digest(hashlib.pbkdf2_hmac("sha512", password.encode(), salt, iterations), key)


# --- the platform's own account --------------------------------------------------------------------


@dataclass(frozen=True)
class Account:
    """A user name and password to log in to the broker with."""

    username: str
    password: str


def broker_directory() -> Path:
    return Path(settings.TELEMETRY_BROKER_DIR)


def broker_address() -> tuple[str, int]:
    """Where the ingest workers and the simulator connect: the configured broker, or the managed one."""
    if settings.TELEMETRY_MQTT_HOST:
        return settings.TELEMETRY_MQTT_HOST, int(settings.TELEMETRY_MQTT_PORT)
    return "127.0.0.1", int(settings.TELEMETRY_BROKER_PORT)


def ingest_account(directory: Path | str | None = None) -> Account:
    """The ingest workers' account: ``TELEMETRY_MQTT_USERNAME`` with ``TELEMETRY_MQTT_PASSWORD``, or,
    when no password is configured, one generated once and kept in ``<directory>/ingest.secret``
    (0600), so the broker's files and every worker on this machine agree without configuration."""
    username = settings.TELEMETRY_MQTT_USERNAME
    if not USERNAME.match(username):
        raise ValueError(f"TELEMETRY_MQTT_USERNAME {username!r} cannot be a Mosquitto user name")
    if settings.TELEMETRY_MQTT_PASSWORD:
        return Account(username, settings.TELEMETRY_MQTT_PASSWORD)
    path = _ensure_directory(directory) / INGEST_SECRET_FILE
    with _locked(path.parent):
        try:
            password = path.read_text().strip()
        except FileNotFoundError:
            password = ""
        if not password:
            password = secrets.token_urlsafe(24)
            _atomic_write(path, password + "\n", 0o600)
    return Account(username, password)


# --- the password and ACL files --------------------------------------------------------------------


def active_device_credentials() -> list[tuple[str, str]]:
    """(serial, broker hash) of every active device that has been issued a password."""
    from safecity.telemetry.choices import DeviceStatus
    from safecity.telemetry.models import Device

    rows = (
        Device.objects.filter(status=DeviceStatus.ACTIVE)
        .exclude(mqtt_password_hash="")
        .order_by("serial")
        .values_list("serial", "mqtt_password_hash")
    )
    return list(rows)


def render_password_file(devices: Iterable[tuple[str, str]], ingest_hash: tuple[str, str]) -> str:
    lines = ["# Written by SafeCity (safecity.telemetry.broker); rewritten on every device change."]
    lines.append(f"{ingest_hash[0]}:{ingest_hash[1]}")
    for serial, hashed in devices:
        # A malformed line would make Mosquitto refuse the whole file on reload: leave it out.
        if not USERNAME.match(serial) or not HASH_7.match(hashed):
            logger.error("device %r has no valid broker hash; left out of the password file", serial)
            continue
        lines.append(f"{serial}:{hashed}")
    return "\n".join(lines) + "\n"


def render_acl_file(serials: Iterable[str], ingest_username: str) -> str:
    # Mosquitto denies whatever no line allows; a device gets write only, so it can neither read
    # other devices' readings nor subscribe at all.
    lines = [
        "# Written by SafeCity (safecity.telemetry.broker); rewritten on every device change.",
        "",
        f"user {ingest_username}",
        f"topic read {TOPIC_ROOT}/#",
    ]
    for serial in serials:
        if USERNAME.match(serial):
            lines += ["", f"user {serial}", f"topic write {TOPIC_ROOT}/{serial}/#"]
    return "\n".join(lines) + "\n"


def write_auth_files(
    directory: Path | str | None = None, *, devices: Iterable[tuple[str, str]] | None = None
) -> tuple[Path, Path]:
    """Write Mosquitto's password file (every active device and the ingest account) and ACL file
    into ``directory`` (default ``TELEMETRY_BROKER_DIR``); return their paths.

    ``devices`` is (serial, hash) pairs; by default the active devices in the database. Each file
    is replaced atomically (temporary file and rename), so the broker never reads half a file; a
    lock in the directory serialises writers, and each reads the database inside the lock, so the
    last file written reflects every change committed before it."""
    path = _ensure_directory(directory)
    account = ingest_account(path)
    with _locked(path):
        rows = list(active_device_credentials() if devices is None else devices)
        ingest_hash = (account.username, _ingest_hash(path, account.password))
        password_file, acl_file = path / PASSWORD_FILE, path / ACL_FILE
        # 0640: the broker may run as another user of the directory's group (a system Mosquitto).
        _atomic_write(password_file, render_password_file(rows, ingest_hash), 0o640)
        _atomic_write(acl_file, render_acl_file([serial for serial, _ in rows], account.username), 0o640)
    return password_file, acl_file


_ingest_hashes: dict[tuple[str, str], str] = {}


def _ingest_hash(directory: Path, password: str) -> str:
    # The same hash for the same password: a rewrite after a device change leaves the ingest
    # line alone (and costs no PBKDF2 round).
    key = (str(directory), password)
    if key not in _ingest_hashes:
        _ingest_hashes[key] = mosquitto_password_hash(password)
    return _ingest_hashes[key]


def _ensure_directory(directory: Path | str | None) -> Path:
    path = Path(directory) if directory is not None else broker_directory()
    path.mkdir(parents=True, exist_ok=True, mode=0o750)
    return path


@contextlib.contextmanager
def _locked(directory: Path) -> Iterator[None]:
    with open(directory / LOCK_FILE, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _atomic_write(path: Path, text: str, mode: int) -> None:
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        os.fchmod(fd, mode)
        with os.fdopen(fd, "w") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise


# --- telling the broker ---------------------------------------------------------------------------

_reload_hooks: list[Callable[[], None]] = []


def register_reload_hook(hook: Callable[[], None]) -> Callable[[], None]:
    """Call ``hook`` after every change of the devices' credentials (a managed broker in this
    process registers its :meth:`ManagedBroker.refresh`); returns a function that unregisters it."""
    _reload_hooks.append(hook)

    def unregister() -> None:
        with contextlib.suppress(ValueError):
            _reload_hooks.remove(hook)

    return unregister


def auth_files_refresh() -> None:
    """After a change of the devices' credentials has committed: rewrite the files in
    ``TELEMETRY_BROKER_DIR``, send SIGHUP to the Mosquitto whose pid file is there (``safecity
    telemetry broker`` in another process), and run the registered reload hooks. A failure is
    logged, never raised: the change is committed, and the next refresh writes it again."""
    try:
        write_auth_files()
        signal_broker(broker_directory())
    except Exception:  # the commit stands; the files catch up on the next change
        logger.exception("could not rewrite the broker's password and ACL files")
    for hook in list(_reload_hooks):
        try:
            hook()
        except Exception:  # one broker failing must not stop the others
            logger.exception("broker reload hook %r failed", hook)


def signal_broker(directory: Path | str) -> bool:
    """Send SIGHUP to the Mosquitto named by ``<directory>/mosquitto.pid``, if it runs; True if sent.
    The pid is checked to be a Mosquitto process, so a stale file never signals a stranger."""
    try:
        pid = int((Path(directory) / PID_FILE).read_text().strip())
    except (FileNotFoundError, ValueError):
        return False
    if not _is_mosquitto(pid):
        return False
    try:
        os.kill(pid, signal.SIGHUP)
    except ProcessLookupError:
        return False
    return True


def _is_mosquitto(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/comm").read_text().strip() == "mosquitto"
    except OSError:
        return False


# --- a broker of our own -------------------------------------------------------------------------


class BrokerError(RuntimeError):
    """The managed broker did not start, or did not reload in time."""


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        return int(probe.getsockname()[1])


class ManagedBroker:
    """``/usr/sbin/mosquitto`` run by the platform on ``host:port`` with everything in ``directory``:
    ``mosquitto.conf``, the password and ACL files, ``mosquitto.db`` (persistent sessions and their
    queued QoS 1 messages, saved on a clean stop and every ``autosave_interval`` s, so they survive a
    restart), ``mosquitto.log`` and ``mosquitto.pid`` (read by :func:`signal_broker`).

    ``start()`` writes the files (``devices`` as for :func:`write_auth_files`: the database by
    default) and returns once the broker accepts connections; ``refresh()`` rewrites them and
    reloads; ``reload()`` sends SIGHUP and waits until the broker has re-read them; ``stop()``.
    """

    def __init__(
        self,
        directory: Path | str,
        port: int | None = None,
        *,
        host: str = "127.0.0.1",
        extra_config: Iterable[str] = (),
        executable: str = MOSQUITTO,
    ) -> None:
        self.directory = Path(directory)
        self.host = host
        self._auto_port = port is None
        self.port = port if port is not None else free_port(host)
        self.extra_config = list(extra_config)
        self.executable = executable
        self.process: subprocess.Popen[bytes] | None = None
        self._unregister: Callable[[], None] | None = None

    # paths and the account
    @property
    def config_path(self) -> Path:
        return self.directory / CONFIG_FILE

    @property
    def log_path(self) -> Path:
        return self.directory / LOG_FILE

    @property
    def pid_path(self) -> Path:
        return self.directory / PID_FILE

    @property
    def ingest(self) -> Account:
        return ingest_account(self.directory)

    def config_text(self) -> str:
        directory = self.directory.resolve()
        lines = [
            "# Written by SafeCity (safecity.telemetry.broker.ManagedBroker).",
            # Started as root (containers, CI), Mosquitto would switch to the user "mosquitto",
            # which cannot read our 0640 files: it stays who started it.
            f"user {_current_user()}",
            "per_listener_settings false",
            f"listener {self.port} {self.host}",
            "allow_anonymous false",
            f"password_file {directory / PASSWORD_FILE}",
            f"acl_file {directory / ACL_FILE}",
            f"pid_file {directory / PID_FILE}",
            "persistence true",
            f"persistence_location {directory}/",
            "persistence_file mosquitto.db",
            "autosave_interval 30",
            # An ingest worker that is down (a restart, a kill -9) finds its backlog waiting: the
            # default of 1000 queued messages per session would drop readings within a second.
            "max_queued_messages 1000000",
            "max_packet_size 65536",
            "set_tcp_nodelay true",
            f"log_dest file {directory / LOG_FILE}",
            "log_type error",
            "log_type warning",
            "log_type notice",
            "log_type information",
            "connection_messages true",
            "log_timestamp_format %Y-%m-%dT%H:%M:%S",
            *self.extra_config,
        ]
        return "\n".join(lines) + "\n"

    def start(self, *, devices: Iterable[tuple[str, str]] | None = None, timeout: float = 10.0) -> ManagedBroker:
        if not Path(self.executable).exists():
            raise BrokerError(f"{self.executable} is missing: install the Debian package mosquitto (make system-deps)")
        _ensure_directory(self.directory)
        write_auth_files(self.directory, devices=devices)
        # A free port picked by us can be taken by someone else before Mosquitto binds it: pick again.
        for attempt in range(1 if not self._auto_port else 5):
            if attempt:
                self.port = free_port(self.host)
            try:
                self._spawn(timeout)
                break
            except BrokerError as error:
                if not (self._auto_port and "in use" in str(error)) or attempt == 4:
                    raise
        self._unregister = register_reload_hook(self.refresh)
        return self

    def _spawn(self, timeout: float) -> None:
        self._stop_leftover()
        _atomic_write(self.config_path, self.config_text(), 0o640)
        self._log_offset = self._log_size()
        self.process = process = subprocess.Popen(  # noqa: S603 - our own executable and configuration
            [self.executable, "-c", str(self.config_path)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + timeout
        # Its log says "running" once it listens; a connection alone could reach another process on
        # the port while ours fails to bind it.
        while not (self._log_since_start().find(b" running") >= 0 and self._accepts()):
            if process.poll() is not None:
                self.process = None
                error = (process.stderr.read().decode(errors="replace") if process.stderr else "").strip()
                log = self._log_since_start().decode(errors="replace").strip().replace("\n", " | ")
                raise BrokerError(f"mosquitto exited ({process.returncode}): {' | '.join(filter(None, [error, log]))}")
            if time.monotonic() > deadline:
                self.stop()
                raise BrokerError(f"mosquitto did not accept connections on {self.host}:{self.port} in {timeout} s")
            time.sleep(0.02)

    def reload(self, *, timeout: float = 5.0) -> None:
        """SIGHUP: Mosquitto re-reads its password and ACL files and disconnects clients they no
        longer allow. Returns once its log says it reloaded (the next packet it handles sees the new
        files: it reloads between two rounds of its single-threaded loop)."""
        if self.process is None or self.process.poll() is not None:
            raise BrokerError("the managed broker is not running")
        before = self._reloads()
        self.process.send_signal(signal.SIGHUP)
        deadline = time.monotonic() + timeout
        while self._reloads() <= before:
            if time.monotonic() > deadline:
                raise BrokerError(f"mosquitto did not reload in {timeout} s: {self._log_tail()}")
            time.sleep(0.01)

    def refresh(self) -> None:
        """Rewrite this broker's files from the database and reload it."""
        write_auth_files(self.directory)
        self.reload()

    def stop(self, *, timeout: float = 10.0) -> None:
        """SIGTERM (Mosquitto saves its persistence file on the way out), SIGKILL if it hangs."""
        if self._unregister is not None:
            self._unregister()
            self._unregister = None
        process, self.process = self.process, None
        if process is None:
            return
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        if process.stderr is not None:
            process.stderr.close()

    def wait(self) -> int:
        """Block until the broker exits (the foreground command); its exit status."""
        if self.process is None:
            return 0
        return self.process.wait()

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def __enter__(self) -> ManagedBroker:
        return self.start() if self.process is None else self

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    # helpers
    def _stop_leftover(self, timeout: float = 5.0) -> None:
        # A broker of this same directory left running (its parent was killed with -9) holds the
        # port and the persistence file: one broker per directory, so it goes first.
        try:
            pid = int(self.pid_path.read_text().strip())
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        except (OSError, ValueError):
            return
        if not _is_mosquitto(pid) or str(self.config_path).encode() not in cmdline:
            return
        logger.warning("stopping the broker %s left running for %s", pid, self.directory)
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        while _is_mosquitto(pid) and time.monotonic() < deadline:
            time.sleep(0.05)

    def _accepts(self) -> bool:
        try:
            with socket.create_connection((self.host, self.port), timeout=0.2):
                return True
        except OSError:
            return False

    def _log_size(self) -> int:
        try:
            return self.log_path.stat().st_size
        except FileNotFoundError:
            return 0

    def _log_since_start(self) -> bytes:
        try:
            with open(self.log_path, "rb") as handle:
                handle.seek(self._log_offset)
                return handle.read()
        except FileNotFoundError:
            return b""

    def _reloads(self) -> int:
        return self._log_since_start().count(b"Reloading config.")

    def _log_tail(self, lines: int = 10) -> str:
        try:
            return " | ".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except FileNotFoundError:
            return "(no log)"


def _current_user() -> str:
    try:
        return pwd.getpwuid(os.geteuid()).pw_name
    except KeyError:  # no passwd entry in some containers
        return "root" if os.geteuid() == 0 else str(os.geteuid())

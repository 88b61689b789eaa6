"""The MQTT ingest worker (``safecity telemetry ingest``): readings from the broker into the database.

- **Session.** MQTT v5, ``clean_start=False`` with a week's session expiry and a stable client id:
  while the worker is down (a restart, a kill -9) the broker keeps its subscription and queues its
  share of the stream; messages it had received but not acknowledged are redelivered on reconnect.
  Restart a worker with the *same* ``--client-id`` (the default is derived from the host name and
  the group), or its queued share waits until the session expires.
- **Shared subscription** ``$share/<group>/safecity/v1/+/readings`` at QoS 1: the workers of one
  group split the stream. A device's readings may go to any of them; the per-device evaluation is
  kept consistent by the engine state rows each batch locks (:mod:`safecity.telemetry.ingest.state`).
- **Manual acknowledgement.** The network thread only queues messages (through
  :class:`~safecity.telemetry.ingest.mqtt.IngestClient`'s lean inbound path); the main thread takes a
  batch (``TELEMETRY_BATCH_SIZE`` messages or ``TELEMETRY_BATCH_MS`` after the first), stores and
  evaluates it in one transaction (:class:`~safecity.telemetry.ingest.store.Ingestor`), and only after
  the commit sends the PUBACKs. A kill -9 before the commit loses nothing (redelivered); after the
  commit and before the PUBACKs, the redelivered copies hit the unique key and are neither stored
  nor evaluated again. A database error keeps the batch unacknowledged and retries it.
- **Receive Maximum** (sent in CONNECT) lets the broker have that many messages in flight to this
  worker unacknowledged: enough for several batches (Mosquitto's own default is 20).
- **Clock tick** every ``tick_s``: absence (offline) rules, one worker at a time; not while a backlog
  is being caught up (every device would look silent after an outage of the workers).
- **SIGTERM/SIGINT:** stop taking batches, store and acknowledge what was received, disconnect (the
  session stays; anything received later is redelivered at the next start).
"""

from __future__ import annotations

import logging
import signal
import socket
import threading
import time
from collections import deque
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connection

from safecity.telemetry.ingest.store import Ingestor, Message

log = logging.getLogger("safecity.telemetry.ingest")

SESSION_EXPIRY_S = 7 * 24 * 3600
SUBSCRIPTION = "safecity/v1/+/readings"
IDLE_S = 0.25
GC_YOUNG_THRESHOLD = 20_000  # Python's default is 700 allocations


@dataclass(frozen=True)
class WorkerConfig:
    host: str
    port: int
    username: str
    password: str
    group: str = "ingest"
    client_id: str = ""
    batch_size: int = 500
    batch_ms: int = 200
    tick_s: float = 5.0
    log_every_s: float = 10.0
    receive_maximum: int = 20000
    catch_up_s: float = 5.0

    @classmethod
    def from_settings(cls, **overrides: Any) -> WorkerConfig:
        from safecity.telemetry.broker import broker_address, ingest_account

        host, port = broker_address()
        account = ingest_account()
        values: dict[str, Any] = {
            "host": host,
            "port": port,
            "username": account.username,
            "password": account.password,
            "batch_size": settings.TELEMETRY_BATCH_SIZE,
            "batch_ms": settings.TELEMETRY_BATCH_MS,
        }
        values.update({k: v for k, v in overrides.items() if v is not None})
        if not values.get("client_id"):
            values["client_id"] = f"safecity-ingest-{socket.gethostname()}-{values.get('group', 'ingest')}"[:64]
        return cls(**values)


def _settle_garbage_collector() -> None:
    """Keep Python's cyclic garbage collector off the hot path. A batch allocates tens of thousands
    of short-lived objects (payloads, readings, rows), which made the collector run a full pass over
    every object of the process (Django's modules and models, the directory, the engine's states)
    several times a second. Everything alive after start-up lives as long as the process: move it
    out of the collector's sight (``gc.freeze``), and collect the young generation less often."""
    import gc

    gc.collect()
    gc.freeze()
    gc.set_threshold(GC_YOUNG_THRESHOLD, 20, 20)


class Worker:
    """One ingest process. ``run()`` blocks until SIGTERM/SIGINT (or ``stop()``)."""

    def __init__(self, config: WorkerConfig, *, ingestor: Ingestor | None = None) -> None:
        import paho.mqtt.client as mqtt
        from paho.mqtt.enums import CallbackAPIVersion

        from safecity.telemetry.ingest.mqtt import IngestClient

        self.config = config
        self.ingestor = ingestor or Ingestor()
        self.inbox: deque[tuple[int, int, Message]] = deque()
        self.stopping = threading.Event()
        self.connected = threading.Event()
        self.connected_at = 0.0
        self.client = IngestClient(
            CallbackAPIVersion.VERSION2, client_id=config.client_id, protocol=mqtt.MQTTv5, sink=self._on_publish
        )
        self.client.manual_ack_set(True)
        self.client.username_pw_set(config.username, config.password)
        self.client.reconnect_delay_set(min_delay=1, max_delay=10)
        self.client.on_connect = self._on_connect
        self.client.on_disconnect = self._on_disconnect
        self.client.on_message = self._on_message
        self.client.on_subscribe = self._on_subscribe

    # --- the network thread --------------------------------------------------------------------

    def _on_connect(self, client: Any, userdata: Any, flags: Any, reason: Any, properties: Any) -> None:
        if reason.is_failure:
            log.error("broker %s:%s refused the connection: %s", self.config.host, self.config.port, reason)
            return
        from paho.mqtt.subscribeoptions import SubscribeOptions

        resumed = bool(getattr(flags, "session_present", False))
        log.info(
            "connected to %s:%s as %s (session %s)",
            self.config.host,
            self.config.port,
            self.config.client_id,
            "resumed" if resumed else "new",
        )
        self.connected_at = time.monotonic()
        self.connected.set()
        client.subscribe(f"$share/{self.config.group}/{SUBSCRIPTION}", options=SubscribeOptions(qos=1))

    def _on_subscribe(self, client: Any, userdata: Any, mid: int, reasons: Any, properties: Any) -> None:
        for reason in reasons:
            if reason.is_failure:
                log.error("subscription refused by the broker: %s", reason)
            else:
                log.info("subscribed to $share/%s/%s", self.config.group, SUBSCRIPTION)

    def _on_disconnect(self, client: Any, userdata: Any, flags: Any, reason: Any, properties: Any) -> None:
        self.connected.clear()
        if not self.stopping.is_set():
            log.warning("disconnected from the broker (%s); reconnecting", reason)

    def _on_publish(self, mid: int, topic: str, payload: bytes) -> None:
        # IngestClient's lean path for the QoS 1 readings (safecity.telemetry.ingest.mqtt).
        self.inbox.append((mid, 1, Message(topic, payload, time.time())))

    def _on_message(self, client: Any, userdata: Any, msg: Any) -> None:
        # paho's own path: anything not QoS 1 (the subscription is QoS 1, so only a downgrade).
        try:
            topic = msg.topic
        except UnicodeDecodeError:
            topic = msg._topic.decode("utf-8", "replace")
        self.inbox.append((msg.mid, msg.qos, Message(topic, msg.payload, time.time())))

    # --- the main thread -----------------------------------------------------------------------

    def stop(self, *_: Any) -> None:
        self.stopping.set()

    def run(self, *, install_signals: bool = True) -> int:
        """Connect, then store batches until stopped; returns the number of messages handled."""
        from paho.mqtt.packettypes import PacketTypes
        from paho.mqtt.properties import Properties

        if install_signals:
            signal.signal(signal.SIGTERM, self.stop)
            signal.signal(signal.SIGINT, self.stop)
        props = Properties(PacketTypes.CONNECT)
        props.SessionExpiryInterval = SESSION_EXPIRY_S
        props.ReceiveMaximum = min(max(self.config.receive_maximum, 1), 65535)
        self.ingestor.directory.refresh(force=True)
        _settle_garbage_collector()
        self.client.connect_async(self.config.host, self.config.port, keepalive=30, clean_start=False, properties=props)
        self.client.loop_start()
        handled = 0
        last_tick = last_log = time.monotonic()
        try:
            while not self.stopping.is_set():
                batch = self._take(wait=True)
                if batch:
                    handled += self._store(batch)
                now = time.monotonic()
                if now - last_tick >= self.config.tick_s:
                    last_tick = now
                    self._tick()
                if now - last_log >= self.config.log_every_s:
                    self._log_stats(now - last_log)
                    last_log = now
            # Graceful stop: what was received is stored and acknowledged before disconnecting.
            while batch := self._take(wait=False):
                handled += self._store(batch)
            self._log_stats(time.monotonic() - last_log)
        finally:
            self.client.disconnect()
            self.client.loop_stop()
            connection.close()
        log.info("stopped after %d messages", handled)
        return handled

    def _take(self, *, wait: bool) -> list[tuple[int, int, Message]]:
        """Up to ``batch_size`` messages, once that many are waiting or ``batch_ms`` after the first
        arrived; with ``wait``, returns empty after ``IDLE_S`` without messages (so the caller ticks)."""
        size = self.config.batch_size
        if wait:
            idle_until = time.monotonic() + IDLE_S
            while not self.stopping.is_set() and len(self.inbox) < size:
                if self.inbox:
                    remaining = self.inbox[0][2].received + self.config.batch_ms / 1000 - time.time()
                    if remaining <= 0:
                        break
                    time.sleep(min(0.005, remaining))
                elif time.monotonic() >= idle_until:
                    break
                else:
                    time.sleep(0.005)
        batch: list[tuple[int, int, Message]] = []
        while self.inbox and len(batch) < size:
            batch.append(self.inbox.popleft())
        return batch

    def _store(self, batch: list[tuple[int, int, Message]]) -> int:
        delay = 0.5
        while True:
            try:
                self.ingestor.store([m for _mid, _qos, m in batch])
                break
            except DatabaseError as error:
                # Nothing is acknowledged: retry; the broker keeps the messages meanwhile.
                log.error("batch of %d not stored, retrying in %.1f s: %s", len(batch), delay, error)
                connection.close()
                if self.stopping.wait(delay) and delay >= 4:
                    return 0  # stopping with the database down: the broker redelivers later
                delay = min(delay * 2, 10.0)
        self.client.ack_many([mid for mid, qos, _message in batch if qos == 1])
        for mid, qos, _message in batch:
            if qos > 1:  # only if the broker sent more than the subscription's QoS 1
                self.client.ack(mid, qos)
        return len(batch)

    def _tick(self) -> None:
        backlog = len(self.inbox) >= self.config.batch_size
        settled = self.connected.is_set() and time.monotonic() - self.connected_at >= self.config.catch_up_s
        if backlog or not settled:
            return
        try:
            self.ingestor.tick()
        except DatabaseError as error:
            log.error("absence tick failed: %s", error)
            connection.close()

    def _log_stats(self, seconds: float) -> None:
        stats = self.ingestor.stats.take()
        refused = ", ".join(f"{reason} {n}" for reason, n in sorted(stats.refused.items())) or "none"
        log.info(
            "%.0f s: stored %d (%.0f/s) in %d batches (%.1f s storing), evaluated %d, late %d, events %d, refused: %s; inbox %d",
            seconds,
            stats.stored,
            stats.stored / seconds if seconds else 0.0,
            stats.batches,
            stats.seconds,
            stats.evaluated,
            stats.late,
            stats.events,
            refused,
            len(self.inbox),
        )

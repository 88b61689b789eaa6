# ruff: noqa: S608  (the SQL is built from this module's constant table and column names and placeholders only; no input)
"""Storing and evaluating a batch of device messages: the one code path of the MQTT worker, the HTTP
endpoint and the simulator's history (issue 14).

:meth:`Ingestor.store` takes raw messages (topic, payload bytes, receive time) and, in one
transaction: inserts the new readings (PostgreSQL: COPY into a temporary table, then
``INSERT ... SELECT ... ON CONFLICT DO NOTHING RETURNING``; SQLite: one ``INSERT ... ON CONFLICT DO
NOTHING`` per row), locks and loads the engine state of the devices it has new readings of
(:mod:`safecity.telemetry.ingest.state`), evaluates exactly the readings it inserted in device-time
order, opens and closes alarms (``alarms_apply``), writes the states back and adds the refusal
counters. A reading already stored (a QoS 1 redelivery after a worker died before acknowledging,
or a device resending) hits the unique key, is not inserted and therefore not evaluated again:
redelivery is harmless end to end.

Refusals (:class:`~safecity.telemetry.choices.RejectReason`) are never stored as readings: each is
logged with its reason and counted per day and reason (``IngestCounter``), the counts added once
per batch.
"""

from __future__ import annotations

import json
import logging
import secrets
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from django.conf import settings
from django.db import OperationalError, connection, transaction
from django.utils import timezone

from safecity.telemetry import storage
from safecity.telemetry.choices import RejectReason
from safecity.telemetry.hooks import DriverReport, driver_events
from safecity.telemetry.ingest import state
from safecity.telemetry.ingest.directory import Directory
from safecity.telemetry.ingest.payload import Payload, Refused, parse_message
from safecity.telemetry.rules import Engine, Event, Reading

log = logging.getLogger("safecity.telemetry.ingest")

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
STAGE = "telemetry_ingest_stage"
READING_COLUMNS = 'device_id, seq, device_ts, received_at, "values", lon, lat'
LOGGED_REFUSALS_PER_BATCH = 20  # a flood of bad messages is counted in full, logged in part
DEADLOCK_RETRIES = 3

try:  # the alarm service lands with its own change; until then events are only counted
    from safecity.telemetry.services.alarms import alarms_apply, alarms_close_unknown
except ImportError:  # pragma: no cover - only before the alarm service exists
    alarms_apply = None  # type: ignore[assignment]
    alarms_close_unknown = None  # type: ignore[assignment]


@dataclass(frozen=True, slots=True)
class Message:
    """One message as received: its topic, its raw payload and when it was received (epoch s)."""

    topic: str
    payload: bytes
    received: float


@dataclass(frozen=True, slots=True)
class Outcome:
    """What became of one message: ``stored`` (then ``evaluation`` is the engine's verdict:
    ``evaluated``, or ``late`` when an older reading than one already evaluated) or ``refused``
    with a ``reason`` and a ``detail``."""

    status: str
    seq: int | None = None
    reason: str = ""
    detail: str = ""
    evaluation: str = ""

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"status": self.status, "seq": self.seq}
        if self.status == "refused":
            data.update(reason=self.reason, detail=self.detail)
        else:
            data["evaluation"] = self.evaluation
        return data


@dataclass
class Stats:
    """Counts since the last ``take()`` (for the worker's log line per interval)."""

    stored: int = 0
    evaluated: int = 0
    late: int = 0
    events: int = 0
    refused: Counter[str] = field(default_factory=Counter)
    batches: int = 0
    seconds: float = 0.0  # spent in store(): parsing, the transaction, evaluation

    def take(self) -> Stats:
        taken = Stats(self.stored, self.evaluated, self.late, self.events, self.refused, self.batches, self.seconds)
        self.stored = self.evaluated = self.late = self.events = self.batches = 0
        self.seconds = 0.0
        self.refused = Counter()
        return taken


def _us(moment: datetime) -> int:
    delta = moment - EPOCH
    return delta.days * 86_400_000_000 + delta.seconds * 1_000_000 + delta.microseconds


class Ingestor:
    """The per-process ingest path: device directory, one rule engine, the tokens of the engine
    states this process wrote last, refusal counters not yet added. Not thread-safe: one per
    worker (and one per web process for the HTTP endpoint, used under a lock)."""

    def __init__(self, *, directory: Directory | None = None) -> None:
        self.directory = directory or Directory()
        self.engine = Engine(self.directory.rules_for, max_future_s=float(settings.TELEMETRY_MAX_FUTURE_SECONDS))
        self.ident = secrets.token_hex(4)
        self.batch_no = 0
        self.written: dict[str, str] = {}  # serial -> the writer token this process stored last
        self.known_rows: set[int] = set()  # device pks whose EngineState row exists
        self.pending: Counter[tuple[date, str]] = Counter()
        self.pending_detail: dict[tuple[date, str], str] = {}
        self._batch_counts: Counter[tuple[date, str]] = Counter()
        self.stats = Stats()
        self.partitions_checked = 0.0

    # --- the batch -----------------------------------------------------------------------------

    def store(self, messages: Sequence[Message], *, now: datetime | None = None) -> list[Outcome]:
        """Store and evaluate ``messages``; one outcome per message, in order. Raises only when the
        database fails (the caller keeps the messages unacknowledged and retries)."""
        began = time.perf_counter()
        now = now or timezone.now()
        self._housekeeping(now)
        outcomes: list[Outcome | None] = [None] * len(messages)
        oldest, _newest = storage.window(now)
        oldest_us = _us(oldest)
        future_us = int(settings.TELEMETRY_MAX_FUTURE_SECONDS) * 1_000_000
        candidates: list[tuple[int, Payload, int]] = []  # (index, payload, device pk)
        seen: set[tuple[int, int, int]] = set()
        for index, message in enumerate(messages):
            try:
                payload = parse_message(message.topic, message.payload)
                info = self.directory.device(payload.serial)
                if info is None or not info.active:
                    raise Refused(RejectReason.UNKNOWN_DEVICE, f"{payload.serial}: {'revoked' if info else 'no such device'}")
                if payload.ts_us > round(message.received * 1_000_000) + future_us:
                    raise Refused(
                        RejectReason.FUTURE, f"{payload.serial}#{payload.seq}: device time {payload.device_ts:%Y-%m-%dT%H:%M:%S}Z"
                    )
                if payload.ts_us < oldest_us:
                    raise Refused(
                        RejectReason.TOO_OLD, f"{payload.serial}#{payload.seq}: device time {payload.device_ts:%Y-%m-%d}"
                    )
                key = (info.pk, payload.seq, payload.ts_us)
                if key in seen:
                    raise Refused(RejectReason.DUPLICATE, f"{payload.serial}#{payload.seq}: twice in one batch")
                seen.add(key)
                candidates.append((index, payload, info.pk))
            except Refused as refusal:
                outcomes[index] = Outcome("refused", reason=refusal.reason, detail=refusal.detail)
        for attempt in range(DEADLOCK_RETRIES):
            try:
                self._commit(messages, candidates, outcomes, now)
                break
            except OperationalError as error:
                if attempt + 1 == DEADLOCK_RETRIES or "deadlock" not in str(error):
                    raise
                log.warning("batch retried after a deadlock: %s", str(error).splitlines()[0])
        done = [o if o is not None else Outcome("refused", reason=RejectReason.MALFORMED, detail="?") for o in outcomes]
        self._log_refusals(done)
        self.stats.seconds += time.perf_counter() - began
        return done

    def _commit(
        self,
        messages: Sequence[Message],
        candidates: list[tuple[int, Payload, int]],
        outcomes: list[Outcome | None],
        now: datetime,
    ) -> None:
        self.batch_no += 1
        writer = f"{self.ident}:{self.batch_no}"
        touched: list[str] = []
        try:
            with transaction.atomic():
                inserted = self._insert(messages, candidates)
                fresh = [c for c in candidates if (c[2], c[1].seq, c[1].ts_us) in inserted]
                for index, payload, _pk in candidates:
                    if (_pk, payload.seq, payload.ts_us) not in inserted:
                        outcomes[index] = Outcome(
                            "refused",
                            seq=payload.seq,
                            reason=RejectReason.DUPLICATE,
                            detail=f"{payload.serial}#{payload.seq}: already stored",
                        )
                pks = sorted({pk for _i, _p, pk in fresh})
                touched = [self.directory.by_pk[pk].serial for pk in pks]
                self._load_states(pks)
                fresh.sort(key=lambda c: (c[2], c[1].ts_us, c[1].seq))
                events: list[Event] = []
                evaluated = late = 0
                for index, payload, _pk in fresh:
                    result = self.engine.evaluate(
                        Reading(
                            device_id=payload.serial,
                            seq=payload.seq,
                            device_ts=payload.ts_us / 1e6,
                            received_ts=messages[index].received,
                            values=payload.values,
                            position=payload.pos,
                        )
                    )
                    events.extend(result.events)
                    if result.status == "evaluated":
                        evaluated += 1
                        if payload.driver is not None:
                            events.extend(
                                driver_events(
                                    DriverReport(
                                        _pk, payload.serial, payload.driver, payload.ts_us / 1e6, payload.seq, payload.pos
                                    )
                                )
                            )
                    else:
                        late += 1
                    outcomes[index] = Outcome("stored", seq=payload.seq, evaluation=str(result.status))
                self._apply(events)
                state.states_write(
                    (pk, state.state_data(self.engine, serial, writer), self.directory.rules_key(serial))
                    for pk, serial in zip(pks, touched, strict=True)
                )
                self._count_refusals(outcomes, now)
                self._flush_counters()
        except BaseException:
            # The engine's memory of these devices may be ahead of the database: reload next time.
            for serial in touched:
                self.written.pop(serial, None)
            self.known_rows.clear()  # state rows this transaction created are gone with it
            self.pending_restore()
            raise
        for serial in touched:
            self.written[serial] = writer
        self.pending_committed()
        self.stats.stored += len(fresh)
        self.stats.evaluated += evaluated
        self.stats.late += late
        self.stats.events += len(events)
        self.stats.batches += 1

    # --- readings ------------------------------------------------------------------------------

    def _insert(self, messages: Sequence[Message], candidates: list[tuple[int, Payload, int]]) -> set[tuple[int, int, int]]:
        """Insert the candidates' readings; returns the (device pk, seq, ts µs) keys inserted."""
        if not candidates:
            return set()
        Row = tuple[int, int, datetime, datetime, str, float | None, float | None]
        rows: list[Row] = []
        for i, p, pk in candidates:
            lon, lat = p.pos if p.pos is not None else (None, None)
            rows.append(
                (pk, p.seq, p.device_ts, datetime.fromtimestamp(messages[i].received, UTC), json.dumps(p.values), lon, lat)
            )
        rows.sort(key=lambda r: (r[0], r[1], r[2]))
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(
                    f"CREATE TEMP TABLE IF NOT EXISTS {STAGE} (device_id bigint, seq bigint, device_ts timestamptz, "
                    'received_at timestamptz, "values" jsonb, lon float8, lat float8) ON COMMIT DELETE ROWS'
                )
                with cursor.copy(f"COPY {STAGE} ({READING_COLUMNS}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
                # Sorted by the key, so two transactions that meet on the same keys (a device that
                # resent a message) wait in the same order instead of deadlocking.
                cursor.execute(
                    f"INSERT INTO {storage.TABLE} ({READING_COLUMNS}) SELECT {READING_COLUMNS} FROM {STAGE} "
                    "ORDER BY device_id, seq, device_ts ON CONFLICT DO NOTHING "
                    # The time as whole microseconds since the epoch: the key the caller compares,
                    # without turning a thousand timestamps into datetimes and back.
                    "RETURNING device_id, seq, (extract(epoch FROM device_ts) * 1000000)::bigint"
                )
                return set(cursor.fetchall())
            inserted: set[tuple[int, int, int]] = set()
            adapt = connection.ops.adapt_datetimefield_value
            for pk, seq, ts, received, values, lon, lat in rows:
                cursor.execute(
                    f"INSERT INTO {storage.TABLE} ({READING_COLUMNS}) VALUES (%s, %s, %s, %s, %s, %s, %s) ON CONFLICT DO NOTHING",
                    [pk, seq, adapt(ts), adapt(received), values, lon, lat],
                )
                if cursor.rowcount == 1:
                    inserted.add((pk, seq, _us(ts)))
            return inserted

    # --- engine state --------------------------------------------------------------------------

    def _load_states(self, pks: list[int]) -> None:
        """Lock the devices' state rows and bring the engine up to date with them."""
        missing = [pk for pk in pks if pk not in self.known_rows]
        state.states_ensure(missing)
        self.known_rows.update(missing)
        writers = state.states_lock(pks)
        stale = [pk for pk in pks if not writers.get(pk) or writers[pk] != self.written.get(self.directory.by_pk[pk].serial)]
        if not stale:
            return
        stored = state.states_read(stale)
        for pk in stale:
            serial = self.directory.by_pk[pk].serial
            self.written.pop(serial, None)
            data = stored.get(pk) or {}
            if not state.loadable(data):
                self.engine.devices.pop(serial, None)
                continue
            try:
                orphans = self.engine.load_device(serial, data)
            except (ValueError, TypeError, KeyError) as error:
                log.error("engine state of %s unreadable, starting afresh: %s", serial, error)
                self.engine.devices.pop(serial, None)
                continue
            if orphans and alarms_close_unknown is not None:
                from safecity.telemetry.models import Device

                alarms_close_unknown(device=Device.objects.get(pk=pk), rule_ids=orphans, at=timezone.now())

    def _apply(self, events: list[Event]) -> None:
        if not events or alarms_apply is None:
            return
        alarms_apply(events, devices={e.device_id: self.directory.by_serial[e.device_id].pk for e in events})

    def forget(self, serials: set[str]) -> None:
        """Drop what this process remembers of these devices (their rules changed): the next batch
        reloads their state and rebinds it to the current rules."""
        for serial in serials:
            self.written.pop(serial, None)
            self.engine.devices.pop(serial, None)

    def _housekeeping(self, now: datetime) -> None:
        changed = self.directory.refresh()
        if changed:
            self.forget(changed)
        if time.monotonic() - self.partitions_checked > 3600:
            storage.partitions_ensure(now)
            self.partitions_checked = time.monotonic()

    # --- the absence tick ----------------------------------------------------------------------

    def tick(self, now: float | None = None) -> int:
        """Fire the absence rules of devices silent for their ``after_s`` (one process at a time);
        returns the number of events. Loads the due states fresh from the database into an engine
        of its own, so it never trusts this process's memory of a device another worker moved on."""
        now = time.time() if now is None else now
        self.directory.refresh()
        with transaction.atomic():
            if not state.tick_lock():
                return 0
            self._watch_never_reported()
            due = state.states_due(now)
            if not due:
                return 0
            engine = Engine(self.directory.rules_for, max_future_s=self.engine.max_future_s)
            loaded: list[tuple[int, str]] = []
            for pk, data in due:
                info = self.directory.by_pk.get(pk)
                if info is None or not info.active or not state.loadable(data):
                    continue
                try:
                    engine.load_device(info.serial, data)
                except (ValueError, TypeError, KeyError):
                    continue
                loaded.append((pk, info.serial))
            events = engine.tick(now)
            self._apply(events)
            self.batch_no += 1
            writer = f"{self.ident}:t{self.batch_no}"
            state.states_write(
                (pk, state.state_data(engine, serial, writer), self.directory.rules_key(serial)) for pk, serial in loaded
            )
        for _pk, serial in loaded:
            self.written.pop(serial, None)
        self.stats.events += len(events)
        return len(events)

    def _watch_never_reported(self, limit: int = 5000) -> None:
        """Start the absence clock of active devices that have never reported, from their
        registration: a tracker fitted and never switched on is offline too. Writes them a state row
        (``Engine.expect``), which ``states_due`` then treats like any other."""
        from safecity.telemetry.choices import DeviceStatus
        from safecity.telemetry.models import Device

        silent = list(
            Device.objects.filter(status=DeviceStatus.ACTIVE, rule_set__isnull=False, engine_state__isnull=True)
            .order_by("pk")
            .values_list("pk", "serial", "created_at")[:limit]
        )
        if not silent:
            return
        engine = Engine(self.directory.rules_for, max_future_s=self.engine.max_future_s)
        self.batch_no += 1
        writer = f"{self.ident}:w{self.batch_no}"
        rows: list[tuple[int, str]] = []
        for pk, serial, created_at in silent:
            info = self.directory.by_pk.get(pk)
            if info is None or not info.active:
                continue
            engine.expect(serial, since=created_at.timestamp())
            if engine.devices[serial].absence:
                rows.append((pk, serial))
        if not rows:
            return
        state.states_ensure([pk for pk, _serial in rows])
        state.states_write(
            (pk, state.state_data(engine, serial, writer), self.directory.rules_key(serial)) for pk, serial in rows
        )
        for _pk, serial in rows:
            self.written.pop(serial, None)

    # --- refusal counters ----------------------------------------------------------------------

    def _count_refusals(self, outcomes: Sequence[Outcome | None], now: datetime) -> None:
        day = timezone.localdate(now)
        self._batch_counts = Counter()
        for outcome in outcomes:
            if outcome is not None and outcome.status == "refused":
                self._batch_counts[(day, outcome.reason)] += 1
                self.pending_detail[(day, outcome.reason)] = outcome.detail
        self.pending.update(self._batch_counts)

    def _flush_counters(self) -> None:
        if not self.pending:
            return
        from safecity.telemetry.models import IngestCounter

        table = IngestCounter._meta.db_table
        with connection.cursor() as cursor:
            for (day, reason), count in sorted(self.pending.items()):
                cursor.execute(
                    f"INSERT INTO {table} (day, reason, count, last_detail) VALUES (%s, %s, %s, %s) "
                    f"ON CONFLICT (day, reason) DO UPDATE SET count = {table}.count + excluded.count, "
                    "last_detail = excluded.last_detail",
                    [connection.ops.adapt_datefield_value(day), reason, count, self.pending_detail.get((day, reason), "")[:300]],
                )

    def pending_committed(self) -> None:
        for key, count in self.pending.items():
            self.stats.refused[key[1]] += count
        self.pending.clear()
        self.pending_detail.clear()
        self._batch_counts = Counter()

    def pending_restore(self) -> None:
        # This batch's refusals will be counted again when the batch is retried; earlier ones stay.
        self.pending.subtract(self._batch_counts)
        self.pending = +self.pending
        self._batch_counts = Counter()

    def _log_refusals(self, outcomes: Sequence[Outcome]) -> None:
        logged = 0
        for outcome in outcomes:
            if outcome.status != "refused":
                continue
            if logged < LOGGED_REFUSALS_PER_BATCH:
                log.warning("refused (%s): %s", outcome.reason, outcome.detail)
            logged += 1
        if logged > LOGGED_REFUSALS_PER_BATCH:
            log.warning("refused %d more messages in this batch (counted per reason)", logged - LOGGED_REFUSALS_PER_BATCH)

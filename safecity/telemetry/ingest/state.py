# ruff: noqa: S608  (the SQL is built from this module's constant table and column names and placeholders only; no input)
"""The rule engine's per-device state in the database, shared by every ingest process.

Why: MQTT v5 shared subscriptions hand each message to any one of the workers, so consecutive
readings of one device land in different processes (and the HTTP endpoint is yet another). The
engine's state of a device must therefore be *one* state, not one per process. The design:

- ``EngineState`` holds each device's state (``Engine.dump_device``) plus ``writer``: a token
  naming the process and batch that wrote it last, and ``due``: the receive time at which its
  first absence rule would fire (so the clock tick finds silent devices with one indexed-free scan
  instead of loading every state).
- A batch transaction, after inserting its readings, locks the state rows of the devices it has
  new readings of (``SELECT ... ORDER BY device_id FOR UPDATE``: one fixed order, so two workers
  wait for each other instead of deadlocking), compares each row's ``writer`` with the token this
  process wrote last, reloads only the rows someone else wrote since (``load_device``), evaluates,
  writes the states back with a new token, and commits with the readings and the alarms. A device's
  evaluation is thus serialised across workers, and each worker starts from the state the previous
  one left.
- A process that cannot tell whether its memory matches the database (a failed transaction, a rule
  change) forgets its token for that device and reloads.

SQLite (the demo) has one writer at a time (IMMEDIATE transactions), so plain reads suffice there.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.db import connection
from django.utils import timezone

from safecity.telemetry.rules import AbsenceRule, Engine

TABLE = "telemetry_enginestate"


def _pg() -> bool:
    return connection.vendor == "postgresql"


def states_ensure(device_pks: Sequence[int]) -> None:
    """Create the missing state rows (empty) so they can be locked; sorted, so two creators of the
    same rows queue in the same order."""
    if not device_pks:
        return
    now = timezone.now()
    with connection.cursor() as cursor:
        if _pg():
            cursor.execute(
                f"INSERT INTO {TABLE} (device_id, data, rules_version, updated_at) "
                "SELECT d, '{}'::jsonb, '', %s FROM unnest(%s::bigint[]) AS d ORDER BY d ON CONFLICT DO NOTHING",
                [now, sorted(device_pks)],
            )
        else:
            stamp = connection.ops.adapt_datetimefield_value(now)
            cursor.executemany(
                f"INSERT INTO {TABLE} (device_id, data, rules_version, updated_at) VALUES (%s, '{{}}', '', %s) "
                "ON CONFLICT DO NOTHING",
                [(pk, stamp) for pk in sorted(device_pks)],
            )


def states_lock(device_pks: Sequence[int]) -> dict[int, str]:
    """Lock the state rows of ``device_pks`` in pk order; returns each row's writer token."""
    if not device_pks:
        return {}
    with connection.cursor() as cursor:
        if _pg():
            cursor.execute(
                f"SELECT device_id, coalesce(data->>'writer', '') FROM {TABLE} "
                "WHERE device_id = ANY(%s) ORDER BY device_id FOR UPDATE",
                [list(device_pks)],
            )
            return {int(pk): writer for pk, writer in cursor.fetchall()}
        found: dict[int, str] = {}
        for chunk in _chunks(list(device_pks), 500):
            marks = ",".join(["%s"] * len(chunk))
            cursor.execute(
                f"SELECT device_id, coalesce(json_extract(data, '$.writer'), '') FROM {TABLE} WHERE device_id IN ({marks})",
                chunk,
            )
            found.update({int(pk): str(writer) for pk, writer in cursor.fetchall()})
        return found


def states_read(device_pks: Sequence[int]) -> dict[int, dict[str, Any]]:
    """The stored state data of ``device_pks`` (already locked by the caller)."""
    if not device_pks:
        return {}
    found: dict[int, dict[str, Any]] = {}
    with connection.cursor() as cursor:
        for chunk in _chunks(list(device_pks), 500):
            if _pg():
                cursor.execute(f"SELECT device_id, data FROM {TABLE} WHERE device_id = ANY(%s)", [chunk])
            else:
                marks = ",".join(["%s"] * len(chunk))
                cursor.execute(f"SELECT device_id, data FROM {TABLE} WHERE device_id IN ({marks})", chunk)
            for pk, data in cursor.fetchall():
                found[int(pk)] = json.loads(data) if isinstance(data, str | bytes) else (data or {})
    return found


def states_write(rows: Iterable[tuple[int, dict[str, Any], str]]) -> None:
    """Write (device pk, state data, rules key) rows back."""
    rows = list(rows)
    if not rows:
        return
    now = timezone.now()
    if _pg():
        # One JSON document as the only parameter: psycopg's text-array quoting of thousands of
        # JSON strings costs more than the UPDATE itself. And sent as a bound parameter, not
        # quoted into the statement as Django's client-side binding cursor would (a full pass over
        # some 300 KB per batch in Python).
        document = json.dumps([{"device_id": pk, "data": data, "rules_version": key} for pk, data, key in rows])
        with _bound_cursor() as cursor:
            cursor.execute(
                f"UPDATE {TABLE} AS s SET data = v.data, rules_version = v.rules_version, updated_at = %s "
                "FROM jsonb_to_recordset(%s::jsonb) AS v(device_id bigint, data jsonb, rules_version text) "
                "WHERE s.device_id = v.device_id",
                [now, document],
            )
        return
    stamp = connection.ops.adapt_datetimefield_value(now)
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {TABLE} SET data = %s, rules_version = %s, updated_at = %s WHERE device_id = %s",
            [(json.dumps(data), key, stamp, pk) for pk, data, key in rows],
        )


def _bound_cursor() -> Any:
    """A psycopg cursor on Django's connection (so inside its transaction) that sends parameters
    separately from the statement (server-side binding); PostgreSQL only."""
    import psycopg

    connection.ensure_connection()
    return psycopg.Cursor(connection.connection)


def states_due(now: float, *, limit: int = 5000) -> list[tuple[int, dict[str, Any]]]:
    """Lock and return the states whose absence clock has run out by ``now`` (receive time).
    Rows a batch holds right now are skipped: that device is reporting, so it is not absent."""
    with connection.cursor() as cursor:
        if _pg():
            cursor.execute(
                f"SELECT device_id, data FROM {TABLE} WHERE (data->>'due')::float8 <= %s "
                "ORDER BY device_id LIMIT %s FOR UPDATE SKIP LOCKED",
                [now, limit],
            )
        else:
            cursor.execute(
                f"SELECT device_id, data FROM {TABLE} WHERE json_extract(data, '$.due') <= %s ORDER BY device_id LIMIT %s",
                [now, limit],
            )
        return [(int(pk), json.loads(data) if isinstance(data, str | bytes) else data) for pk, data in cursor.fetchall()]


def tick_lock() -> bool:
    """Whether this transaction may run the absence tick: one process at a time (a PostgreSQL
    advisory lock held to the end of the transaction; SQLite's write lock does the same)."""
    if not _pg():
        return True
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [TICK_LOCK_KEY])
        return bool(cursor.fetchone()[0])


TICK_LOCK_KEY = 0x5AFEC17E  # arbitrary, unique in this database


def state_data(engine: Engine, serial: str, writer: str) -> dict[str, Any]:
    """The JSON written for a device: the engine's dump plus the writer token and the absence due time."""
    # A rule at rest (closed, no pending condition, no samples) is what load_device makes of a
    # missing entry: leaving it out halves the row the next batch locks, writes and reads.
    data = engine.dump_device(serial, at_rest=False) or {}
    data["writer"] = writer
    data["due"] = absence_due(engine, serial)
    return data


def absence_due(engine: Engine, serial: str) -> float | None:
    dev = engine.devices.get(serial)
    if dev is None or dev.last_received is None:
        return None
    due = [dev.last_received + rule.after_s for rule, state in dev.absence if isinstance(rule, AbsenceRule) and not state.open]
    return min(due) if due else None


def loadable(data: Mapping[str, Any]) -> bool:
    """A stored state that ``Engine.load_device`` accepts (an empty row is a device never evaluated)."""
    return bool(data) and "version" in data


def _chunks(items: list[int], size: int) -> Iterable[list[int]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]

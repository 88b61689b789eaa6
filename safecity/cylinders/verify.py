"""The cylinders' cross-check for ``safecity ledger verify`` (registered in the AppConfig).

The ledger proves what was signed; this check proves that the cylinder tables still say the same:

(a) every cylinder event and every refusal recorded on the ledger equals its statement: kind,
    subject (the code), organisation, time, idempotency key, key and every body field;
(b) every ``cylinders.*`` ledger entry has its row;
(c) each cylinder's current state and facts equal the replay of its signed events (and its
    registry fields equal the signed registration).

Each problem is one line naming the row and the log index, e.g. "cylinder event 12 (log index 40):
net_kg 9.9 differs from the signed 14.6".
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from safecity.cylinders.choices import EventKind
from safecity.cylinders.models import Cylinder, CylinderEvent, FillAttempt
from safecity.cylinders.services.common import KIND_PREFIX, REFUSAL_KIND, apply_event, rfc3339
from safecity.cylinders.services.registry import registration_body
from safecity.cylinders.transitions import next_state
from safecity.ledger.models import LogEntry
from safecity.ledger.selectors import statements_at
from safecity.ledger.services import Statement

CHUNK = 2000
FACTS = [
    "state",
    "last_event_at",
    "next_inspection_on",
    "scrap_on",
    "last_inspected_on",
    "last_inspection_result",
    "scrapped_on",
    "code_voided",
]
# Registry fields fixed at registration (the dates are facts, replayed below).
REGISTRY_FIELDS = [
    "serial_number",
    "manufacturer",
    "manufactured_on",
    "medium",
    "model",
    "nominal_pressure_mpa",
    "volume_l",
    "wall_thickness_mm",
    "product_standard",
    "owner_id",
]


DECIMAL_FIELDS = ["nominal_pressure_mpa", "volume_l", "wall_thickness_mm"]


def _same_number(a: Any, b: Any) -> bool:
    try:
        return Decimal(str(a)) == Decimal(str(b))
    except (InvalidOperation, ValueError):
        return False


def _show(value: Any) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def _diff(row: dict[str, Any], signed: dict[str, Any], prefix: str = "") -> Iterator[str]:
    """One text per field whose row value differs from the signed one."""
    for key in sorted(set(row) | set(signed)):
        name = f"{prefix}{key}"
        if key not in signed:
            yield f"{name} {_show(row[key])} is not in the signed statement"
        elif key not in row:
            yield f"{name} is missing (signed: {_show(signed[key])})"
        elif row[key] != signed[key]:
            yield f"{name} {_show(row[key])} differs from the signed {_show(signed[key])}"


def _statements(indexes: list[int]) -> dict[int, Statement]:
    found: dict[int, Statement] = {}
    for start in range(0, len(indexes), CHUNK):
        found.update(statements_at(indexes[start : start + CHUNK]))
    return found


def _parse(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)


def check_events(signed: dict[int, Statement]) -> Iterator[str]:
    rows = CylinderEvent.objects.values(
        "id", "cylinder__code", "kind", "organisation_id", "occurred_at", "data", "ledger_index", "idempotency_key", "key_id"
    ).order_by("ledger_index")
    for row in rows.iterator(chunk_size=CHUNK):
        label = f"cylinder event {row['id']} (log index {row['ledger_index']})"
        statement = signed.get(row["ledger_index"])
        if statement is None:
            yield f"{label}: no such ledger entry"
            continue
        header = {
            "kind": KIND_PREFIX + row["kind"],
            "subject": row["cylinder__code"],
            "organisation_id": row["organisation_id"],
            "signed_at": rfc3339(row["occurred_at"]),
            "idempotency_key": row["idempotency_key"],
            "key_id": row["key_id"],
        }
        actual = {k: getattr(statement, k) for k in header}
        problems = [*_diff(header, actual), *_diff(row["data"] or {}, statement.body or {}, "body.")]
        for problem in problems:
            yield f"{label}: {problem}"


def check_attempts(signed: dict[int, Statement]) -> Iterator[str]:
    rows = FillAttempt.objects.filter(ledger_index__isnull=False).values(
        "id", "code", "station_id", "cylinder_id", "attempted_at", "allowed", "reasons", "ledger_index", "idempotency_key"
    )
    for row in rows.iterator(chunk_size=CHUNK):
        label = f"fill attempt {row['id']} (log index {row['ledger_index']})"
        statement = signed.get(row["ledger_index"])
        if statement is None:
            yield f"{label}: no such ledger entry"
            continue
        if row["allowed"]:
            yield f"{label}: recorded as allowed, but the signed statement is a refusal"
        header = {
            "kind": REFUSAL_KIND,
            "subject": row["code"],
            "organisation_id": row["station_id"],
            "signed_at": rfc3339(row["attempted_at"]),
            "idempotency_key": row["idempotency_key"],
        }
        body = {
            "station_id": row["station_id"],
            "registered": row["cylinder_id"] is not None,
            "reasons": [r.get("code", "") for r in row["reasons"] or []],
        }
        actual = {k: getattr(statement, k) for k in header}
        for problem in [*_diff(header, actual), *_diff(body, statement.body or {}, "body.")]:
            yield f"{label}: {problem}"


def check_replay(signed: dict[int, Statement]) -> Iterator[str]:
    """Replay each cylinder's signed events (in log order) and compare with its current facts."""
    by_cylinder: dict[int, list[tuple[int, str, str, str]]] = defaultdict(list)
    for cylinder_id, index, kind, from_state, to_state in (
        CylinderEvent.objects.order_by("ledger_index").values_list(
            "cylinder_id", "ledger_index", "kind", "from_state", "to_state"
        )
    ).iterator(chunk_size=CHUNK):
        by_cylinder[cylinder_id].append((index, kind, from_state, to_state))
    for cylinder in Cylinder.objects.order_by("pk").iterator(chunk_size=CHUNK):
        label = f"cylinder {cylinder.code}"
        events = by_cylinder.get(cylinder.pk, [])
        if not events:
            yield f"{label}: no events (not even its registration)"
            continue
        shadow = Cylinder(
            code=cylinder.code, manufactured_on=cylinder.manufactured_on, medium=cylinder.medium, owner_id=cylinder.owner_id
        )
        state = ""
        for index, kind, from_state, to_state in events:
            statement = signed.get(index)
            if statement is None:
                break  # already reported by check_events
            body = statement.body or {}
            target = next_state(state, kind, body.get("result"))
            if target is None:
                yield f"{label} (log index {index}): {kind} cannot follow state {state or 'none'}"
                break
            if (from_state, to_state) != (state, target):
                yield f"{label} (log index {index}): the row says {from_state or 'none'} → {to_state}, the replay {state or 'none'} → {target}"
            if kind == EventKind.REGISTRATION:
                current = registration_body(cylinder)
                registered = {k: body.get(k) for k in REGISTRY_FIELDS}
                for name in DECIMAL_FIELDS:  # 2.10 from the database is the signed 2.1
                    if _same_number(current[name], registered[name]):
                        current[name] = registered[name]
                for problem in _diff({k: current[k] for k in REGISTRY_FIELDS}, registered):
                    yield f"{label}: {problem.replace('the signed', 'the signed registration')}"
            apply_event(shadow, kind, body, target, _parse(statement.signed_at))
            state = target
        else:
            for name in FACTS:
                now, replayed = getattr(cylinder, name), getattr(shadow, name)
                if now != replayed:
                    yield f"{label}: {name} {_show(now)} differs from the replay of its signed events ({_show(replayed)})"


def cylinders_verify() -> Iterator[str]:
    """Every problem found by (a), (b) and (c) (registered with ``register_verifier``)."""
    entries = dict(LogEntry.objects.filter(kind__startswith=KIND_PREFIX).values_list("index", "kind"))
    event_indexes = set(CylinderEvent.objects.values_list("ledger_index", flat=True))
    attempt_indexes = set(FillAttempt.objects.filter(ledger_index__isnull=False).values_list("ledger_index", flat=True))
    signed = _statements(sorted(entries.keys() | event_indexes | attempt_indexes))
    yield from check_events(signed)
    yield from check_attempts(signed)
    for index in sorted(entries.keys() - event_indexes - attempt_indexes):
        yield f"ledger entry {index} ({entries[index]}): no cylinder event or fill attempt records it"
    yield from check_replay(signed)

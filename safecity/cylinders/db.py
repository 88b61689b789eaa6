"""Cylinder events and fill attempts are append-only in the database, like the ledger itself.

Triggers refuse DELETE and any UPDATE that changes a recorded value; the only change let through
is ``person_id`` becoming NULL (``on_delete=SET_NULL`` when a person is erased). The way around
them is the ledger's own, reused here: :func:`safecity.ledger.db.ledger_maintenance` (the SQLite
function ``safecity_ledger_maintenance()`` registered by the ledger app on every connection; on
PostgreSQL ``flush`` uses TRUNCATE and the context disables triggers for a deliberate tampering test).
"""

from __future__ import annotations

from typing import Any

# (table, the columns whose value is fixed once written)
PROTECTED: dict[str, list[str]] = {
    "cylinders_cylinderevent": [
        "id",
        "created_at",
        "updated_at",
        "cylinder_id",
        "kind",
        "organisation_id",
        "occurred_at",
        "from_state",
        "to_state",
        "data",
        "private",
        "ledger_index",
        "idempotency_key",
        "key_id",
    ],
    "cylinders_fillattempt": [
        "id",
        "created_at",
        "updated_at",
        "station_id",
        "cylinder_id",
        "code",
        "attempted_at",
        "allowed",
        "reasons",
        "ledger_index",
        "idempotency_key",
    ],
}


def _msg(table: str, op: str) -> str:
    return f"cylinders: {table} is append-only: {op} refused"


def sqlite_sql() -> list[str]:
    guard = "safecity_ledger_maintenance() = 0"
    sql = []
    for table, columns in PROTECTED.items():
        changed = " OR ".join(f'NEW."{c}" IS NOT OLD."{c}"' for c in columns)
        sql.append(
            f"CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table} WHEN {guard} AND ({changed}) "
            f"BEGIN SELECT RAISE(ABORT, '{_msg(table, 'UPDATE')}'); END;"
        )
        sql.append(
            f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} WHEN {guard} "
            f"BEGIN SELECT RAISE(ABORT, '{_msg(table, 'DELETE')}'); END;"
        )
    return sql


def sqlite_reverse_sql() -> list[str]:
    return [f"DROP TRIGGER IF EXISTS {t}_no_{op};" for t in PROTECTED for op in ("update", "delete")]


def postgresql_sql() -> list[str]:
    sql = []
    for table, columns in PROTECTED.items():
        old = ", ".join(f'OLD."{c}"::text' for c in columns)
        new = ", ".join(f'NEW."{c}"::text' for c in columns)
        sql.append(
            f"""
CREATE FUNCTION {table}_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    RAISE EXCEPTION 'cylinders: % is append-only: DELETE refused', TG_TABLE_NAME
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  IF ROW({new}) IS DISTINCT FROM ROW({old}) THEN
    RAISE EXCEPTION 'cylinders: % is append-only: UPDATE refused', TG_TABLE_NAME
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN NEW;
END $$;
"""
        )
        sql.append(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION {table}_refuse();"
        )
    return sql


def postgresql_reverse_sql() -> list[str]:
    out = []
    for table in PROTECTED:
        out.append(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table};")
        out.append(f"DROP FUNCTION IF EXISTS {table}_refuse();")
    return out


def install_triggers(apps: Any, schema_editor: Any) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        from safecity.ledger.db import register_sqlite_function

        register_sqlite_function(None, schema_editor.connection)
        statements = sqlite_sql()
    elif vendor == "postgresql":
        statements = postgresql_sql()
    else:
        return
    for statement in statements:
        schema_editor.execute(statement, params=None)


def remove_triggers(apps: Any, schema_editor: Any) -> None:
    vendor = schema_editor.connection.vendor
    statements = sqlite_reverse_sql() if vendor == "sqlite" else postgresql_reverse_sql() if vendor == "postgresql" else []
    for statement in statements:
        schema_editor.execute(statement, params=None)

"""The audit trail is append-only in the database: triggers, and the two explicit ways around them.

The triggers refuse UPDATE and DELETE of audit entries, of their chain links and of the sealed
segments, for every writer (the ORM, raw SQL, the admin, psql) — as the ledger's do (ADR 0005).

The ways around them:
- ``safecity audit prune`` deletes whole sealed segments' entries and links past the retention
  (never a segment row): inside :func:`audit_prune_window` — SQLite: the function
  ``safecity_audit_prune()`` returns 1; PostgreSQL: the transaction-local setting
  ``safecity.audit_prune = on``. Only DELETE is let through, never UPDATE.
- Wiping a database (``flush``) and deliberate tampering tests use the ledger's
  :func:`safecity.ledger.db.ledger_maintenance` (SQLite: ``safecity_ledger_maintenance()``;
  PostgreSQL: ``flush`` uses TRUNCATE, which row triggers do not see).

Anyone with the rights to drop a trigger or set the prune flag can still rewrite rows: that is why
the trail is also chained, sealed and anchored in the ledger (:mod:`safecity.core.audit_chain`),
so ``safecity audit verify`` finds what the triggers cannot stop.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections

_pruning: contextvars.ContextVar[bool] = contextvars.ContextVar("safecity_audit_prune", default=False)

# table -> whether a prune may delete its rows
TABLES = {"core_auditentry": True, "core_auditlink": True, "core_auditsegment": False}


def _flag() -> int:
    return 1 if _pruning.get() else 0


def register_sqlite_function(sender: Any, connection: Any, **kwargs: Any) -> None:
    """connection_created receiver: give each SQLite connection the prune function."""
    if connection.vendor == "sqlite":
        connection.connection.create_function("safecity_audit_prune", 0, _flag)


@contextmanager
def audit_prune_window(using: str = DEFAULT_DB_ALIAS) -> Iterator[None]:
    """Let DELETE of audit entries and links through for the block (``safecity audit prune`` only).
    Must be used inside a transaction: on PostgreSQL the flag is ``SET LOCAL``."""
    token = _pruning.set(True)
    connection = connections[using]
    try:
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL safecity.audit_prune = 'on'")
        yield
    finally:
        if connection.vendor == "postgresql":
            # SET LOCAL ends with the transaction anyway; an aborted one refuses every statement
            # (the error that aborted it is the one to report).
            with contextlib.suppress(DatabaseError), connection.cursor() as cursor:
                cursor.execute("SET LOCAL safecity.audit_prune = 'off'")
        _pruning.reset(token)


def _msg(table: str, what: str) -> str:
    return f"audit: {table} is append-only: {what} refused"


def sqlite_sql() -> list[str]:
    sql = []
    guard = "safecity_ledger_maintenance() = 0"
    for table, prunable in TABLES.items():
        sql.append(
            f"CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table} WHEN {guard} "
            f"BEGIN SELECT RAISE(ABORT, '{_msg(table, 'UPDATE')}'); END;"
        )
        delete_guard = f"{guard} AND safecity_audit_prune() = 0" if prunable else guard
        sql.append(
            f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} WHEN {delete_guard} "
            f"BEGIN SELECT RAISE(ABORT, '{_msg(table, 'DELETE')}'); END;"
        )
    return sql


def sqlite_reverse_sql() -> list[str]:
    return [f"DROP TRIGGER IF EXISTS {t}_no_{op};" for t in TABLES for op in ("update", "delete")]


def postgresql_sql() -> list[str]:
    sql = [
        """
CREATE FUNCTION core_audit_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' AND TG_ARGV[0] = 'prunable'
     AND coalesce(current_setting('safecity.audit_prune', true), '') = 'on' THEN
    RETURN OLD;
  END IF;
  RAISE EXCEPTION 'audit: % is append-only: % refused', TG_TABLE_NAME, TG_OP
    USING ERRCODE = 'insufficient_privilege';
END $$;
"""
    ]
    for table, prunable in TABLES.items():
        arg = "prunable" if prunable else "fixed"
        sql.append(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION core_audit_refuse('{arg}');"
        )
    return sql


def postgresql_reverse_sql() -> list[str]:
    drops = [f"DROP TRIGGER IF EXISTS {t}_append_only ON {t};" for t in TABLES]
    return [*drops, "DROP FUNCTION IF EXISTS core_audit_refuse();"]


def install_triggers(apps: Any, schema_editor: Any) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        from safecity.ledger.db import register_sqlite_function as ledger_function

        # The migration's own connection may predate the receivers (first connection of the run).
        ledger_function(None, schema_editor.connection)
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

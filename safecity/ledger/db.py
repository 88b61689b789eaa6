"""Append-only in the database: the triggers, and the one explicit way around them.

The triggers refuse UPDATE and DELETE of log entries, checkpoints and cosignatures, refuse any
change to a tile other than growing it (the new hashes start with the old ones), and refuse to
shrink or delete the log head. They fire for every writer: the ORM, raw SQL, the admin, psql.

Maintenance (wiping a test database with ``flush``, a deliberate tampering test) goes through
:func:`ledger_maintenance`:
- SQLite: the triggers call ``safecity_ledger_maintenance()``, a function registered on every
  connection that returns 1 only inside the context. A connection without the function (the
  sqlite3 shell) fails the trigger, i.e. refuses too.
- PostgreSQL: ``flush`` uses TRUNCATE, which row triggers do not see; for a tampering test the
  context sets ``session_replication_role = replica`` (superuser only), which disables triggers.
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections

_maintenance: contextvars.ContextVar[bool] = contextvars.ContextVar("safecity_ledger_maintenance", default=False)

APPEND_ONLY = ("ledger_logentry", "ledger_checkpoint", "ledger_cosignature")


def _flag() -> int:
    return 1 if _maintenance.get() else 0


def register_sqlite_function(sender: Any, connection: Any, **kwargs: Any) -> None:
    """connection_created receiver: give each SQLite connection the maintenance function."""
    if connection.vendor == "sqlite":
        connection.connection.create_function("safecity_ledger_maintenance", 0, _flag)


@contextmanager
def ledger_maintenance(using: str = DEFAULT_DB_ALIAS) -> Iterator[None]:
    """Let UPDATE/DELETE of ledger rows through for the block (flush, tests). Never in the app."""
    token = _maintenance.set(True)
    connection = connections[using]
    replica = False
    try:
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET session_replication_role = replica")
            replica = True
        yield
    finally:
        if replica:
            with connection.cursor() as cursor:
                cursor.execute("SET session_replication_role = DEFAULT")
        _maintenance.reset(token)


def _msg(table: str, what: str) -> str:
    return f"ledger: {table} is append-only: {what} refused"


def sqlite_sql() -> list[str]:
    sql = []
    guard = "WHEN safecity_ledger_maintenance() = 0"
    for table in APPEND_ONLY:
        for op in ("UPDATE", "DELETE"):
            sql.append(
                f"CREATE TRIGGER {table}_no_{op.lower()} BEFORE {op} ON {table} {guard} "
                f"BEGIN SELECT RAISE(ABORT, '{_msg(table, op)}'); END;"
            )
    sql.append(
        "CREATE TRIGGER ledger_tile_grow_only BEFORE UPDATE ON ledger_tile "
        f'{guard} AND NOT (NEW.level = OLD.level AND NEW."index" = OLD."index" '
        "AND length(NEW.hashes) > length(OLD.hashes) AND substr(NEW.hashes, 1, length(OLD.hashes)) = OLD.hashes) "
        f"BEGIN SELECT RAISE(ABORT, '{_msg('ledger_tile', 'a change other than growing a tile')}'); END;"
    )
    sql.append(
        f"CREATE TRIGGER ledger_tile_no_delete BEFORE DELETE ON ledger_tile {guard} "
        f"BEGIN SELECT RAISE(ABORT, '{_msg('ledger_tile', 'DELETE')}'); END;"
    )
    sql.append(
        f"CREATE TRIGGER ledger_loghead_no_shrink BEFORE UPDATE ON ledger_loghead {guard} "
        "AND NEW.tree_size < OLD.tree_size "
        f"BEGIN SELECT RAISE(ABORT, '{_msg('ledger_loghead', 'shrinking the log')}'); END;"
    )
    sql.append(
        f"CREATE TRIGGER ledger_loghead_no_delete BEFORE DELETE ON ledger_loghead {guard} "
        f"BEGIN SELECT RAISE(ABORT, '{_msg('ledger_loghead', 'DELETE')}'); END;"
    )
    return sql


def sqlite_reverse_sql() -> list[str]:
    names = [f"{t}_no_{op}" for t in APPEND_ONLY for op in ("update", "delete")]
    names += ["ledger_tile_grow_only", "ledger_tile_no_delete", "ledger_loghead_no_shrink", "ledger_loghead_no_delete"]
    return [f"DROP TRIGGER IF EXISTS {n};" for n in names]


def postgresql_sql() -> list[str]:
    return [
        """
CREATE FUNCTION ledger_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'ledger: % is append-only: % refused', TG_TABLE_NAME, TG_OP
    USING ERRCODE = 'insufficient_privilege';
END $$;
""",
        """
CREATE FUNCTION ledger_tile_grow_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    RAISE EXCEPTION 'ledger: ledger_tile is append-only: DELETE refused' USING ERRCODE = 'insufficient_privilege';
  END IF;
  IF NEW.level <> OLD.level OR NEW.index <> OLD.index OR length(NEW.hashes) <= length(OLD.hashes)
     OR substring(NEW.hashes FROM 1 FOR length(OLD.hashes)) <> OLD.hashes THEN
    RAISE EXCEPTION 'ledger: ledger_tile is append-only: a change other than growing a tile refused'
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN NEW;
END $$;
""",
        """
CREATE FUNCTION ledger_head_no_shrink() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' OR NEW.tree_size < OLD.tree_size THEN
    RAISE EXCEPTION 'ledger: ledger_loghead is append-only: shrinking or deleting the log refused'
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN NEW;
END $$;
""",
        *[
            f"CREATE TRIGGER {t}_append_only BEFORE UPDATE OR DELETE ON {t} FOR EACH ROW EXECUTE FUNCTION ledger_refuse();"
            for t in APPEND_ONLY
        ],
        "CREATE TRIGGER ledger_tile_grow_only BEFORE UPDATE OR DELETE ON ledger_tile "
        "FOR EACH ROW EXECUTE FUNCTION ledger_tile_grow_only();",
        "CREATE TRIGGER ledger_loghead_no_shrink BEFORE UPDATE OR DELETE ON ledger_loghead "
        "FOR EACH ROW EXECUTE FUNCTION ledger_head_no_shrink();",
    ]


def postgresql_reverse_sql() -> list[str]:
    drops = [f"DROP TRIGGER IF EXISTS {t}_append_only ON {t};" for t in APPEND_ONLY]
    drops += [
        "DROP TRIGGER IF EXISTS ledger_tile_grow_only ON ledger_tile;",
        "DROP TRIGGER IF EXISTS ledger_loghead_no_shrink ON ledger_loghead;",
        "DROP FUNCTION IF EXISTS ledger_refuse();",
        "DROP FUNCTION IF EXISTS ledger_tile_grow_only();",
        "DROP FUNCTION IF EXISTS ledger_head_no_shrink();",
    ]
    return drops


def install_triggers(apps: Any, schema_editor: Any) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        # The migration's own connection may predate the receiver (first connection of the run).
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

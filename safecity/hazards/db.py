# ruff: noqa: S608  (the SQL is built from this module's constant table and column names only; no input)
"""What the hazard list needs on the row, kept true by the database for every writer.

The supervision list filters and scopes hidden hazards by the region of their enterprise. Read
through two joins (hazard -> enterprise -> region) that costs a count over every matching row at
1,000,000 hazards. So two things are stored and maintained by triggers, which fire for the ORM,
``QuerySet.update``, ``bulk_create``, raw SQL, COPY and psql alike:

- ``HiddenHazard.region_path``: the materialised path of the enterprise's region, set on every
  insert and on every update that changes the enterprise (or writes a stale path), and rewritten
  when an enterprise moves to another region or a region (with its subtree) moves in the tree.
- ``HazardTally``: the number of hazards per (region path, level, state), so the list's exact
  count for a region/level/state filter is a sum over a few hundred rows, not a scan of 100,000.

PostgreSQL: a BEFORE ROW trigger fills the path; statement-level triggers with transition tables
add up the tallies (one upsert per statement, so a 1,000,000-row COPY costs one GROUP BY).
SQLite: row triggers do both (no statement triggers there). Migrations that rebuild a table on
SQLite drop its triggers, so :func:`install` also runs after every ``migrate`` (apps.py).
"""

from __future__ import annotations

from typing import Any

HAZARD = "hazards_hiddenhazard"
TALLY = "hazards_hazardtally"
KEY = "region_path, level, state"
RESOLVED = (
    "COALESCE((SELECT r.path FROM core_organisation o JOIN core_region r ON r.id = o.region_id "
    "WHERE o.id = NEW.organisation_id), '')"
)

POSTGRESQL = [
    f"""
CREATE OR REPLACE FUNCTION hazards_region_path_fill() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND NEW.organisation_id = OLD.organisation_id AND NEW.region_path = OLD.region_path THEN
    RETURN NEW;
  END IF;
  NEW.region_path := {RESOLVED};
  RETURN NEW;
END $$;
""",
    f"DROP TRIGGER IF EXISTS hazards_region_path_fill ON {HAZARD};",
    f"CREATE TRIGGER hazards_region_path_fill BEFORE INSERT OR UPDATE ON {HAZARD} "
    "FOR EACH ROW EXECUTE FUNCTION hazards_region_path_fill();",
    f"""
CREATE OR REPLACE FUNCTION hazards_region_path_organisation() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE {HAZARD} SET region_path = COALESCE((SELECT path FROM core_region WHERE id = NEW.region_id), '')
   WHERE organisation_id = NEW.id;
  RETURN NULL;
END $$;
""",
    "DROP TRIGGER IF EXISTS hazards_region_path_organisation ON core_organisation;",
    "CREATE TRIGGER hazards_region_path_organisation AFTER UPDATE OF region_id ON core_organisation "
    "FOR EACH ROW WHEN (OLD.region_id IS DISTINCT FROM NEW.region_id) "
    "EXECUTE FUNCTION hazards_region_path_organisation();",
    f"""
CREATE OR REPLACE FUNCTION hazards_region_path_region() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE {HAZARD} h SET region_path = NEW.path FROM core_organisation o
   WHERE o.region_id = NEW.id AND h.organisation_id = o.id;
  RETURN NULL;
END $$;
""",
    "DROP TRIGGER IF EXISTS hazards_region_path_region ON core_region;",
    "CREATE TRIGGER hazards_region_path_region AFTER UPDATE OF path ON core_region "
    "FOR EACH ROW WHEN (OLD.path IS DISTINCT FROM NEW.path) EXECUTE FUNCTION hazards_region_path_region();",
    # Tallies: the net change of each statement, upserted in key order (two writers never wait
    # for each other's rows in opposite orders).
    f"""
CREATE OR REPLACE FUNCTION hazards_tally_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO {TALLY} ({KEY}, n)
      SELECT {KEY}, count(*) FROM new_rows GROUP BY {KEY} ORDER BY {KEY}
      ON CONFLICT ({KEY}) DO UPDATE SET n = {TALLY}.n + EXCLUDED.n;
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO {TALLY} ({KEY}, n)
      SELECT {KEY}, -count(*) FROM old_rows GROUP BY {KEY} ORDER BY {KEY}
      ON CONFLICT ({KEY}) DO UPDATE SET n = {TALLY}.n + EXCLUDED.n;
  ELSE
    INSERT INTO {TALLY} ({KEY}, n)
      SELECT {KEY}, sum(d) FROM (
        SELECT {KEY}, -1 AS d FROM old_rows UNION ALL SELECT {KEY}, 1 AS d FROM new_rows
      ) AS changes GROUP BY {KEY} HAVING sum(d) <> 0 ORDER BY {KEY}
      ON CONFLICT ({KEY}) DO UPDATE SET n = {TALLY}.n + EXCLUDED.n;
  END IF;
  RETURN NULL;
END $$;
""",
    f"DROP TRIGGER IF EXISTS hazards_tally_insert ON {HAZARD};",
    f"CREATE TRIGGER hazards_tally_insert AFTER INSERT ON {HAZARD} REFERENCING NEW TABLE AS new_rows "
    "FOR EACH STATEMENT EXECUTE FUNCTION hazards_tally_change();",
    f"DROP TRIGGER IF EXISTS hazards_tally_update ON {HAZARD};",
    f"CREATE TRIGGER hazards_tally_update AFTER UPDATE ON {HAZARD} REFERENCING OLD TABLE AS old_rows "
    "NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION hazards_tally_change();",
    f"DROP TRIGGER IF EXISTS hazards_tally_delete ON {HAZARD};",
    f"CREATE TRIGGER hazards_tally_delete AFTER DELETE ON {HAZARD} REFERENCING OLD TABLE AS old_rows "
    "FOR EACH STATEMENT EXECUTE FUNCTION hazards_tally_change();",
    f"""
CREATE OR REPLACE FUNCTION hazards_tally_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM {TALLY};
  RETURN NULL;
END $$;
""",
    f"DROP TRIGGER IF EXISTS hazards_tally_truncate ON {HAZARD};",
    f"CREATE TRIGGER hazards_tally_truncate AFTER TRUNCATE ON {HAZARD} "
    "FOR EACH STATEMENT EXECUTE FUNCTION hazards_tally_truncate();",
]

POSTGRESQL_REMOVE = [
    f"DROP TRIGGER IF EXISTS hazards_region_path_fill ON {HAZARD};",
    "DROP TRIGGER IF EXISTS hazards_region_path_organisation ON core_organisation;",
    "DROP TRIGGER IF EXISTS hazards_region_path_region ON core_region;",
    f"DROP TRIGGER IF EXISTS hazards_tally_insert ON {HAZARD};",
    f"DROP TRIGGER IF EXISTS hazards_tally_update ON {HAZARD};",
    f"DROP TRIGGER IF EXISTS hazards_tally_delete ON {HAZARD};",
    f"DROP TRIGGER IF EXISTS hazards_tally_truncate ON {HAZARD};",
    "DROP FUNCTION IF EXISTS hazards_region_path_fill();",
    "DROP FUNCTION IF EXISTS hazards_region_path_organisation();",
    "DROP FUNCTION IF EXISTS hazards_region_path_region();",
    "DROP FUNCTION IF EXISTS hazards_tally_change();",
    "DROP FUNCTION IF EXISTS hazards_tally_truncate();",
]


def _sqlite_add(alias: str) -> str:
    return (
        f"INSERT OR IGNORE INTO {TALLY} ({KEY}, n) VALUES ({alias}.region_path, {alias}.level, {alias}.state, 0); "
        f"UPDATE {TALLY} SET n = n + 1 WHERE region_path = {alias}.region_path AND level = {alias}.level "
        f"AND state = {alias}.state;"
    )


def _sqlite_remove(alias: str) -> str:
    return (
        f"UPDATE {TALLY} SET n = n - 1 WHERE region_path = {alias}.region_path AND level = {alias}.level "
        f"AND state = {alias}.state;"
    )


SQLITE_TRIGGERS = {
    # Count the row as inserted, then fill its path: the fill is an UPDATE, and the update trigger
    # moves the count to the filled path.
    "hazards_hazard_insert": f"AFTER INSERT ON {HAZARD} BEGIN {_sqlite_add('NEW')} "
    f"UPDATE {HAZARD} SET region_path = {RESOLVED} WHERE id = NEW.id AND region_path IS NOT {RESOLVED}; END",
    "hazards_region_path_fill": f"AFTER UPDATE OF organisation_id, region_path ON {HAZARD} "
    f"WHEN NEW.region_path IS NOT {RESOLVED} BEGIN UPDATE {HAZARD} SET region_path = {RESOLVED} WHERE id = NEW.id; END",
    "hazards_tally_update": f"AFTER UPDATE ON {HAZARD} WHEN OLD.region_path IS NOT NEW.region_path "
    "OR OLD.level IS NOT NEW.level OR OLD.state IS NOT NEW.state "
    f"BEGIN {_sqlite_remove('OLD')} {_sqlite_add('NEW')} END",
    "hazards_tally_delete": f"AFTER DELETE ON {HAZARD} BEGIN {_sqlite_remove('OLD')} END",
    "hazards_region_path_organisation": "AFTER UPDATE OF region_id ON core_organisation "
    f"WHEN OLD.region_id IS NOT NEW.region_id BEGIN UPDATE {HAZARD} SET region_path = "
    "COALESCE((SELECT path FROM core_region WHERE id = NEW.region_id), '') WHERE organisation_id = NEW.id; END",
    "hazards_region_path_region": "AFTER UPDATE OF path ON core_region WHEN OLD.path IS NOT NEW.path "
    f"BEGIN UPDATE {HAZARD} SET region_path = NEW.path "
    "WHERE organisation_id IN (SELECT id FROM core_organisation WHERE region_id = NEW.id); END",
}


def _statements(vendor: str, *, remove: bool = False) -> list[str]:
    if vendor == "postgresql":
        return POSTGRESQL_REMOVE if remove else POSTGRESQL
    if vendor == "sqlite":
        drops = [f"DROP TRIGGER IF EXISTS {name};" for name in SQLITE_TRIGGERS]
        return drops if remove else drops + [f"CREATE TRIGGER {name} {body};" for name, body in SQLITE_TRIGGERS.items()]
    return []


def install(connection: Any) -> None:
    """(Re)create the triggers; idempotent."""
    with connection.cursor() as cursor:
        for statement in _statements(connection.vendor):
            cursor.execute(statement)


def rebuild(connection: Any) -> None:
    """Fill every hazard's path and recount the tallies from the rows (the migration; repairs)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"LOCK TABLE {HAZARD} IN SHARE ROW EXCLUSIVE MODE")
        cursor.execute(
            f"UPDATE {HAZARD} SET region_path = COALESCE((SELECT r.path FROM core_organisation o JOIN core_region r "
            f"ON r.id = o.region_id WHERE o.id = {HAZARD}.organisation_id), '')"
        )
        cursor.execute(f"DELETE FROM {TALLY}")
        cursor.execute(f"INSERT INTO {TALLY} ({KEY}, n) SELECT {KEY}, count(*) FROM {HAZARD} GROUP BY {KEY}")


def install_and_rebuild(apps: Any, schema_editor: Any) -> None:
    """Migration step: triggers first (so nothing written meanwhile escapes), then the backfill."""
    install(schema_editor.connection)
    rebuild(schema_editor.connection)


def remove(apps: Any, schema_editor: Any) -> None:
    with schema_editor.connection.cursor() as cursor:
        for statement in _statements(schema_editor.connection.vendor, remove=True):
            cursor.execute(statement)


def reinstall_after_migrate(sender: Any, using: str = "default", **kwargs: Any) -> None:
    """post_migrate receiver: a table rebuilt by a later SQLite migration loses its triggers."""
    from django.db import connections
    from django.db.migrations.recorder import MigrationRecorder

    connection = connections[using]
    recorder = MigrationRecorder(connection)
    if recorder.has_table() and recorder.migration_qs.filter(app="hazards", name=MIGRATION).exists():
        install(connection)


MIGRATION = "0004_list_region_path_tally"

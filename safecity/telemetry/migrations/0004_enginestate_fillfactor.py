"""The engine state table is rewritten in place by every ingest batch (one UPDATE per device
touched): on PostgreSQL half of each page is left free (fillfactor 50) so those updates stay on
their page (HOT: no index update, no new page), and autovacuum visits the small, hot table early
instead of after 20 % of it is dead. SQLite has neither; nothing to do there."""

from django.db import migrations

TUNE = (
    "ALTER TABLE telemetry_enginestate SET (fillfactor = 50, autovacuum_vacuum_scale_factor = 0.02, "
    "autovacuum_vacuum_threshold = 1000)"
)
UNTUNE = (
    "ALTER TABLE telemetry_enginestate RESET (fillfactor, autovacuum_vacuum_scale_factor, autovacuum_vacuum_threshold)"
)


def tune(apps, schema_editor):  # noqa: ANN001, ARG001
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(TUNE)


def untune(apps, schema_editor):  # noqa: ANN001, ARG001
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(UNTUNE)


class Migration(migrations.Migration):
    dependencies = [("telemetry", "0003_alarm_title")]

    operations = [migrations.RunPython(tune, untune)]

# The library moves out of innovation into its own app (safecity.library), and its citations into
# the apps that cite it (hazards.LibraryCitation, keyprojects.LibraryCitation). The rows are copied
# with their ids (INSERT ... SELECT, so the timestamps are kept too), the sequences are moved past
# them (PostgreSQL), the projects' links are pointed at the new table, and the old tables dropped.
# The audit history follows: the old object types are renamed to the new ones (same ids, so the
# audit chain, which hashes the type's id, still verifies), and every audit entry of an entry or a
# citation still opens from it. Works on an empty database (nothing to
# copy) and a populated one, on SQLite and PostgreSQL; reversible (the rows are copied back).

import django.db.models.deletion
from django.core.management.color import no_style
from django.db import migrations, models

ENTRY_COLUMNS = [
    "id",
    "created_at",
    "updated_at",
    "kind",
    "code",
    "title",
    "issuing_body",
    "summary",
    "effective_on",
    "body",
    "url",
]
HAZARD_COLUMNS = ["id", "created_at", "updated_at", "library_entry_id", "hazard_id"]
KEY_PROJECT_COLUMNS = ["id", "created_at", "updated_at", "library_entry_id", "key_project_id", "created_by_id"]

# (old app, old model, new app, new model, columns)
MOVES = [
    ("innovation", "libraryentry", "library", "libraryentry", ENTRY_COLUMNS),
    ("innovation", "libraryhazardcitation", "hazards", "librarycitation", HAZARD_COLUMNS),
    ("innovation", "librarykeyprojectcitation", "keyprojects", "librarycitation", KEY_PROJECT_COLUMNS),
]


def _copy(schema_editor, source, target, columns):
    quote = schema_editor.quote_name
    names = ", ".join(quote(c) for c in columns)
    schema_editor.execute(
        f"INSERT INTO {quote(target._meta.db_table)} ({names}) SELECT {names} FROM {quote(source._meta.db_table)}"
    )


def _reset_sequences(schema_editor, models_):
    for sql in schema_editor.connection.ops.sequence_reset_sql(no_style(), models_):
        schema_editor.execute(sql)


def _move_object_type(apps, old_app, old_model, new_app, new_model):
    """Rename the old object type to the new one: its id stays, and so every audit entry pointing
    at it (the audit chain hashes the type's id; audit rows are append-only, never rewritten).
    A new type already made for the new model (nothing can be recorded against it yet: its table
    was created in this same run) is removed first, with its permissions."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    AuditEntry = apps.get_model("core", "AuditEntry")
    old = ContentType.objects.filter(app_label=old_app, model=old_model).first()
    if old is None:
        return  # a new database: nothing recorded yet
    new = ContentType.objects.filter(app_label=new_app, model=new_model).first()
    if new is not None:
        if AuditEntry.objects.filter(content_type=new).exists():
            return  # both have history (cannot happen in one run); keep both, change nothing
        new.delete()
    old.app_label, old.model = new_app, new_model
    old.save(update_fields=["app_label", "model"])


def move_out(apps, schema_editor):
    targets = []
    for old_app, old_model, new_app, new_model, columns in MOVES:
        target = apps.get_model(new_app, new_model)
        _copy(schema_editor, apps.get_model(old_app, old_model), target, columns)
        targets.append(target)
        _move_object_type(apps, old_app, old_model, new_app, new_model)
    _reset_sequences(schema_editor, targets)


def move_back(apps, schema_editor):
    """Reverse, first half: copy the rows back into the re-created innovation tables."""
    sources = []
    for old_app, old_model, new_app, new_model, columns in MOVES:
        if old_model == "libraryhazardcitation":
            columns = HAZARD_COLUMNS  # the old table had no "linked by"
        source = apps.get_model(old_app, old_model)
        _copy(schema_editor, apps.get_model(new_app, new_model), source, columns)
        sources.append(source)
        _move_object_type(apps, new_app, new_model, old_app, old_model)
    _reset_sequences(schema_editor, sources)


def empty_new_tables(apps, schema_editor):
    """Reverse, second half (once the projects' links point back at the innovation table)."""
    for app, model in (("hazards", "librarycitation"), ("keyprojects", "librarycitation"), ("library", "libraryentry")):
        apps.get_model(app, model).objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("innovation", "0002_library_key_project_citation"),
        ("library", "0001_initial"),
        ("hazards", "0003_library_citation"),
        ("keyprojects", "0005_library_citation"),
        ("core", "0003_roles_department_inspection_station"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(move_out, empty_new_tables),
        migrations.AlterField(
            model_name="libraryentryproject",
            name="library_entry",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="library.libraryentry",
                verbose_name="library entry",
            ),
        ),
        migrations.RunPython(migrations.RunPython.noop, move_back),
        # The entry's two many-to-many fields run through the citation tables: removed first
        # (nothing in the database), then the citation tables, then the entries.
        migrations.RemoveField(model_name="libraryentry", name="entries"),
        migrations.RemoveField(model_name="libraryentry", name="hazards"),
        migrations.DeleteModel(name="LibraryHazardCitation"),
        migrations.DeleteModel(name="LibraryKeyProjectCitation"),
        migrations.DeleteModel(name="LibraryEntry"),
    ]

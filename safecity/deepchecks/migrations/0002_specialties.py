"""Load the maintained list of expert specialties (reference data)."""

from __future__ import annotations

from django.db import migrations

from safecity.deepchecks.reference import SPECIALTIES


def load(apps, schema_editor):  # type: ignore[no-untyped-def]
    Specialty = apps.get_model("deepchecks", "Specialty")
    for order, (code, name, _english) in enumerate(SPECIALTIES):
        Specialty.objects.update_or_create(code=code, defaults={"name": name, "order": order})


class Migration(migrations.Migration):
    dependencies = [("deepchecks", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]

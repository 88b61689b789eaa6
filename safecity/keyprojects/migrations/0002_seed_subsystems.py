"""Seed the "1+29" list: the overall plan and its 29 domain sub-systems (editable afterwards)."""

from __future__ import annotations

from typing import Any

from django.db import migrations


def seed(apps: Any, schema_editor: Any) -> None:
    from safecity.keyprojects.reference import seed_subsystems

    seed_subsystems(apps.get_model("keyprojects", "SubSystem"))


class Migration(migrations.Migration):
    dependencies = [("keyprojects", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]

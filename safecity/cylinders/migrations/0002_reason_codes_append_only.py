# Fill-attempt reasons become codes with parameters (rendered in the reader's language when
# shown), then cylinder events and fill attempts become append-only in the database.

import re

from django.db import migrations, models

import safecity.cylinders.db

DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
DATED = {"past_scrap_age", "inspection_overdue"}


def reasons_to_codes(apps, schema_editor):
    FillAttempt = apps.get_model("cylinders", "FillAttempt")
    changed = []
    for attempt in FillAttempt.objects.all().only("id", "reasons"):
        reasons = []
        for reason in attempt.reasons or []:
            params = dict(reason.get("params") or {})
            found = DATE.search(str(reason.get("message", "")))
            if reason.get("code") in DATED and found and "date" not in params:
                params["date"] = found.group(0)
            reasons.append({"code": reason.get("code", ""), "params": params})
        if reasons != attempt.reasons:
            attempt.reasons = reasons
            changed.append(attempt)
    FillAttempt.objects.bulk_update(changed, ["reasons"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("cylinders", "0001_initial"),
        ("ledger", "0001_initial"),
    ]

    operations = [
        migrations.AlterField(
            model_name="fillattempt",
            name="reasons",
            field=models.JSONField(
                blank=True,
                default=list,
                help_text="Reason codes and their parameters (shown translated).",
                verbose_name="reasons",
            ),
        ),
        migrations.RunPython(reasons_to_codes, migrations.RunPython.noop),
        # Append-only in the database (see safecity/cylinders/db.py): per-vendor triggers.
        migrations.RunPython(safecity.cylinders.db.install_triggers, safecity.cylinders.db.remove_triggers),
    ]

# Hazard numbers carry the year and a sequence within the year (YH-2023-000123): a counter per
# year, and every existing hazard renumbered in order of discovery within its year (local time).

import re

from django.db import migrations, models
from django.utils import timezone

NUMBER = re.compile(r"^YH-(\d{4})-(\d{6,})$")


def renumber(apps, schema_editor):
    HiddenHazard = apps.get_model("hazards", "HiddenHazard")
    HazardNumberSequence = apps.get_model("hazards", "HazardNumberSequence")
    last: dict[int, int] = {}
    changed = []
    for hazard in HiddenHazard.objects.order_by("discovered_at", "id").only("id", "code", "discovered_at").iterator(2000):
        year = timezone.localtime(hazard.discovered_at).year
        last[year] = last.get(year, 0) + 1
        code = f"YH-{year:04d}-{last[year]:06d}"
        if hazard.code != code:
            hazard.code = code
            changed.append(hazard)
    # Old codes (YH<year><id>) never look like new ones, so no row collides while the rest waits.
    HiddenHazard.objects.bulk_update(changed, ["code"], batch_size=1000)
    HazardNumberSequence.objects.bulk_create([HazardNumberSequence(year=y, last=n) for y, n in sorted(last.items())])


class Migration(migrations.Migration):
    dependencies = [
        ("hazards", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="HazardNumberSequence",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("year", models.PositiveSmallIntegerField(unique=True, verbose_name="year")),
                ("last", models.PositiveIntegerField(default=0, verbose_name="last number")),
            ],
            options={
                "verbose_name": "hazard number sequence",
                "verbose_name_plural": "hazard number sequences",
            },
        ),
        migrations.RunPython(renumber, migrations.RunPython.noop),
    ]

# The supervision list at 1,000,000 hidden hazards: the enterprise's region path on the hazard
# row, counts per (region path, level, state), the triggers that keep both true for every writer
# (safecity/hazards/db.py), and the indexes of the list's order and filters.

from django.db import migrations, models

import safecity.hazards.db


class Migration(migrations.Migration):
    dependencies = [
        ("hazards", "0003_library_citation"),
    ]

    operations = [
        migrations.CreateModel(
            name="HazardTally",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("region_path", models.CharField(max_length=255, verbose_name="region path")),
                (
                    "level",
                    models.PositiveSmallIntegerField(
                        choices=[(0, "General hidden hazard"), (1, "Major hidden hazard")], verbose_name="level"
                    ),
                ),
                (
                    "state",
                    models.SmallIntegerField(
                        choices=[
                            (-1, "To be confirmed"),
                            (0, "Rectifying"),
                            (1, "Awaiting acceptance"),
                            (9, "Accepted (closed)"),
                            (-9, "Withdrawn (not a hazard)"),
                        ],
                        verbose_name="state",
                    ),
                ),
                ("n", models.BigIntegerField(default=0, verbose_name="number of hidden hazards")),
            ],
            options={
                "verbose_name": "hidden hazard tally",
                "verbose_name_plural": "hidden hazard tallies",
            },
        ),
        migrations.AddConstraint(
            model_name="hazardtally",
            constraint=models.UniqueConstraint(fields=("region_path", "level", "state"), name="hazards_tally_key"),
        ),
        migrations.AddIndex(
            model_name="hazardtally",
            index=models.Index(fields=["region_path"], name="hazards_tally_path", opclasses=["varchar_pattern_ops"]),
        ),
        migrations.AddField(
            model_name="hiddenhazard",
            name="region_path",
            field=models.CharField(default="", editable=False, max_length=255, verbose_name="region path"),
        ),
        migrations.RemoveIndex(
            model_name="hiddenhazard",
            name="hazards_state_level_time",
        ),
        migrations.AddIndex(
            model_name="hiddenhazard",
            index=models.Index(fields=["state", "level", "-discovered_at", "-id"], name="hazards_state_level_time"),
        ),
        migrations.AddIndex(
            model_name="hiddenhazard",
            index=models.Index(fields=["-discovered_at", "-id"], name="hazards_list_order"),
        ),
        migrations.AddIndex(
            model_name="hiddenhazard",
            index=models.Index(
                fields=["region_path", "state", "level"],
                name="hazards_region_state_level",
                opclasses=["varchar_pattern_ops", "int2_ops", "int2_ops"],
            ),
        ),
        migrations.AddIndex(
            model_name="hiddenhazard",
            index=models.Index(
                fields=["state", "level", "region_path"],
                name="hazards_state_level_region",
                opclasses=["int2_ops", "int2_ops", "varchar_pattern_ops"],
            ),
        ),
        migrations.RunPython(safecity.hazards.db.install_and_rebuild, safecity.hazards.db.remove),
    ]

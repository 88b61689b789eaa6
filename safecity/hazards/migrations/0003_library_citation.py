# Hidden hazards cite the library from their own table (moved out of innovation; the rows are
# copied, with their ids, by innovation 0003_library_moved_out).

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("hazards", "0002_hazard_numbers_by_year"),
        ("library", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="LibraryCitation",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                (
                    "created_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="linked by",
                    ),
                ),
                (
                    "hazard",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="library_citations",
                        to="hazards.hiddenhazard",
                        verbose_name="hidden hazard",
                    ),
                ),
                (
                    "library_entry",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="library.libraryentry",
                        verbose_name="library entry",
                    ),
                ),
            ],
            options={
                "verbose_name": "hazard citation",
                "verbose_name_plural": "hazard citations",
                "ordering": ["id"],
                "constraints": [
                    models.UniqueConstraint(fields=("library_entry", "hazard"), name="hazards_library_citation_unique")
                ],
            },
        ),
    ]

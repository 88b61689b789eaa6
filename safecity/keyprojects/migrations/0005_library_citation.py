# The key projects cite the library from their own table (moved out of innovation; the rows are
# copied, with their ids, by innovation 0003_library_moved_out).

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("keyprojects", "0004_text_limits"),
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
                    "key_project",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="library_citations",
                        to="keyprojects.keyproject",
                        verbose_name="key project",
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
                "verbose_name": "key-project citation",
                "verbose_name_plural": "key-project citations",
                "ordering": ["id"],
                "constraints": [
                    models.UniqueConstraint(fields=("library_entry", "key_project"), name="keyprojects_library_citation_unique")
                ],
            },
        ),
    ]

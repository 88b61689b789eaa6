# Qualification documents carry their number, issuer, file type and size and who uploaded them (uploads in the UI and API).

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("deepchecks", "0002_specialties"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="expertdocument",
            options={
                "ordering": ["expert", "kind", "-valid_until", "id"],
                "verbose_name": "qualification document",
                "verbose_name_plural": "qualification documents",
            },
        ),
        migrations.AddField(
            model_name="expertdocument",
            name="content_type",
            field=models.CharField(blank=True, max_length=40, verbose_name="file type"),
        ),
        migrations.AddField(
            model_name="expertdocument",
            name="issuer",
            field=models.CharField(blank=True, max_length=200, verbose_name="issued by"),
        ),
        migrations.AddField(
            model_name="expertdocument",
            name="number",
            field=models.CharField(blank=True, max_length=100, verbose_name="certificate number"),
        ),
        migrations.AddField(
            model_name="expertdocument",
            name="size",
            field=models.PositiveIntegerField(blank=True, null=True, verbose_name="size (bytes)"),
        ),
        migrations.AddField(
            model_name="expertdocument",
            name="uploaded_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="uploaded by",
            ),
        ),
    ]

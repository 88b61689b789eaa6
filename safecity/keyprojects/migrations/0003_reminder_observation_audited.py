# The daily job's reminders and status observations are audited models (creation/update times).

import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("keyprojects", "0002_seed_subsystems"),
    ]

    operations = [
        migrations.AddField(
            model_name="milestonereminder",
            name="created_at",
            field=models.DateTimeField(auto_now_add=True, default=django.utils.timezone.now),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="milestonereminder",
            name="updated_at",
            field=models.DateTimeField(auto_now=True),
        ),
        migrations.AddField(
            model_name="statusobservation",
            name="created_at",
            field=models.DateTimeField(auto_now_add=True, default=django.utils.timezone.now),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="statusobservation",
            name="updated_at",
            field=models.DateTimeField(auto_now=True),
        ),
    ]

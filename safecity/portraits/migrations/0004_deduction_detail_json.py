"""The deduction's detail column holds JSON (its text was made JSON by 0003; a migration of its
own, so that the rows rewritten there and this ALTER TABLE never share a PostgreSQL transaction)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("portraits", "0003_deduction_detail_as_data")]

    operations = [
        migrations.AlterField(
            model_name="deduction",
            name="detail",
            field=models.JSONField(blank=True, default=dict, verbose_name="detail"),
        ),
    ]

# The library as its own app; its entries are copied here, with their ids, by innovation
# 0003_library_moved_out.

from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
    ]

    operations = [
        migrations.CreateModel(
            name='LibraryEntry',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('kind', models.CharField(choices=[('local_regulation', 'Local regulation'), ('local_standard', 'Local standard'), ('work_method', 'Work method'), ('practice', 'Practice')], max_length=20, verbose_name='kind')),
                ('code', models.CharField(blank=True, help_text='Official number; blank when not known.', max_length=60, verbose_name='code')),
                ('title', models.CharField(max_length=200, verbose_name='title')),
                ('issuing_body', models.CharField(blank=True, max_length=200, verbose_name='issuing body')),
                ('summary', models.TextField(verbose_name='summary')),
                ('effective_on', models.DateField(blank=True, null=True, verbose_name='effective date')),
                ('body', models.TextField(blank=True, verbose_name='text')),
                ('url', models.URLField(blank=True, verbose_name='link')),
            ],
            options={
                'verbose_name': 'library entry',
                'verbose_name_plural': 'library',
                'ordering': ['kind', 'title'],
            },
        ),
    ]

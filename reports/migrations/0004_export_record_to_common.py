"""ExportRecord now lives in the common app (common.0001), on the same table: state only."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('reports', '0003_export_record_file_purged_at'),
        ('common', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name='ExportRecord')],
            database_operations=[],
        ),
    ]

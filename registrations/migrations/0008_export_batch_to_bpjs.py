"""ExportBatch now lives in the BPJS app (bpjs.0001) on the same table: state only, no data copied."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('registrations', '0007_nominee_paid_until'),
        ('bpjs', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='historicalnominee',
                    name='export_batch',
                    field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='bpjs.exportbatch', verbose_name='batch kirim BPJS'),
                ),
                migrations.AlterField(
                    model_name='nominee',
                    name='export_batch',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='nominees', to='bpjs.exportbatch', verbose_name='batch kirim BPJS'),
                ),
                migrations.DeleteModel(name='ExportBatch'),
            ],
            database_operations=[],
        ),
    ]

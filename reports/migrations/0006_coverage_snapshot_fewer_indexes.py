"""Coverage snapshots keep two indexes besides the key instead of four: the trend's index
(region_code, computed_on DESC) repeats the unique (region_code, computed_on), which PostgreSQL reads
backwards as well, and the regency's own index is the first column of (regency, computed_on). Each
row a recompute writes (about 92,000 a day for the whole country) costs one entry fewer in each."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('reports', '0005_recompute_owed'),
        ('villages', '0004_remove_regencysettings_bpjs_export_layout'),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='coveragesnapshot',
            name='coverage_snapshot_trend',
        ),
        migrations.AlterField(
            model_name='coveragesnapshot',
            name='regency',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='coverage_snapshots', to='villages.regency'),
        ),
    ]

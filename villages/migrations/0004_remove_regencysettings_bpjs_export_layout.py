"""The BPJS column layout left the regency's settings for the BPJS app (copied by bpjs.0002)."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('villages', '0003_regencysettings_bpjs_export_layout'),
        ('bpjs', '0002_copy_layouts'),
    ]

    operations = [
        migrations.RemoveField(model_name='historicalregencysettings', name='bpjs_export_layout'),
        migrations.RemoveField(model_name='regencysettings', name='bpjs_export_layout'),
    ]

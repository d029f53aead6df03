"""The BPJS app: ExportBatch taken over from the registrations app on its own table (state only,
nothing copied), and the regency's column layout of the registration file (a new table)."""

import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('registrations', '0007_nominee_paid_until'),
        ('villages', '0003_regencysettings_bpjs_export_layout'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='ExportBatch',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('number', models.CharField(max_length=40, unique=True, verbose_name='nomor batch')),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('row_count', models.PositiveIntegerField(verbose_name='jumlah baris')),
                        ('file', models.FileField(upload_to='bpjs/%Y/', verbose_name='berkas')),
                        ('created_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('programme', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='export_batches', to='registrations.programme')),
                        ('regency', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='export_batches', to='villages.regency')),
                    ],
                    options={
                        'db_table': 'registrations_exportbatch',
                        'verbose_name': 'batch kirim BPJS',
                        'verbose_name_plural': 'batch kirim BPJS',
                        'ordering': ['-created_at', '-pk'],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.CreateModel(
            name='RegistrationFileLayout',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('columns', models.JSONField(blank=True, default=list, verbose_name='susunan kolom berkas pendaftaran BPJS')),
                ('regency', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='bpjs_file_layout', to='villages.regency')),
            ],
            options={
                'verbose_name': 'susunan kolom berkas BPJS',
                'verbose_name_plural': 'susunan kolom berkas BPJS',
            },
        ),
        migrations.CreateModel(
            name='HistoricalRegistrationFileLayout',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('columns', models.JSONField(blank=True, default=list, verbose_name='susunan kolom berkas pendaftaran BPJS')),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('regency', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='villages.regency')),
            ],
            options={
                'verbose_name': 'historical susunan kolom berkas BPJS',
                'verbose_name_plural': 'historical susunan kolom berkas BPJS',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
    ]

"""The access log's model comes from the reports app with its table: state only, no data copied.

reports.0004 takes the model out of the reports app's state after this one takes it in; the
table `reports_exportrecord`, its rows and its index are left exactly as they are.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('registrations', '0006_export_batch'),
        ('reports', '0003_export_record_file_purged_at'),
        ('villages', '0002_regencysettings_approval_steps'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='ExportRecord',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(choices=[('nominative_list', 'daftar nominatif'), ('coverage_recap', 'rekap cakupan'), ('bpjs_batch', 'batch kirim BPJS dibuat'), ('bpjs_batch_download', 'batch kirim BPJS diunduh'), ('audit_events', 'riwayat keputusan'), ('submission_tracking', 'pemantauan pengiriman'), ('village_accounts', 'akun operator desa')], max_length=24, verbose_name='jenis')),
                        ('status', models.CharField(choices=[('queued', 'menunggu'), ('running', 'sedang dibuat'), ('done', 'selesai'), ('failed', 'gagal')], default='done', max_length=8, verbose_name='keadaan')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='diminta pada')),
                        ('finished_at', models.DateTimeField(blank=True, null=True, verbose_name='selesai pada')),
                        ('full_identifiers', models.BooleanField(default=False, verbose_name='NIK/KK lengkap')),
                        ('filename', models.CharField(blank=True, max_length=200, verbose_name='nama berkas')),
                        ('row_count', models.PositiveIntegerField(blank=True, null=True, verbose_name='jumlah baris')),
                        ('progress', models.PositiveIntegerField(default=0, verbose_name='baris selesai')),
                        ('total', models.PositiveIntegerField(blank=True, null=True, verbose_name='jumlah baris yang dibuat')),
                        ('file', models.FileField(blank=True, upload_to='exports/%Y/', verbose_name='berkas')),
                        ('error', models.TextField(blank=True, verbose_name='kesalahan')),
                        ('file_purged_at', models.DateTimeField(blank=True, null=True, verbose_name='berkas dihapus pada')),
                        ('programme', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='registrations.programme')),
                        ('regency', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='export_records', to='villages.regency')),
                        ('requested_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='diminta oleh')),
                        ('subdistrict', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='villages.subdistrict')),
                        ('village', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='villages.village')),
                    ],
                    options={
                        'db_table': 'reports_exportrecord',
                        'verbose_name': 'catatan ekspor',
                        'verbose_name_plural': 'catatan ekspor',
                        'ordering': ['-created_at', '-pk'],
                        'indexes': [models.Index(models.F('regency'), models.OrderBy(models.F('created_at'), descending=True), name='export_record_regency_log')],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]

"""Each regency's column layout moves from its settings (villages) to the BPJS app: copied row by
row here; villages.0004 then drops the old column."""

from django.db import migrations


def copy_layouts(apps, schema_editor):
    RegencySettings = apps.get_model("villages", "RegencySettings")
    Layout = apps.get_model("bpjs", "RegistrationFileLayout")
    Layout.objects.bulk_create([
        Layout(regency_id=regency_id, columns=columns)
        for regency_id, columns in RegencySettings.objects.exclude(bpjs_export_layout=[])
        .values_list("regency_id", "bpjs_export_layout")
    ])


def copy_back(apps, schema_editor):
    RegencySettings = apps.get_model("villages", "RegencySettings")
    Layout = apps.get_model("bpjs", "RegistrationFileLayout")
    for layout in Layout.objects.all():
        RegencySettings.objects.filter(regency_id=layout.regency_id).update(bpjs_export_layout=layout.columns)


class Migration(migrations.Migration):

    dependencies = [
        ('bpjs', '0001_initial'),
        ('villages', '0003_regencysettings_bpjs_export_layout'),
    ]

    operations = [migrations.RunPython(copy_layouts, copy_back)]

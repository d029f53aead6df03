from django.db import migrations

from registrations.reference_data import seed_reference_data


def seed(apps, schema_editor):
    seed_reference_data(apps.get_model("registrations", "PremiumRate"),
                        apps.get_model("registrations", "OccupationCategory"))


class Migration(migrations.Migration):
    dependencies = [("registrations", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]

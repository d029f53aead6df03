"""The index of a programme's nominees per village and state gains the BPJS membership date
(registered_on), so the coverage recompute counts every nominee from the index alone (an
index-only scan, in the order it groups) instead of reading each nominee's row. It replaces
nominee_programme_village (the same first three columns: the village page and the quota count
use it as before)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("registrations", "0009_identifier_mask_serial_only"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="nominee",
            index=models.Index(fields=["programme", "village", "status", "registered_on"],
                               name="nominee_coverage_count"),
        ),
        migrations.RemoveIndex(model_name="nominee", name="nominee_programme_village"),
    ]

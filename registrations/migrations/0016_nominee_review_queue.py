"""The review queue's page reads a programme's nominees in its order (oldest change first) from an
index, with the status in it, instead of sorting the programme's whole queue for every page: at
national scale the regency's queue was joined to every village before it was sorted."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("registrations", "0015_nominating_bodies"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="nominee",
            index=models.Index(fields=["programme", "status_changed_at", "id"], include=["status"],
                               name="nominee_review_queue"),
        ),
    ]

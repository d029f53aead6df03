"""Possible duplicates the NIK does not catch (registrations/lookalikes.py): each nominee gains its
normalised name and the keyed hash of its normalised mother's name, filled here for the nominees
already saved, and the index the check looks them up by (name, birth date).

The fill is set-based: the rows are read in batches of BATCH by id as plain values (the mother's
name as its stored token, opened a batch at a time with crypto.decrypt_many) and written back
with one UPDATE per batch (on PostgreSQL from two arrays, unnest; elsewhere bulk_update)."""

from django.db import connection, migrations, models

BATCH = 5000


def fill_lookalike_keys(apps, schema_editor):
    from registrations.crypto import decrypt_many, stored_token
    from registrations.lookalikes import lookalike_keys

    Nominee = apps.get_model("registrations", "Nominee")
    table = Nominee._meta.db_table
    last = 0
    while True:
        rows = list(Nominee.objects.filter(pk__gt=last).order_by("pk")
                    .annotate(mother_token=stored_token("mother_maiden_name"))
                    .values_list("pk", "full_name", "mother_token")[:BATCH])
        if not rows:
            return
        last = rows[-1][0]
        mothers = decrypt_many([token for _, _, token in rows])
        keys = [lookalike_keys(name, mother or "") for (_, name, _), mother in zip(rows, mothers, strict=True)]
        ids = [pk for pk, _, _ in rows]
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    f"UPDATE {table} SET name_key = v.name_key, mother_name_hash = v.mother_name_hash "
                    "FROM unnest(%s::bigint[], %s::text[], %s::text[]) AS v(id, name_key, mother_name_hash) "
                    f"WHERE {table}.id = v.id",
                    [ids, [key for key, _ in keys], [mother for _, mother in keys]])
        else:
            Nominee.objects.bulk_update(
                [Nominee(pk=pk, name_key=key, mother_name_hash=mother)
                 for pk, (key, mother) in zip(ids, keys, strict=True)],
                ["name_key", "mother_name_hash"], batch_size=500)


class Migration(migrations.Migration):

    dependencies = [
        ("registrations", "0013_membership_arrears"),
    ]

    operations = [
        migrations.AddField(
            model_name="nominee",
            name="mother_name_hash",
            field=models.CharField(blank=True, default="", editable=False, max_length=64),
        ),
        migrations.AddField(
            model_name="nominee",
            name="name_key",
            field=models.CharField(blank=True, default="", editable=False, max_length=120),
        ),
        migrations.RunPython(fill_lookalike_keys, migrations.RunPython.noop, elidable=True),
        migrations.AddIndex(
            model_name="nominee",
            index=models.Index(fields=["name_key", "birth_date"], name="nominee_lookalike"),
        ),
    ]

"""The NIK and KK mask keeps only the serial (************0001) instead of region and serial
(1705********0001): with the region and the birth date on the page, the old mask could be rebuilt
(registrations.identifiers). The stored masked forms are rewritten with the new mask."""

from django.db import migrations
from django.db.models import Value
from django.db.models.functions import Concat, Right

BATCH = 500


def mask(value: str) -> str:
    """identifiers.mask_identifier as of this migration (frozen here: a later mask needs its own)."""
    return "*" * 12 + value[12:] if len(value) == 16 else "*" * len(value)


def remask(apps, schema_editor):
    """Every nominee's nik_masked and kk_masked again from the decrypted NIK and KK (the field
    decrypts itself, as in 0004_nominee_kk_masked), in batches. The history's copies are rewritten
    from their own old masked value, which kept the same last 4 digits: a NIK corrected since keeps
    its old serial in the history, as the timeline shows it."""
    Nominee = apps.get_model("registrations", "Nominee")
    batch = []
    for nominee in Nominee.objects.only("pk", "nik", "kk", "nik_masked", "kk_masked").iterator(chunk_size=BATCH):
        nominee.nik_masked = mask(nominee.nik or "")
        nominee.kk_masked = mask(nominee.kk or "")
        batch.append(nominee)
        if len(batch) == BATCH:
            Nominee.objects.bulk_update(batch, ["nik_masked", "kk_masked"])
            batch = []
    if batch:
        Nominee.objects.bulk_update(batch, ["nik_masked", "kk_masked"])

    HistoricalNominee = apps.get_model("registrations", "HistoricalNominee")
    for name in ("nik_masked", "kk_masked"):
        HistoricalNominee.objects.filter(**{f"{name}__regex": r"^.{16}$"}).update(
            **{name: Concat(Value("*" * 12), Right(name, 4))})


class Migration(migrations.Migration):

    dependencies = [
        ("registrations", "0008_export_batch_to_bpjs"),
    ]

    operations = [
        migrations.RunPython(remask, migrations.RunPython.noop),
    ]

"""The BPU premium rate in force and the usual categories of vulnerable work (DOMAIN.md §3)."""

import datetime
from decimal import Decimal

from django.db import migrations

CATEGORIES = [
    "Petani", "Buruh tani", "Nelayan", "Buruh harian lepas", "Pedagang kecil/keliling", "Ojek", "Sopir",
    "Juru parkir", "Tukang becak", "Pemulung", "Marbot", "Guru ngaji", "Ketua RT/RW", "Kader posyandu",
    "Pekerja disabilitas", "Lainnya",
]


def seed(apps, schema_editor):
    PremiumRate = apps.get_model("registrations", "PremiumRate")
    OccupationCategory = apps.get_model("registrations", "OccupationCategory")
    PremiumRate.objects.get_or_create(
        valid_from=datetime.date(2019, 12, 2),
        defaults={
            "jkk_percent": Decimal("1.00"), "jkm_amount": 6800, "jht_percent": Decimal("2.00"),
            "legal_basis": "PP 44/2015 jo. PP 82/2019; Permenaker 5/2021",
        },
    )
    for order, name in enumerate(CATEGORIES, start=1):
        OccupationCategory.objects.get_or_create(name=name, defaults={"order": order})


class Migration(migrations.Migration):
    dependencies = [("registrations", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]

"""Reference rows every installation starts with: the BPU premium rate in force and the usual
categories of vulnerable work (DOMAIN.md §3). Written by migration 0002; tests that flush the
database (browser, Celery, concurrency) put them back through the same function."""

import datetime
from decimal import Decimal

CATEGORIES = [
    "Petani", "Buruh tani", "Nelayan", "Buruh harian lepas", "Pedagang kecil/keliling", "Ojek", "Sopir",
    "Juru parkir", "Tukang becak", "Pemulung", "Marbot", "Guru ngaji", "Ketua RT/RW", "Kader posyandu",
    "Pekerja disabilitas", "Lainnya",
]


def seed_reference_data(premium_rate_model, occupation_model) -> None:
    """Idempotent. Takes the model classes so a migration can pass its historical models."""
    premium_rate_model.objects.get_or_create(
        valid_from=datetime.date(2019, 12, 2),
        defaults={
            "jkk_percent": Decimal("1.00"), "jkm_amount": 6800, "jht_percent": Decimal("2.00"),
            "legal_basis": "PP 44/2015 jo. PP 82/2019; Permenaker 5/2021",
        },
    )
    for order, name in enumerate(CATEGORIES, start=1):
        occupation_model.objects.get_or_create(name=name, defaults={"order": order})

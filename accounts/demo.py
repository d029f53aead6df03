"""The demo scenario `make demo` loads: Seluma's real regions and one user per role."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction

from villages.loader import load_regions
from villages.models import Province, Regency, Village
from villages.services import regency_settings_ensure

from .enums import Role
from .models import RegionAssignment, User

DEMO_REGENCY_CODE = "17.05"  # Kabupaten Seluma, Bengkulu
DEMO_PASSWORD = "demo-jamsostek"


@dataclass(frozen=True)
class DemoUser:
    username: str
    role: Role
    full_name: str
    region_code: str | None


DEMO_USERS = [
    DemoUser("admin", Role.SYSTEM_ADMIN, "Administrator Sistem", None),
    DemoUser("admin.seluma", Role.REGENCY_ADMIN, "Rahmat Hidayat", "17.05"),
    DemoUser("verifikator.seluma", Role.REGENCY_REVIEWER, "Sri Wahyuni", "17.05"),
    DemoUser("penyetuju.seluma", Role.REGENCY_APPROVER, "Bambang Irawan", "17.05"),
    DemoUser("bupati.seluma", Role.REGENCY_VIEWER, "Staf Kantor Bupati", "17.05"),
    DemoUser("bpjs.seluma", Role.BPJS_OFFICER, "Petugas BPJS Kacab Bengkulu", "17.05"),
    DemoUser("provinsi.bengkulu", Role.PROVINCE_VIEWER, "Staf Pemprov Bengkulu", "17"),
    # Two neighbouring desa of Kecamatan Sukaraja: an officer and the neighbouring village's officer.
    DemoUser("op-1705012002", Role.VILLAGE_OFFICER, "Operator Desa Niur", "17.05.01.2002"),
    DemoUser("op-1705012003", Role.VILLAGE_OFFICER, "Operator Desa Lubuk Sahung", "17.05.01.2003"),
]


def _region(code: str | None):
    if code is None:
        return None
    model = {1: Province, 2: Regency, 4: Village}[code.count(".") + 1]
    return model.objects.get(code=code)


@transaction.atomic
def demo_load() -> list[DemoUser]:
    """Loads Seluma and the demo users (password DEMO_PASSWORD). Safe to run again: it puts the
    demo users back as they were. Refuses to run in production."""
    if settings.IS_PRODUCTION:
        raise ImproperlyConfigured("load_demo membuat akun dengan kata sandi umum: tidak boleh di produksi.")
    load_regions([DEMO_REGENCY_CODE])
    seluma = Regency.objects.get(code=DEMO_REGENCY_CODE)
    office = regency_settings_ensure(regency=seluma)
    if not office.head_name:
        office.head_name = "Drs. Kepala Dinas Contoh"
        office.save()
    for demo in DEMO_USERS:
        first_name, _, last_name = demo.full_name.partition(" ")
        user, _ = User.objects.update_or_create(
            username=demo.username,
            defaults={
                "role": demo.role, "first_name": first_name, "last_name": last_name, "is_active": True,
                "must_change_password": False, "is_staff": demo.role == Role.SYSTEM_ADMIN,
                "is_superuser": demo.role == Role.SYSTEM_ADMIN,
            },
        )
        user.set_password(DEMO_PASSWORD)
        user.save()
        user.region_assignments.all().delete()
        region = _region(demo.region_code)
        if region is not None:
            field = {Province: "province", Regency: "regency", Village: "village"}[type(region)]
            RegionAssignment.objects.create(user=user, **{field: region})
    return DEMO_USERS

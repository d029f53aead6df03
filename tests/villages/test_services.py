"""villages/services.py: regency settings."""

import pytest

from villages.enums import TimeZone
from villages.loader import load_regions
from villages.models import Regency, RegencySettings
from villages.services import regency_settings_ensure, regency_settings_update


@pytest.mark.parametrize(("regency_code", "zone"), [
    ("17.05", TimeZone.WIB),  # Kabupaten Seluma, Bengkulu
    ("51.71", TimeZone.WITA),  # Kota Denpasar, Bali
    ("91.71", TimeZone.WIT),  # Kota Jayapura, Papua
])
def test_new_regency_settings_take_the_province_time_zone(db, regency_code, zone):
    load_regions([regency_code])
    regency = Regency.objects.get(code=regency_code)

    regency_settings = regency_settings_ensure(regency=regency)

    assert regency_settings.time_zone == zone
    assert (regency_settings.office_name, regency_settings.office_short_name) == (
        "Dinas Tenaga Kerja dan Transmigrasi", "Disnakertrans",
    )


def test_ensure_keeps_what_the_regency_chose(seluma):
    regency_settings_ensure(regency=seluma)
    RegencySettings.objects.filter(regency=seluma).update(time_zone=TimeZone.WITA, office_short_name="Dinsos")

    regency_settings = regency_settings_ensure(regency=seluma)

    assert (regency_settings.time_zone, regency_settings.office_short_name) == (TimeZone.WITA, "Dinsos")
    assert RegencySettings.objects.filter(regency=seluma).count() == 1


def test_update_records_who_changed_what(seluma, regency_admin):
    regency_settings_update(regency=seluma, changed_by=regency_admin, office_name="Dinas Sosial",
                            office_short_name="Dinsos")

    latest = RegencySettings.objects.get(regency=seluma).history.latest()
    assert (latest.office_name, latest.office_short_name, latest.history_user) == (
        "Dinas Sosial", "Dinsos", regency_admin,
    )

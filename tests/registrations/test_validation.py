"""registrations/validation.py: check_nominee, the one path every nominee passes (form, import)."""

import datetime as dt

import pytest

from accounts.enums import Role
from accounts.services import user_create
from common.formatting import format_date
from registrations import services
from registrations.enums import NomineeStatus
from registrations.models import Nominee
from registrations.validation import check_nominee

from .conftest import KK, NIK_MAN, nik_for, years_before


def check(programme, village, *, nik=NIK_MAN, kk=KK, birth_date=dt.date(1990, 5, 15), sex="L", phone=""):
    return check_nominee(programme=programme, village=village, nik=nik, kk=kk, birth_date=birth_date, sex=sex,
                         phone=phone)


def issues(issue_list):
    return [(i.field, i.code, i.message) for i in issue_list]


def test_clean_nominee_gives_normalised_identifiers(open_programme, niur):
    result = check(open_programme, niur, nik="1705.0115.0590.0001", kk="1705 0115 0320 0001")

    assert (result.errors, result.warnings) == ([], [])
    assert (result.nik, result.kk) == ("1705011505900001", "1705011503200001")
    assert len(result.nik_hash) == 64


def test_nik_error_is_passed_on_and_gives_no_hash(open_programme, niur):
    result = check(open_programme, niur, nik="1705011505900000")

    assert [(i.field, i.code) for i in result.errors] == [("nik", "serial")]
    assert (result.nik, result.nik_hash) == (None, None)


def test_warnings_are_listed_by_code(open_programme, niur):
    result = check(open_programme, niur, nik="1799015505900002", sex="L", birth_date=dt.date(1990, 5, 16))

    assert result.errors == []
    assert result.warning_codes == ["nik_birth_date_mismatch", "nik_region_unknown", "nik_sex_mismatch"]


# --- Age at coverage start ------------------------------------------------------------------

@pytest.mark.parametrize(("years", "days_after", "age"), [(18, 1, 17), (65, 0, 65)])
def test_age_outside_limits_at_coverage_start_is_an_error(open_programme, niur, years, days_after, age):
    start = open_programme.coverage_start
    born = years_before(start, years) + dt.timedelta(days=days_after)

    result = check(open_programme, niur, nik=nik_for(born), birth_date=born)

    assert issues(result.errors) == [(
        "birth_date", "age",
        f"Umur pada mulai kepesertaan ({format_date(start)}) {age} tahun; program ini untuk umur 18 sampai di bawah "
        "65 tahun.",
    )]


@pytest.mark.parametrize(("years", "days_after"), [(18, 0), (65, 1)])
def test_age_18_and_64_are_accepted(open_programme, niur, years, days_after):
    born = years_before(open_programme.coverage_start, years) + dt.timedelta(days=days_after)

    result = check(open_programme, niur, nik=nik_for(born), birth_date=born)

    assert result.errors == []


# --- Phone ----------------------------------------------------------------------------------

@pytest.mark.parametrize("raw", ["0812 3456 7890", "0812-3456-7890", "+62 812 3456 7890", "6281234567890"])
def test_phone_is_normalised_to_plus_62(open_programme, niur, raw):
    result = check(open_programme, niur, phone=raw)

    assert (result.errors, result.phone) == ([], "+6281234567890")


def test_invalid_phone_is_an_error(open_programme, niur):
    result = check(open_programme, niur, phone="12345")

    assert issues(result.errors) == [
        ("phone", "format", "Nomor HP tidak valid. Tulis seperti 0812 3456 7890 atau +62 812 3456 7890."),
    ]


def test_no_phone_is_fine(open_programme, niur):
    assert check(open_programme, niur, phone="").phone == ""


# --- One person, one active nomination ------------------------------------------------------

def test_duplicate_in_the_same_village(open_programme, niur, officer, make_nominee):
    make_nominee(open_programme, niur, officer)

    result = check(open_programme, niur)

    assert issues(result.errors) == [(
        "nik", "duplicate",
        "NIK ini sudah ada di daftar desa Anda (Perlindungan Pekerja Rentan 2026 — Tahap 1), status: draf.",
    )]


def test_duplicate_in_another_village_of_the_regency_says_where_not_who(
        open_programme, niur, lubuk_sahung, neighbour_officer, make_nominee):
    nominee = make_nominee(open_programme, lubuk_sahung, neighbour_officer, full_name="Rahasia Orang Lain")
    Nominee.objects.filter(pk=nominee.pk).update(status=NomineeStatus.APPROVED)

    result = check(open_programme, niur)

    assert issues(result.errors) == [(
        "nik", "duplicate",
        "NIK ini sudah diusulkan oleh desa lain di Kabupaten Seluma, status: disetujui.",
    )]
    assert "Rahasia" not in result.errors[0].message


def test_duplicate_in_another_regency(open_programme, niur, other_regency, other_admin, make_nominee):
    from villages.models import Village

    village = Village.objects.filter(subdistrict__regency=other_regency).order_by("code").first()
    other_officer = user_create(username="op-bs", role=Role.VILLAGE_OFFICER, regions=[village],
                                password="rahasia-uji-123", must_change_password=False)
    other_programme = services.programme_create(
        regency=other_regency, created_by=other_admin, name="Program Bengkulu Selatan", year=2026,
        coverage_start=open_programme.coverage_start, nomination_opens=open_programme.nomination_opens,
        nomination_closes=open_programme.nomination_closes,
    )
    make_nominee(other_programme, village, other_officer)

    result = check(open_programme, niur)

    assert issues(result.errors) == [(
        "nik", "duplicate",
        "NIK ini sudah diusulkan di kabupaten/kota lain (Kabupaten Bengkulu Selatan), status: draf.",
    )]


@pytest.mark.parametrize("status", [NomineeStatus.REJECTED, NomineeStatus.REFUSED_BY_BPJS, NomineeStatus.ENDED])
def test_after_rejection_or_end_the_nik_is_free_again(open_programme, niur, lubuk_sahung, neighbour_officer,
                                                      make_nominee, status):
    nominee = make_nominee(open_programme, lubuk_sahung, neighbour_officer)
    Nominee.objects.filter(pk=nominee.pk).update(status=status)

    result = check(open_programme, niur)

    assert result.errors == []


def test_editing_a_nominee_does_not_find_itself(open_programme, niur, officer, make_nominee):
    nominee = make_nominee(open_programme, niur, officer)

    result = check_nominee(programme=open_programme, village=niur, nik=NIK_MAN, kk=KK,
                           birth_date=dt.date(1990, 5, 15), sex="L", exclude_pk=nominee.pk)

    assert result.errors == []

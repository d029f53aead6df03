"""registrations/nik.py: each NIK and KK rule, with the message the officer reads; the NIK shape
and its keyed hash, which every search goes through."""

import datetime as dt
import hashlib
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import Workbook

from bpjs import answers
from registrations import nik as nik_module
from registrations import workflow
from registrations.crypto import keyed_hash
from registrations.models import Nominee
from registrations.nik import age_on, check_kk, check_nik, nik_search_hash, normalise_nik, strip_separators

from .conftest import NIK_MAN, NIK_WOMAN

BORN = dt.date(1990, 5, 15)


def codes(issues):
    return [(issue.field, issue.code) for issue in issues]


@pytest.mark.parametrize("raw", ["1705011505900001", "1705 0115 0590 0001", "1705.0115.0590.0001",
                                 "1705-011505-900001", " 170501 150590 0001 "])
def test_valid_nik_with_separators_is_normalised(raw):
    result = check_nik(raw, birth_date=BORN, sex="L")

    assert (result.nik, result.errors, result.warnings) == ("1705011505900001", [], [])
    assert (result.birth_date, result.sex) == (BORN, "L")


def test_woman_has_forty_added_to_the_day():
    result = check_nik("1705015505900002", birth_date=BORN, sex="P")

    assert (result.errors, result.warnings, result.birth_date, result.sex) == ([], [], BORN, "P")


@pytest.mark.parametrize("raw", ["170501150590001", "17050115059000012", "17050115059000a1", ""])
def test_not_sixteen_digits_is_an_error(raw):
    result = check_nik(raw)

    assert codes(result.errors) == [("nik", "format")]
    assert result.errors[0].message == (
        "NIK harus 16 digit angka. Periksa lagi di KTP, jangan ada huruf atau digit yang kurang.")


def test_unknown_province_is_an_error():
    result = check_nik("9905011505900001")

    assert codes(result.errors) == [("nik", "province")]
    assert result.errors[0].message == "Dua digit pertama NIK (99) bukan kode provinsi. Periksa lagi di KTP."


@pytest.mark.parametrize("raw", ["1705013205900001",   # 32 May
                                 "1705013002900001",   # 30 February
                                 "1705017205900001",   # a woman's day 72 = 32
                                 "1705011513900001"])  # month 13
def test_invalid_birth_date_is_an_error(raw):
    result = check_nik(raw)

    assert codes(result.errors) == [("nik", "birth_date")]
    assert result.errors[0].message == "Digit 7–12 NIK bukan tanggal lahir yang sah. Periksa lagi di KTP."


def test_serial_0000_is_an_error():
    result = check_nik("1705011505900000")

    assert codes(result.errors) == [("nik", "serial")]
    assert result.errors[0].message == "Empat digit terakhir NIK tidak boleh 0000. Periksa lagi di KTP."


def test_unknown_regency_code_is_a_warning_not_an_error():
    result = check_nik("1799011505900001", birth_date=BORN, sex="L")

    assert result.errors == []
    assert codes(result.warnings) == [("nik", "nik_region_unknown")]
    assert result.warnings[0].message == (
        "Kode wilayah di NIK (17.99) tidak ada di data Kemendagri terbaru; bisa jadi kode lama sebelum "
        "pemekaran. Pastikan NIK sama dengan KTP.")


def test_sex_mismatch_is_a_warning():
    result = check_nik("1705015505900002", birth_date=BORN, sex="L")

    assert result.errors == []
    assert codes(result.warnings) == [("sex", "nik_sex_mismatch")]
    assert result.warnings[0].message == (
        "Jenis kelamin menurut NIK (perempuan) berbeda dengan yang diisi. Cocokkan dengan KTP.")


def test_birth_date_mismatch_is_a_warning():
    result = check_nik("1705011505900001", birth_date=dt.date(1990, 5, 16), sex="L")

    assert result.errors == []
    assert codes(result.warnings) == [("birth_date", "nik_birth_date_mismatch")]
    assert result.warnings[0].message == (
        "Tanggal lahir di NIK (15 Mei 1990) berbeda dengan tanggal lahir yang diisi (16 Mei 1990). "
        "Cocokkan dengan KTP.")


def test_strip_separators():
    assert strip_separators(" 1705.01-15 05 ") == "1705011505"


# --- The NIK shape and its keyed hash ---------------------------------------------------------------

SHAPES = [
    ("1705011505900001", "1705011505900001"),
    ("1705 0115 0590 0001", "1705011505900001"),
    ("1705.0115.0590.0001", "1705011505900001"),
    ("1705-0115-0590-0001", "1705011505900001"),
    (" 1705.0115-0590 0001\t", "1705011505900001"),
    ("1705\u00a00115\u00a00590\u00a00001", "1705011505900001"),  # no-break spaces, pasted from a page
    ("170501150590001", None),  # 15 digits
    ("17050115059000011", None),  # 17 digits
    ("17050115O5900001", None),  # the letter O for a zero
    ("NIK 1705011505900001", None),
    ("1705/0115/0590/0001", None),  # a slash is no separator
    ("".join(chr(0x0660 + int(digit)) for digit in "1705011505900001"), None),  # Arabic-Indic digits
    ("", None),
]


@pytest.mark.parametrize(("text", "expected"), SHAPES)
def test_normalise_nik(text, expected):
    assert normalise_nik(text) == expected


@pytest.mark.parametrize(("text", "expected"), SHAPES)
def test_the_shape_is_the_one_check_nik_reads(text, expected):
    """The form's check and the searches agree on what has the NIK shape."""
    assert check_nik(text).nik == expected


@pytest.mark.parametrize(("text", "expected"), SHAPES)
def test_nik_search_hash(text, expected):
    assert nik_search_hash(text) == (keyed_hash(expected) if expected else None)


def test_the_stored_hash_is_the_search_hash(open_programme, niur, officer, make_nominee):
    nominee = make_nominee(open_programme, niur, officer, nik=NIK_MAN)

    assert Nominee.objects.get(pk=nominee.pk).nik_hash == nik_search_hash("1705 0115 0590 0001")


def _answer_file(nik: str) -> bytes:
    workbook = Workbook()
    workbook.active.append(["NIK", "Nama", "Nomor KPJ", "Tanggal kepesertaan", "Masa iur s.d.", "Status"])
    workbook.active.append([nik, "Budi Santoso", "00012345678", "01-07-2026", "", "aktif"])
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_every_nik_search_finds_the_same_nominee_through_the_one_hash(
        monkeypatch, login, seluma, open_programme, niur, officer, reviewer, sysadmin, make_nominee):
    """With nik.py's hash swapped for another, the stored hash, the review queue's search, the
    admin's search and the BPJS answer import still find the one nominee: none computes its own."""
    monkeypatch.setattr(nik_module, "keyed_hash",
                        lambda value: hashlib.sha256(f"another key:{value}".encode()).hexdigest())
    budi = make_nominee(open_programme, niur, officer, nik=NIK_MAN)
    siti = make_nominee(open_programme, niur, officer, nik=NIK_WOMAN, full_name="Siti Aminah",
                        birth_date=dt.date(1990, 5, 15), sex="P")
    workflow.nominee_submit(nominee=budi, actor=officer)
    workflow.nominee_submit(nominee=siti, actor=officer)
    typed = "1705.0115-0590 0001"
    client = login(reviewer)

    redirect = client.post(reverse("registrations:review-queue"),
                           {"programme": open_programme.pk, "q": typed, "status": "all"})
    queue = client.get(redirect["Location"])
    admin_client = login(sysadmin)
    typed_search = admin_client.get(reverse("admin:registrations_nominee_changelist"), {"q": typed})
    admin = admin_client.get(typed_search["Location"])  # the NIK is traded for its hash in a redirect
    [answer] = answers.answer_preview(content=_answer_file(typed), regency=seluma).rows

    assert Nominee.objects.get(pk=budi.pk).nik_hash == nik_search_hash(typed) != keyed_hash(NIK_MAN)
    assert redirect["Location"].endswith(f"&nik={nik_search_hash(typed)}")
    assert [row["nominee"] for row in queue.context["rows"]] == [budi]
    assert list(admin.context["cl"].result_list) == [budi]
    assert (answer.outcome, answer.nominee_pk) == (answers.NOT_IN_BATCH, budi.pk)


@pytest.mark.parametrize(("raw", "expected"), [
    ("1705011503200001", ("1705011503200001", [])),
    ("1705 0115 0320 0001", ("1705011503200001", [])),
])
def test_valid_kk(raw, expected):
    assert check_kk(raw) == expected


@pytest.mark.parametrize(("raw", "message"), [
    ("170501150320001", "No. KK harus 16 digit angka. Periksa lagi di kartu keluarga."),
    ("0005011503200001", "No. KK tidak sah. Periksa lagi di kartu keluarga."),
    ("1705011503200000", "No. KK tidak sah. Periksa lagi di kartu keluarga."),
])
def test_invalid_kk(raw, message):
    kk, issues = check_kk(raw)

    assert kk is None
    assert [(i.field, i.message) for i in issues] == [("kk", message)]


@pytest.mark.parametrize(("day", "age"), [
    (dt.date(2008, 5, 14), 17), (dt.date(2008, 5, 15), 18), (dt.date(2043, 5, 14), 52),
])
def test_age_on_counts_completed_years(day, age):
    assert age_on(dt.date(1990, 5, 15), day) == age

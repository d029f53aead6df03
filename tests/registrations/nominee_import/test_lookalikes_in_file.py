""""Mungkin orang yang sama" inside one import file (registrations/lookalikes.lookalikes_in_file):
two rows of the same file with the same name and birth date under different NIKs. The later row is
warned, naming the earlier row; the warning is confirmed by confirming the import, as the others."""

import datetime as dt

import pytest
from django.urls import reverse

from registrations.lookalikes import LookalikeRow, lookalikes_in_file
from registrations.models import Nominee
from registrations.nominee_import import importing as imports
from registrations.nominee_import.views import SESSION_KEY

from ..conftest import nik_for
from ..workbooks import workbook_bytes
from .test_importing import VALID_ROW, media, programme, upload, upload_url  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db

BORN = dt.date(1990, 5, 15)


def person(serial, name, **changes):
    return {**VALID_ROW, "NIK": nik_for(BORN, "L", serial), "Nama lengkap": name, **changes}


def in_file_message(rows):
    return (f"Mungkin orang yang sama dengan baris {rows} berkas ini: nama dan tanggal lahir sama, NIK berbeda. "
            "Periksa NIK pada KTP; bila orangnya sama, hapus salah satu baris.")


def test_the_later_of_two_alike_rows_is_warned_naming_the_earlier(programme, niur):
    rows = [person(1, "Siti Rahma"), person(2, "Ahmad Fauzi"), person(3, "SITI RACHMA"), person(4, "Siti Rahma, S.Pd")]

    report = imports.import_preview(content=workbook_bytes(rows), programme=programme, village=niur)

    assert [(r.row, r.status) for r in report.rows] == [(2, "ok"), (3, "ok"), (4, "warning"), (5, "warning")]
    assert report.rows[2].warnings == [imports.Problem("Baris", in_file_message("2"))]
    assert report.rows[3].warnings == [imports.Problem("Baris", in_file_message("2, 4"))]


@pytest.mark.parametrize(("second", "warned"), [
    ({"Tanggal lahir": "16-05-1990", "NIK": nik_for(dt.date(1990, 5, 16), "L", 2)}, False),  # another birth date
    ({"Nama ibu kandung": "Rahmawati"}, False),  # mothers' names differ
    ({"Nama ibu kandung": "Aminah"}, True),  # the same mother, written the same
    ({"Nama ibu kandung": ""}, True),  # one mother's name missing: still possibly one person
])
def test_birth_date_and_mother_decide_as_against_saved_nominations(programme, niur, second, warned):
    rows = [person(1, "Budi Santoso", **{"Nama ibu kandung": "Aminah"}), person(2, "Boedi Santoso", **second)]

    report = imports.import_preview(content=workbook_bytes(rows), programme=programme, village=niur)

    assert [r.status for r in report.rows] == ["ok", "warning" if warned else "ok"]


def test_a_row_with_errors_gets_no_lookalike_warning(programme, niur):
    rows = [person(1, "Budi Santoso"), person(2, "Budi Santoso", RT="")]

    report = imports.import_preview(content=workbook_bytes(rows), programme=programme, village=niur)

    assert [r.status for r in report.rows] == ["ok", "error"]
    assert report.rows[1].warnings == []


def test_the_rule_compares_in_memory_without_a_query(django_assert_num_queries):
    rows = [LookalikeRow("a", "budisantoso", BORN, ""), LookalikeRow("b", "budisantoso", BORN, "x"),
            LookalikeRow("a", "budisantoso", BORN, ""),  # the same NIK: the repeated-NIK rule's business
            LookalikeRow("", "budisantoso", BORN, ""),  # no sound NIK: not compared
            LookalikeRow("c", "budisantoso", BORN, "y")]  # mother differs from row 1's "x"

    with django_assert_num_queries(0):
        found = lookalikes_in_file(rows)

    assert found == [[], [0], [1], [], [0, 2]]


def test_the_officer_confirms_the_warning_by_saving_the_file(login, programme, niur, officer):
    client = login(officer)
    rows = [person(1, "Budi Santoso"), person(2, "Budi Santoso")]

    uploaded = client.post(upload_url(niur), {"file": upload(workbook_bytes(rows))})
    page = client.get(uploaded["Location"]).content.decode()
    token = list(client.session[SESSION_KEY])[0]
    client.post(reverse("registrations:import-confirm", kwargs={"village_pk": niur.pk, "token": token}))

    assert "Mungkin orang yang sama dengan baris 2 berkas ini" in page
    assert "Simpan 2 baris yang siap" in page
    assert sorted(Nominee.objects.values_list("nik_masked", flat=True)) == ["************0001", "************0002"]

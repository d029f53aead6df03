"""registrations/nominee_import/checking.py and the regency-wide import: the file's checks say of
each row exactly what NomineeForm says of it, a village's file and the office's regency-wide file
give the same outcomes, and neither costs a query per row."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from registrations import services
from registrations.forms import NomineeForm
from registrations.models import Nominee, NomineeEvent, OccupationCategory
from registrations.nominee_import import importing as imports
from registrations.nominee_import.checking import RowChecker, _data_source, data_source_values
from registrations.validation import active_nominations, duplicate_text

from ..workbooks import workbook_bytes

TODAY = dt.date.today()
NIK = "1705011505900001"  # a man born 15-05-1990
BASE = {  # a row as the reader hands it over: every value text
    "nik": NIK, "kk": "1705010101200001", "full_name": "Budi Santoso", "birth_place": "Seluma",
    "birth_date": "1990-05-15", "sex": "L", "address": "Dusun II", "rt": "3", "rw": "1", "postal_code": "",
    "phone": "0812 3456 7890", "email": "", "occupation": "Petani", "monthly_income": "", "data_source": "DTSEN",
    "decile": "2", "mother_maiden_name": "", "consent": "on",
}
EDGE_CASES = [
    {}, {"nik": "17050115059"}, {"nik": "17050115059000AB"}, {"nik": "1705011505900000"}, {"nik": "0005011505900001"},
    {"nik": ""}, {"nik": "1705 0115 0590 0001"}, {"kk": "123"}, {"kk": ""}, {"kk": "0005010101200001"},
    {"full_name": ""}, {"full_name": "x" * 121}, {"full_name": "Bu\x00di"}, {"birth_place": ""},
    {"birth_date": "31-02-1990"}, {"birth_date": ""}, {"birth_date": "1990-02-30"}, {"birth_date": "1990-05-16"},
    {"birth_date": "1950-05-15", "nik": "1705011505500001"}, {"sex": "X"}, {"sex": "P"}, {"sex": ""},
    {"address": ""}, {"rt": ""}, {"rt": "abcd"}, {"rt": "0003"}, {"rt": "12a"}, {"rw": "1000"}, {"rw": "x"},
    {"postal_code": "123456"}, {"phone": "123"}, {"phone": "+62 812 3456 78901"}, {"phone": "0812-3456-7890"},
    {"email": "bukan-email"}, {"email": "budi@example.org"}, {"occupation": "Astronot"}, {"occupation": ""},
    {"occupation": "PETANI"}, {"monthly_income": "abc"}, {"monthly_income": "1500000"}, {"monthly_income": "0015"},
    {"monthly_income": "3000000000"}, {"monthly_income": "-5"}, {"data_source": "XYZ"}, {"data_source": ""},
    {"data_source": "usulan desa"}, {"decile": "0"}, {"decile": "11"}, {"decile": "2.5"}, {"decile": "-1"},
    {"decile": "10"}, {"consent": ""}, {"mother_maiden_name": "Siti " * 40}, {"nik": "123", "kk": "", "rt": ""},
    {"birth_date": "x", "sex": "P", "phone": "1"},
]


@pytest.fixture
def programme(seluma, regency_admin):
    return services.programme_create(
        regency=seluma, created_by=regency_admin, name="Perlindungan Pekerja Rentan 2026", year=2026, stage=1,
        coverage_start=TODAY + dt.timedelta(days=14), nomination_opens=TODAY,
        nomination_closes=TODAY + dt.timedelta(days=30),
    )


def form_errors(values, *, programme, village):
    """What NomineeForm says of the row, bound as the village page binds it: the reference."""
    occupations = {name.lower(): pk for pk, name in OccupationCategory.objects.filter(is_active=True)
                   .values_list("pk", "name")}
    data = {**values, "confirm_warnings": "on", "data_source": _data_source(values["data_source"], data_source_values()),
            "occupation": occupations.get(values["occupation"].strip().lower(), "")}
    form = NomineeForm(data=data, programme=programme, village=village)
    form.is_valid()
    return [(name, list(messages)) for name, messages in form.errors.items()], [w.message for w in form.warnings]


def checker_errors(values, *, programme, village):
    occupations = {name.lower(): pk for pk, name in OccupationCategory.objects.filter(is_active=True)
                   .values_list("pk", "name")}
    check = RowChecker(programme=programme, occupations=occupations).check(values)
    other = active_nominations([check.nik_hash]).get(check.nik_hash) if check.nik_hash else None
    if other is not None:
        check.errors["nik"] = [duplicate_text(other, village_id=village.pk, regency_id=village.subdistrict.regency_id)]
    return ([(name, messages) for name, messages in check.errors.items() if messages],
            [w.message for w in check.warnings])


@pytest.mark.parametrize("changes", EDGE_CASES)
def test_the_file_check_says_what_the_form_says(programme, niur, changes):
    values = {**BASE, **changes}

    assert checker_errors(values, programme=programme, village=niur) == form_errors(values, programme=programme,
                                                                                     village=niur)


def test_an_active_nik_is_reported_where_the_form_reports_it(programme, niur, lubuk_sahung, neighbour_officer):
    imports.import_apply(content=workbook_bytes([_sheet_row(BASE)]), programme=programme, village=lubuk_sahung,
                         created_by=neighbour_officer)
    values = {**BASE, "kk": "123", "rt": ""}

    errors = checker_errors(values, programme=programme, village=niur)

    assert errors == form_errors(values, programme=programme, village=niur)
    assert [name for name, _ in errors[0]] == ["rt", "nik", "kk"]  # the form's fields, then its clean()
    assert errors[0][1] == ("nik", ["NIK ini sudah diusulkan oleh desa lain di Kabupaten Seluma, status: draf."])


# --- One mixed file, the village's way and the office's way ------------------------------------

HEADER_OF = {"nik": "NIK", "kk": "No. KK", "full_name": "Nama lengkap", "birth_place": "Tempat lahir",
             "birth_date": "Tanggal lahir", "sex": "Jenis kelamin (L/P)", "address": "Alamat", "rt": "RT", "rw": "RW",
             "postal_code": "Kode pos", "phone": "No. HP", "email": "Email", "occupation": "Pekerjaan",
             "monthly_income": "Penghasilan per bulan", "data_source": "Sumber data", "decile": "Desil",
             "mother_maiden_name": "Nama ibu kandung", "consent": "Persetujuan (Ya)", "village_code": "Kode desa"}


def _sheet_row(values, **changes):
    row = {**values, **changes}
    return {HEADER_OF[name]: ("Ya" if name == "consent" and value == "on" else value or None)
            for name, value in row.items()}


def mixed_rows(village_code=None):
    extra = {"village_code": village_code} if village_code else {}
    return [_sheet_row(BASE, **extra),                                                            # 2 saved
            _sheet_row(BASE, nik="1705011505900002", full_name="Ani Lestari", sex="P", **extra),  # 3 warning, saved
            _sheet_row(BASE, nik="1705011505900003", full_name="Candra Wijaya", rt="", **extra),  # 4 error
            _sheet_row(BASE, nik="1705011505900004", full_name="Dedi Kurniawan", **extra),        # 5 repeated
            _sheet_row(BASE, nik="1705011505900004", full_name="Budi S.", **extra),               # 6 repeated
            _sheet_row(BASE, nik="1705011505900009", full_name="Eko Prasetyo", **extra),          # 7 elsewhere
            _sheet_row(BASE, nik="1705011505900005", full_name="Fajar Nugroho", **extra),         # 8 over the quota
            _sheet_row(BASE, nik="1705011505900006", full_name="Gita Permata", phone="12", **extra),  # 9 error
            _sheet_row(BASE, nik="1705011505900007", full_name="BUDI SANTOSO", **extra)]          # 10 like row 2


def outcomes(report):
    return [(r.row, r.status, [p.as_dict() for p in r.errors], [p.as_dict() for p in r.warnings]) for r in report.rows]


def test_a_village_file_and_the_regency_wide_file_give_the_same_outcomes(programme, niur, lubuk_sahung, officer,
                                                                        neighbour_officer, regency_admin):
    services.programme_update(programme=programme, changed_by=regency_admin, quota_per_village=2)
    imports.import_apply(content=workbook_bytes([_sheet_row(BASE, nik="1705011505900009", full_name="Eko Prasetyo")]),
                         programme=programme, village=lubuk_sahung, created_by=neighbour_officer)

    small = imports.import_apply(content=workbook_bytes(mixed_rows()), programme=programme, village=niur,
                                 created_by=officer)
    saved_small = sorted(Nominee.objects.filter(village=niur).values_list("nik_masked", "status"))
    Nominee.objects.filter(village=niur).delete()
    bulk = imports.import_apply(content=workbook_bytes(mixed_rows("17.05.01.2002")), programme=programme,
                                created_by=regency_admin)

    assert outcomes(bulk) == outcomes(small)
    assert [(r.row, r.status) for r in small.rows] == [
        (2, "saved"), (3, "saved"), (4, "error"), (5, "error"), (6, "error"), (7, "error"), (8, "not_saved"),
        (9, "error"), (10, "not_saved")]
    assert [r.row for r in small.rows if r.warnings] == [3, 10]
    assert small.rows[8].warnings == [imports.Problem("Baris", (
        "Mungkin orang yang sama dengan baris 2 berkas ini: nama dan tanggal lahir sama, NIK berbeda. "
        "Periksa NIK pada KTP; bila orangnya sama, hapus salah satu baris."))]
    assert small.rows[6].errors[-1].message.startswith("Kuota desa sudah penuh (2 dari 2).")
    assert small.rows[5].errors[0].message == "NIK ini sudah diusulkan oleh desa lain di Kabupaten Seluma, status: draf."
    assert sorted(Nominee.objects.filter(village=niur).values_list("nik_masked", "status")) == saved_small == [
        ("************0001", "draft"), ("************0002", "draft")]


def test_the_regency_wide_file_puts_each_row_in_its_village_with_event_and_history(programme, niur, lubuk_sahung,
                                                                                  approver):
    rows = [_sheet_row(BASE, village_code="1705012002"),
            _sheet_row(BASE, nik="1705011505900002", village_code="17.05.01.2003"),
            _sheet_row(BASE, nik="1705011505900003"),
            _sheet_row(BASE, nik="1705011505900004", village_code="17.01.01.2001")]

    report = imports.import_apply(content=workbook_bytes(rows), programme=programme, created_by=approver)

    assert [(r.row, r.status, [p.as_dict() for p in r.errors]) for r in report.rows] == [
        (2, "saved", []), (3, "saved", []),
        (4, "error", [{"column": "Kode desa", "message": "Isi Kode desa: berkas untuk seluruh kabupaten/kota harus "
                                                         "menyebut desa/kelurahan setiap baris."}]),
        (5, "error", [{"column": "Kode desa", "message": "Kode desa 17.01.01.2001 bukan desa/kelurahan di "
                                                         "Kabupaten Seluma."}])]
    nominees = list(Nominee.objects.order_by("pk"))
    assert [(n.village, n.nik, n.kk, n.created_by, n.consent_by, n.status, n.phone) for n in nominees] == [
        (niur, NIK, "1705010101200001", approver, approver, "draft", "+6281234567890"),
        (lubuk_sahung, "1705011505900002", "1705010101200001", approver, approver, "draft", "+6281234567890")]
    assert [(e.nominee_id, e.actor, e.from_status, e.to_status) for e in NomineeEvent.objects.order_by("pk")] == [
        (nominees[0].pk, approver, "", "draft"), (nominees[1].pk, approver, "", "draft")]
    assert [(h.id, h.history_type, h.history_user, h.full_name, h.nik_masked) for h in
            Nominee.history.order_by("id")] == [
        (nominees[0].pk, "+", approver, "Budi Santoso", "************0001"),
        (nominees[1].pk, "+", approver, "Budi Santoso", "************0002")]


def test_a_village_file_naming_another_village_is_refused_row_by_row(programme, niur, officer):
    report = imports.import_preview(content=workbook_bytes([_sheet_row(BASE, village_code="17.05.01.2003")]),
                                    programme=programme, village=niur)

    assert [p.as_dict() for p in report.rows[0].errors] == [{
        "column": "Kode desa", "message": "Kode desa 17.05.01.2003 bukan kode Niur (17.05.01.2002); berkas ini "
                                          "diunggah untuk desa/kelurahan itu."}]


@pytest.mark.parametrize("persona", ["officer", "reviewer", "other_admin"])
def test_only_the_regencys_admin_approver_or_sysadmin_import_for_the_regency(request, programme, niur, persona):
    user = request.getfixturevalue(persona)

    with pytest.raises(PermissionDenied):
        imports.import_apply(content=workbook_bytes([_sheet_row(BASE, village_code="17.05.01.2002")]),
                             programme=programme, created_by=user)
    assert Nominee.objects.count() == 0


def test_sysadmin_imports_for_any_regency(programme, niur, sysadmin):
    report = imports.import_apply(content=workbook_bytes([_sheet_row(BASE, village_code="17.05.01.2002")]),
                                  programme=programme, created_by=sysadmin)

    assert [r.status for r in report.rows] == ["saved"]


def test_a_closed_window_refuses_every_row_with_its_dates(programme, niur, regency_admin):
    report = imports.import_apply(content=workbook_bytes([_sheet_row(BASE, village_code="17.05.01.2002")]),
                                  programme=programme, created_by=regency_admin, today=TODAY + dt.timedelta(days=60))

    assert [r.status for r in report.rows] == ["not_saved"]
    assert "hari ini di luar jadwal" in report.rows[0].errors[-1].message
    assert Nominee.objects.count() == 0


@pytest.mark.parametrize("count", [3, 30])
def test_preview_and_apply_cost_the_same_queries_for_3_or_30_rows(programme, niur, regency_admin,
                                                                 django_assert_max_num_queries, count):
    services.programme_update(programme=programme, changed_by=regency_admin, quota_per_village=100)
    rows = [_sheet_row(BASE, nik=f"17050115059{i:05d}", village_code="17.05.01.2002") for i in range(1, count + 1)]
    content = workbook_bytes(rows)

    # preview: categories, villages, active NIKs, possible duplicates under another NIK (lookalikes);
    # apply: + its preview, the scope, the quota lock,
    # overrides, places taken, savepoints, the sort's work_mem, the temporary table, COPY, the insert, the drop.
    with django_assert_max_num_queries(4):
        imports.import_preview(content=content, programme=programme)
    with django_assert_max_num_queries(16):
        report = imports.import_apply(content=content, programme=programme, created_by=regency_admin)

    assert report.count("saved") == count

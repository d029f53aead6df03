"""registrations/nominee_import/workbook.py: the template, reading uploads (ours and OpenSID's), the rejected rows.
Pure functions: no database."""

import datetime as dt
from io import BytesIO

import pytest
from openpyxl import Workbook, load_workbook

from registrations.nominee_import import workbook as excel

from ..workbooks import workbook_bytes

HEADERS = ["NIK", "No. KK", "Nama lengkap", "Tempat lahir", "Tanggal lahir", "Jenis kelamin (L/P)", "Alamat", "RT",
           "RW", "Kode pos", "No. HP", "Email", "Pekerjaan", "Penghasilan per bulan", "Sumber data", "Desil",
           "Nama ibu kandung", "Persetujuan (Ya)", "Kode desa"]
VALID_ROW = {
    "NIK": "1705011505900001", "No. KK": "1705010101200001", "Nama lengkap": "Budi Santoso", "Tempat lahir": "Seluma",
    "Tanggal lahir": "15-05-1990", "Jenis kelamin (L/P)": "L", "Alamat": "Dusun II", "RT": "003", "RW": "001",
    "Kode pos": "38876", "No. HP": "0812 3456 7890", "Email": "", "Pekerjaan": "Petani",
    "Penghasilan per bulan": "Rp 1.500.000", "Sumber data": "DTSEN", "Desil": "2", "Nama ibu kandung": "",
    "Persetujuan (Ya)": "Ya", "Kode desa": "1705012002",
}
OPENSID_HEADERS = ["Peserta", "No. Peserta", "NIK", "Nama", "Tempat Lahir", "Tanggal Lahir", "Alamat"]




def template(**kwargs):
    return excel.template_workbook(occupations=["Petani", "Nelayan", "Buruh harian lepas"],
                                   data_sources=["DTSEN", "DTKS", "P3KE", "Usulan desa"], **kwargs)


# --- Template ---------------------------------------------------------------------------------

def test_template_has_indonesian_headers_for_every_field():
    sheet = load_workbook(BytesIO(template()))["Calon peserta"]

    assert [cell.value for cell in sheet[1]] == HEADERS


@pytest.mark.parametrize("column", ["A", "B", "K", "S"])  # NIK, No. KK, No. HP, Kode desa
def test_template_identifier_columns_are_text_for_many_rows(column):
    sheet = load_workbook(BytesIO(template()))["Calon peserta"]

    assert [sheet[f"{column}{row}"].number_format for row in (2, 100, 501)] == ["@", "@", "@"]


def test_template_has_drop_downs_for_sex_occupation_data_source_and_consent():
    workbook = load_workbook(BytesIO(template()))
    sheet, lists = workbook["Calon peserta"], workbook["Daftar"]

    validations = {str(v.sqref): v.formula1 for v in sheet.data_validations.dataValidation}
    assert validations == {"F2:F501": "Daftar!$A$2:$A$3", "M2:M501": "Daftar!$B$2:$B$4",
                           "O2:O501": "Daftar!$C$2:$C$5", "R2:R501": "Daftar!$D$2:$D$2"}
    assert [c.value for c in lists["A"][1:3]] == ["L", "P"]
    assert [c.value for c in lists["B"][1:4]] == ["Petani", "Nelayan", "Buruh harian lepas"]
    assert [c.value for c in lists["C"][1:5]] == ["DTSEN", "DTKS", "P3KE", "Usulan desa"]
    assert lists.sheet_state == "hidden"


def test_template_notes_sheet_explains_every_column():
    notes = load_workbook(BytesIO(template()))["Petunjuk"]

    explained = [row[0] for row in notes.iter_rows(min_row=7, values_only=True)]
    assert explained == HEADERS
    assert "15 digit" in " ".join(str(row[0]) for row in notes.iter_rows(max_row=5, values_only=True))


def test_empty_template_is_refused_as_empty():
    with pytest.raises(excel.WorkbookError, match="tidak berisi data calon peserta"):
        excel.read_workbook(template())


# --- Reading our template ---------------------------------------------------------------------

def test_reads_a_filled_template_as_form_strings():
    workbook = load_workbook(BytesIO(template()))
    sheet = workbook["Calon peserta"]
    for column, header in enumerate(HEADERS, start=1):
        sheet.cell(row=2, column=column, value=VALID_ROW[header] or None)
    buffer = BytesIO()
    workbook.save(buffer)

    data = excel.read_workbook(buffer.getvalue())

    assert data.kind == excel.TEMPLATE
    assert [(row.number, row.problems) for row in data.rows] == [(2, [])]
    assert data.rows[0].values == {
        "nik": "1705011505900001", "kk": "1705010101200001", "full_name": "Budi Santoso", "birth_place": "Seluma",
        "birth_date": "1990-05-15", "sex": "L", "address": "Dusun II", "rt": "003", "rw": "001",
        "postal_code": "38876", "phone": "0812 3456 7890", "email": "", "occupation": "Petani",
        "monthly_income": "1500000", "data_source": "DTSEN", "decile": "2", "mother_maiden_name": "",
        "consent": "on", "village_code": "1705012002",
    }


@pytest.mark.parametrize(("cell", "expected"), [
    (dt.datetime(1990, 5, 15), "1990-05-15"),
    ("15-05-1990", "1990-05-15"),
    ("15/05/1990", "1990-05-15"),
    ("1990-05-15", "1990-05-15"),
    ("kemarin", "kemarin"),  # left for the form to call invalid
])
def test_birth_dates_become_iso(cell, expected):
    data = excel.read_workbook(workbook_bytes([{**VALID_ROW, "Tanggal lahir": cell}]))

    assert data.rows[0].values["birth_date"] == expected


@pytest.mark.parametrize(("cell", "expected"), [("L", "L"), ("p", "P"), ("Perempuan", "P"), ("Laki-laki", "L"),
                                                ("X", "X")])
def test_sex_is_read_as_l_or_p(cell, expected):
    data = excel.read_workbook(workbook_bytes([{**VALID_ROW, "Jenis kelamin (L/P)": cell}]))

    assert data.rows[0].values["sex"] == expected


@pytest.mark.parametrize(("cell", "expected"), [("Ya", "on"), ("ya", "on"), ("", ""), ("Tidak", "")])
def test_consent_only_for_ya(cell, expected):
    data = excel.read_workbook(workbook_bytes([{**VALID_ROW, "Persetujuan (Ya)": cell or None}]))

    assert data.rows[0].values["consent"] == expected


@pytest.mark.parametrize(("header", "field"), [("NIK", "nik"), ("No. KK", "kk"), ("No. HP", "phone")])
def test_numeric_identifier_cells_are_refused_with_the_reason(header, field):
    data = excel.read_workbook(workbook_bytes([{**VALID_ROW, header: 1705011505900001}]))

    row = data.rows[0]
    assert [problem.field for problem in row.problems] == [field]
    assert row.values[field] == ""  # never the truncated number
    if field != "phone":
        assert "Excel hanya menyimpan 15 digit" in row.problems[0].message
        assert "digit ke-16 sudah hilang" in row.problems[0].message
    assert "sebagai Teks" in row.problems[0].message


def test_blank_rows_are_skipped_and_row_numbers_are_excels():
    data = excel.read_workbook(workbook_bytes([VALID_ROW, {}, {**VALID_ROW, "NIK": "1705011505900002"}]))

    assert [row.number for row in data.rows] == [2, 4]


def test_header_variants_are_accepted():
    headers = [h.replace("No. KK", "No KK").replace("Nama lengkap", "Nama Peserta").upper() for h in HEADERS]
    row = {new: VALID_ROW[old] for old, new in zip(HEADERS, headers, strict=True)}

    data = excel.read_workbook(workbook_bytes([row], headers=headers, title="Sheet1"))

    assert (data.rows[0].values["kk"], data.rows[0].values["full_name"]) == ("1705010101200001", "Budi Santoso")


# --- Refusals ---------------------------------------------------------------------------------

def test_not_a_workbook_is_refused():
    with pytest.raises(excel.WorkbookError, match="harus berformat Excel .xlsx"):
        excel.read_workbook(b"NIK;Nama\n1705011505900001;Budi\n")


def test_a_zip_that_is_not_a_workbook_is_refused():
    buffer = BytesIO()
    import zipfile
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "bukan excel")

    with pytest.raises(excel.WorkbookError, match="harus berformat Excel .xlsx"):
        excel.read_workbook(buffer.getvalue())


@pytest.mark.parametrize("name", ["data.xls", "data.csv", "data.ods", "data"])
def test_other_file_names_are_refused(name):
    with pytest.raises(excel.WorkbookError, match="harus berformat Excel .xlsx"):
        excel.check_file(name=name, size=100)


def test_files_over_five_megabytes_are_refused():
    with pytest.raises(excel.WorkbookError, match="terlalu besar.*5 MB"):
        excel.check_file(name="data.xlsx", size=5 * 1024 * 1024 + 1)


def test_missing_required_columns_are_named():
    headers = [h for h in HEADERS if h not in ("RT", "Pekerjaan")]

    with pytest.raises(excel.WorkbookError) as refused:
        excel.read_workbook(workbook_bytes([VALID_ROW], headers=headers))

    assert "Kolom wajib tidak ditemukan" in str(refused.value)
    assert "RT, Pekerjaan." in str(refused.value)


def test_an_empty_sheet_is_refused():
    workbook = Workbook()
    buffer = BytesIO()
    workbook.save(buffer)

    with pytest.raises(excel.WorkbookError, match="kosong"):
        excel.read_workbook(buffer.getvalue())


# --- OpenSID ----------------------------------------------------------------------------------

def opensid_bytes(rows):
    return workbook_bytes(rows, headers=OPENSID_HEADERS, title="Peserta", extra_sheets=["Program"])


def test_opensid_export_is_recognised_and_mapped():
    data = excel.read_workbook(opensid_bytes([
        {"Peserta": "1705011505900001", "No. Peserta": "KPM-01", "NIK": "1705011505900001", "Nama": "BUDI SANTOSO",
         "Tempat Lahir": "SELUMA", "Tanggal Lahir": "1990-05-15", "Alamat": "RT 003 / RW 001 Dusun II"},
        {"Peserta": "###"},
        {"NIK": "1705011505900002", "Nama": "after the end marker"},
    ]))

    assert (data.kind, data.sheet_name) == (excel.OPENSID, "Peserta")
    assert [row.values for row in data.rows] == [{
        "nik": "1705011505900001", "full_name": "BUDI SANTOSO", "birth_place": "SELUMA", "birth_date": "1990-05-15",
        "address": "RT 003 / RW 001 Dusun II", "rt": "3", "rw": "1",
    }]
    assert "kk" not in data.columns and "sex" not in data.columns


def test_opensid_household_programme_gives_the_kk():
    data = excel.read_workbook(opensid_bytes([{"Peserta": "1705010101200001", "NIK": "1705011505900001",
                                               "Nama": "Budi"}]))

    assert data.rows[0].values["kk"] == "1705010101200001"


def test_opensid_numeric_nik_is_refused_too():
    data = excel.read_workbook(opensid_bytes([{"Peserta": 1705011505900001, "NIK": 1705011505900001, "Nama": "Budi"}]))

    assert [problem.field for problem in data.rows[0].problems] == ["nik"]


# --- Rejected rows ----------------------------------------------------------------------------

def test_rejected_workbook_has_the_template_columns_and_alasan_and_reads_back():
    content = excel.rejected_workbook(
        rows=[excel.display_values({"nik": "1705011505900001", "full_name": "Budi", "consent": "on"})],
        reasons=["Baris 2: RT: Isi RT."], occupations=["Petani"], data_sources=["DTSEN"],
    )
    sheet = load_workbook(BytesIO(content))["Calon peserta"]

    assert [cell.value for cell in sheet[1]] == [*HEADERS, "Alasan"]
    assert (sheet["A2"].value, sheet["A2"].number_format, sheet["R2"].value, sheet["T2"].value) == (
        "1705011505900001", "@", "Ya", "Baris 2: RT: Isi RT.")
    assert excel.read_workbook(content).rows[0].values["nik"] == "1705011505900001"


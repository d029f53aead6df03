"""reports/exports.py: the nominative list and the coverage recap workbooks, pure, no database.
Opened again with openpyxl: exact headings, headers, cells, signature block and print setup."""

import datetime as dt
from decimal import Decimal
from io import BytesIO
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook

from reports import exports

PRINTED = dt.date(2026, 9, 30)
WIB = ZoneInfo("Asia/Jakarta")
TODAY = PRINTED


def heading(**overrides):
    values = {"regency_name": "Kabupaten Seluma", "office_name": "Dinas Tenaga Kerja dan Transmigrasi",
              "programme_name": "Perlindungan Pekerja Rentan 2026", "stage": 1, "year": 2026,
              "region_label": "Desa Niur, Kecamatan Sukaraja", "printed_on": PRINTED, "full_identifiers": True}
    return exports.NominativeHeading(**{**values, **overrides})


def nominee(**overrides):
    """A nominee's values as the export reads them (NIK and KK as shown to the person)."""
    values = {"nik": "1705011505900001", "kk": "1705011503200001", "full_name": "Budi Santoso", "birth_place": "Tais",
              "birth_date": dt.date(1990, 5, 15), "sex": "L", "address": "Jalan Desa No. 1", "rt": "001", "rw": "002",
              "village": "Niur", "subdistrict": "Sukaraja", "occupation": "Petani", "status": "registered",
              "kpj_number": "00012345678"}
    return exports.NomineeValues(**{**values, **overrides})


VILLAGE_HEAD = exports.Signature(place="Niur", day=PRINTED, titles=("Kepala Desa Niur",))


def build(rows, *, signature=VILLAGE_HEAD, progress=None, **heading_overrides):
    buffer = BytesIO()
    written = exports.nominative_workbook(buffer, heading=heading(**heading_overrides), rows=rows,
                                          signature=signature, progress=progress)
    return written, load_workbook(BytesIO(buffer.getvalue()))[exports.NOMINATIVE_SHEET]


def column_a(sheet):
    return [row[0] for row in sheet.iter_rows(values_only=True)]


def test_the_nominative_list_has_the_letterhead_the_header_row_and_the_nominees():
    rows = [exports.nominative_row(nominee(), full_identifiers=True, today=TODAY),
            exports.nominative_row(nominee(full_name="Siti Aminah", sex="P", rw="", kpj_number=""),
                                   full_identifiers=True, today=TODAY)]

    written, sheet = build(rows)

    assert written == 2
    assert column_a(sheet)[:7] == [
        "PEMERINTAH KABUPATEN SELUMA",
        "DINAS TENAGA KERJA DAN TRANSMIGRASI",
        "DAFTAR NOMINATIF CALON PESERTA BPJS KETENAGAKERJAAN",
        "Perlindungan Pekerja Rentan 2026 — Tahap 1 (2026)",
        "Desa Niur, Kecamatan Sukaraja",
        "Dicetak 30 September 2026. NIK dan No. KK lengkap: data pribadi, jaga kerahasiaannya.",
        None,
    ]
    assert [cell.value for cell in sheet[8]] == [
        "No", "NIK", "No. KK", "Nama lengkap", "Tempat, tanggal lahir", "L/P", "Alamat", "Desa/Kelurahan",
        "Kecamatan", "Pekerjaan", "Status", "Nomor KPJ",
    ]
    assert [cell.value for cell in sheet[9]] == [
        1, "1705011505900001", "1705011503200001", "Budi Santoso", "Tais, 15 Mei 1990", "L",
        "Jalan Desa No. 1 RT 001/RW 002", "Niur", "Sukaraja", "Petani", "terdaftar di BPJS", "00012345678",
    ]
    assert [cell.value for cell in sheet[10]][:7] == [2, "1705011505900001", "1705011503200001", "Siti Aminah",
                                                      "Tais, 15 Mei 1990", "P", "Jalan Desa No. 1 RT 001"]
    assert sheet["L10"].value is None
    assert sheet["A12"].value == "Jumlah: 2 orang"  # after an empty line
    assert "A1:L1" in {str(merged) for merged in sheet.merged_cells.ranges}


def test_identifiers_are_text_cells_that_keep_every_digit_and_leading_zero():
    _, sheet = build([exports.nominative_row(nominee(), full_identifiers=True, today=TODAY)])

    nik, kk, kpj = sheet["B9"], sheet["C9"], sheet["L9"]
    assert (nik.value, nik.data_type, nik.number_format) == ("1705011505900001", "s", "@")
    assert (kk.value, kk.data_type) == ("1705011503200001", "s")
    assert (kpj.value, kpj.data_type) == ("00012345678", "s")
    assert (sheet["A9"].value, sheet["A9"].data_type) == (1, "n")


def test_a_masked_row_never_holds_the_identifiers_in_clear():
    # The stored masked forms, as registrations.identifiers.shown_identifier_fields names them.
    row = exports.nominative_row(nominee(nik="************0001", kk="************0001"), full_identifiers=False,
                                 today=TODAY)

    written, sheet = build([row], full_identifiers=False)

    assert (sheet["B9"].value, sheet["C9"].value) == ("************0001", "************0001")
    assert (sheet["E8"].value, sheet["E9"].value) == ("Tempat lahir, umur", "Tais, 36 tahun")  # never the date
    assert sheet["A6"].value == "Dicetak 30 September 2026. NIK dan No. KK disamarkan."
    assert written == 1


def test_text_that_excel_would_run_as_a_formula_is_neutralised():
    rows = [exports.nominative_row(nominee(full_name='=HYPERLINK("http://contoh.test","klik")', address="+62 jalan",
                                           birth_place="@Tais", occupation="-1+1"),
                                   full_identifiers=True, today=TODAY)]

    _, sheet = build(rows, region_label="=1+1")

    # Exactly the text typed, nothing added in front: a string cell with Excel's quote-prefix flag,
    # which keeps it text even when someone edits the cell.
    cells = [sheet[coordinate] for coordinate in ("D9", "E9", "G9", "J9", "A5")]
    assert [(cell.value, cell.data_type, cell.quotePrefix) for cell in cells] == [
        ('=HYPERLINK("http://contoh.test","klik")', "s", True),
        ("@Tais, 15 Mei 1990", "s", True),
        ("+62 jalan RT 001/RW 002", "s", True),
        ("-1+1", "s", True),
        ("=1+1", "s", True),
    ]
    assert (sheet["F9"].value, sheet["F9"].quotePrefix) == ("L", False)  # ordinary text is left alone
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_a_village_list_ends_with_the_village_heads_signature_block():
    _, sheet = build([exports.nominative_row(nominee(), full_identifiers=True, today=TODAY)])

    # The block sits in the last four columns (I to L), below the total, with four rows to sign in.
    block = [(cell.coordinate, cell.value) for row in sheet.iter_rows(min_row=10) for cell in row
             if cell.value is not None]
    assert block == [
        ("A11", "Jumlah: 1 orang"),
        ("I13", "Niur, 30 September 2026"),
        ("I14", "Kepala Desa Niur"),
        ("I19", "(______________________________)"),
    ]
    assert sheet["I14"].font.b


def test_the_office_heads_signature_block_has_the_name_and_nip():
    office_head = exports.Signature(place="Seluma", day=PRINTED,
                                    titles=("Kepala Dinas", "Dinas Tenaga Kerja dan Transmigrasi", "Kabupaten Seluma"),
                                    name="Drs. Ahmad Yani", nip="197001011995031001")
    _, sheet = build([], signature=office_head, region_label="Kabupaten Seluma")

    assert [value for value in (cell.value for row in sheet.iter_rows(min_row=10, min_col=9, max_col=9)
                                for cell in row) if value] == [
        "Seluma, 30 September 2026", "Kepala Dinas", "Dinas Tenaga Kerja dan Transmigrasi", "Kabupaten Seluma",
        "Drs. Ahmad Yani", "NIP 197001011995031001",
    ]
    name = next(cell for row in sheet.iter_rows() for cell in row if cell.value == "Drs. Ahmad Yani")
    assert (name.font.b, name.font.u) == (True, "single")
    assert sheet["A10"].value == "Jumlah: 0 orang"


def test_an_office_head_without_name_or_nip_gets_lines_to_write_them_on():
    office_head = exports.Signature(place="Seluma", day=PRINTED, titles=("Kepala Dinas",), name="", nip="")
    _, sheet = build([], signature=office_head)

    values = [cell.value for row in sheet.iter_rows(min_col=9, max_col=9) for cell in row if cell.value]
    assert values[-2:] == ["(______________________________)", "NIP ______________________"]


def test_the_list_prints_on_a4_landscape_fitted_to_the_width_with_the_header_on_every_page():
    _, sheet = build([exports.nominative_row(nominee(), full_identifiers=True, today=TODAY)])

    setup = sheet.page_setup
    assert (setup.orientation, setup.paperSize, setup.fitToWidth, setup.fitToHeight) == ("landscape", 9, 1, 0)
    assert sheet.sheet_properties.pageSetUpPr.fitToPage is True
    assert sheet.print_title_rows == "$8:$8"
    assert sheet.freeze_panes == "A9"


def test_progress_is_reported_every_few_hundred_rows_and_at_the_end():
    calls = []
    rows = (exports.nominative_row(nominee(full_name=f"Pekerja {index}"), full_identifiers=False, today=TODAY)
            for index in range(600))

    written, sheet = build(rows, progress=calls.append)

    assert written == 600
    assert calls == [250, 500, 600]
    assert sheet.cell(row=608, column=1).value == 600
    assert sheet.cell(row=608, column=4).value == "Pekerja 599"


# --- The coverage recap ------------------------------------------------------------------------

def recap_row(code, name, level, emphasis, **numbers):
    values = {"quota": 10, "nominated": 3, "submitted": 2, "approved": 1, "registered": 1, "active": 1,
              "premium_committed_rp": 50_400, "denominator": None, "ucj_percent": None, "target_percent": None,
              "target_achievement_percent": None}
    return {"code": code, "name": name, "level": level, "emphasis": emphasis, **{**values, **numbers}}


def recap_heading(**fields):
    values = {"regency_name": "Kabupaten Seluma", "office_name": "Dinas Tenaga Kerja dan Transmigrasi",
              "year": 2026, "official_as_of": dt.date(2026, 6, 30), "counted_to": dt.date(2026, 9, 30),
              "computed_at": dt.datetime(2026, 9, 30, 1, 5, tzinfo=WIB), "printed_on": PRINTED,
              "ucj_percent": Decimal("23.46"), "target_percent": Decimal("46.80"),
              "target_achievement_percent": Decimal("50.13")}
    return exports.RecapHeading(**{**values, **fields})


def test_the_coverage_recap_has_its_heading_headers_and_one_row_per_region():
    rows = [recap_row("17.05", "Kabupaten Seluma", "Kabupaten/kota", True, quota=2020, denominator=120_000,
                      ucj_percent=Decimal("23.46"), target_percent=Decimal("46.80"),
                      target_achievement_percent=Decimal("50.13")),
            recap_row("17.05.01", "Sukaraja", "Kecamatan", True),
            recap_row("17.05.01.2002", "Niur", "Desa/kelurahan", False, denominator=800, ucj_percent=Decimal("0.13"))]
    buffer = BytesIO()

    written = exports.coverage_recap_workbook(buffer, heading=recap_heading(), rows=rows)

    sheet = load_workbook(BytesIO(buffer.getvalue()))[exports.RECAP_SHEET]
    assert written == 3
    # The data's date is the official figure's, and the programme's day; the computing time after it.
    assert column_a(sheet)[:6] == [
        "PEMERINTAH KABUPATEN SELUMA",
        "DINAS TENAGA KERJA DAN TRANSMIGRASI",
        "REKAP CAKUPAN JAMSOSTEK (UCJ) PER KECAMATAN DAN DESA/KELURAHAN TAHUN 2026",
        "Data per 30 Juni 2026 (angka resmi BPJS Ketenagakerjaan), ditambah pekerja program yang terdaftar sampai "
        "30 September 2026. Dihitung 30 September 2026 pukul 01.05 WIB. Dicetak 30 September 2026. UCJ hanya untuk wilayah yang punya "
        "angka penduduk bekerja.",
        "UCJ Kabupaten Seluma 23,46% · target 46,80% · capaian 50,13% dari target (UCJ ÷ target × 100).",
        None,
    ]
    assert [cell.value for cell in sheet[7]] == [
        "Kode wilayah", "Wilayah", "Tingkat", "Kuota", "Diusulkan", "Dikirim ke kabupaten", "Disetujui",
        "Terdaftar BPJS", "Aktif", "Iuran didanai (Rp)", "Penduduk bekerja", "UCJ (%)", "Target UCJ (%)",
        "Capaian target (%)",
    ]
    assert [cell.value for cell in sheet[8]] == ["17.05", "Kabupaten Seluma", "Kabupaten/kota", 2020, 3, 2, 1, 1, 1,
                                                 50_400, 120_000, 23.46, 46.8, 50.13]
    assert [cell.value for cell in sheet[10]] == ["17.05.01.2002", "Niur", "Desa/kelurahan", 10, 3, 2, 1, 1, 1,
                                                  50_400, 800, 0.13, None, None]
    assert [cell.value for cell in sheet[9]][-4:] == [None, None, None, None]  # no denominator, no UCJ
    assert (sheet["A8"].data_type, sheet["A8"].font.b, sheet["A10"].font.b) == ("s", True, False)
    assert sheet["L8"].number_format == sheet["M8"].number_format == sheet["N8"].number_format == "0.00"
    assert sheet.print_title_rows == "$7:$7"
    assert sheet.page_setup.orientation == "landscape"


@pytest.mark.parametrize(("fields", "data_line", "headline"), [
    ({"official_as_of": None}, "Data per 30 September 2026 (pekerja program; belum ada angka resmi BPJS "
     "Ketenagakerjaan). Dihitung 30 September 2026 pukul 01.05 WIB.", None),
    ({"target_percent": None, "target_achievement_percent": None}, None,
     "UCJ Kabupaten Seluma 23,46%. Belum ada target UCJ tahun 2026."),
    ({"ucj_percent": None, "target_percent": None, "target_achievement_percent": None}, None,
     "UCJ Kabupaten Seluma belum bisa dihitung (belum ada angka resmi maupun target)."),
])
def test_the_recap_heading_says_what_the_figures_stand_on(fields, data_line, headline):
    lines = exports.recap_heading_lines(recap_heading(**fields))

    if data_line:
        assert lines[3].startswith(data_line)
    if headline:
        assert lines[4] == headline


def test_a_recap_before_the_first_recompute_says_the_figures_are_live():
    lines = exports.recap_heading_lines(recap_heading(computed_at=None))

    assert lines[3] == ("Data per 30 Juni 2026 (angka resmi BPJS Ketenagakerjaan), ditambah pekerja program yang "
                        "terdaftar sampai 30 September 2026. Dihitung langsung (belum ada perhitungan tersimpan). "
                        "Dicetak 30 September 2026. UCJ hanya untuk wilayah yang punya angka penduduk bekerja.")

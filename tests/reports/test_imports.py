"""reports/excel.py and reports/imports.py, and the import pages: the template, reading the branch's
spreadsheet, the preview with a result per row, confirmation in one transaction, and re-importing
the same file changing nothing."""

import datetime as dt
from decimal import Decimal
from io import BytesIO

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from common import workbooks as xlsx
from reports import excel, imports
from reports.models import OfficialFigure
from reports.views import IMPORT_SESSION_KEY
from villages.models import Subdistrict

HEADERS = ["Kode wilayah", "Per tanggal", "PU", "BPU", "Jakon", "PMI", "Penduduk bekerja", "UCJ dipublikasikan (%)",
           "Sumber"]
TODAY = dt.date(2026, 11, 1)


def workbook_bytes(rows, *, headers=HEADERS, title="Angka resmi", formats=None):
    """A header row, then one row per list; `formats` maps (row index, column index) to a number format."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title
    sheet.append(headers)
    for values in rows:
        sheet.append(values)
    for (row, column), number_format in (formats or {}).items():
        sheet.cell(row=row + 2, column=column + 1).number_format = number_format
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


SELUMA_ROW = ["17.05", "30-06-2026", 20000, 15000, 3000, 450, 100000, "38,45", "Surat BPJS 12/2026"]
SUKARAJA_ROW = ["17.05.01", dt.datetime(2026, 6, 30), None, 2000, None, None, 10000, None, None]


# --- The template ----------------------------------------------------------------------------------

def test_template_has_the_exact_headers_and_a_petunjuk_sheet(seluma):
    workbook = load_workbook(BytesIO(imports.template_bytes(seluma)))

    assert workbook.sheetnames == ["Angka resmi", "Petunjuk"]
    sheet = workbook["Angka resmi"]
    assert [cell.value for cell in sheet[1]] == HEADERS
    assert sheet["A2"].number_format == "@"  # codes as text: "17.10" typed as a number would become 17.1
    assert sheet.max_row == excel.TEMPLATE_ROWS + 1
    notes = [row for row in workbook["Petunjuk"].iter_rows(values_only=True)]
    listed = [row[0] for row in notes[notes.index(("Kode wilayah", "Nama", None, None)) + 1:]]
    assert listed == ["17.05"] + [f"17.05.{number:02d}" for number in range(1, 15)]
    assert [row[0] for row in notes if row[0] in HEADERS] == HEADERS + ["Kode wilayah"]


def test_template_download(login, regency_admin, seluma):
    response = login(regency_admin).get(reverse("reports:figure-template", args=[seluma.pk]))

    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"] == 'attachment; filename="angka-resmi-ucj-1705.xlsx"'
    assert [cell.value for cell in load_workbook(BytesIO(response.content))["Angka resmi"][1]] == HEADERS


def test_the_empty_template_read_back_is_refused_as_empty(seluma):
    with pytest.raises(excel.WorkbookError) as error:
        excel.read_workbook(imports.template_bytes(seluma))

    assert str(error.value) == ("Lembar \"Angka resmi\" tidak berisi data. Isi mulai baris 2, di bawah judul kolom, "
                                "lalu unggah lagi.")


# --- Reading cells ---------------------------------------------------------------------------------

def test_reading_accepts_what_excel_makes_of_the_numbers():
    content = workbook_bytes([
        [17.1, 46203, "25.400", "1,250", 0, None, "231.000", 0.1941, None],  # serial 46203 = 30-06-2026
    ], formats={(0, 7): "0.00%"})

    (row,) = excel.read_workbook(content)

    assert row.problems == []
    assert row.values == {"code": "17.10", "as_of": dt.date(2026, 6, 30), "active_pu": 25_400, "active_bpu": 1_250,
                          "active_jakon": 0, "active_pmi": None, "denominator": 231_000,
                          "published_percent": Decimal("19.41"), "source_document": ""}


def test_headers_are_matched_as_the_nominee_import_matches_them():
    """Case, spacing, punctuation and a bracketed note do not matter (xlsx.normalise_header)."""
    headers = ["KODE WILAYAH", "Per  tanggal", "PU", "BPU", "Jakon", "PMI", "Penduduk bekerja:",
               "UCJ dipublikasikan", "Sumber (surat)"]
    content = workbook_bytes([["17.05", "30-06-2026", 1, 2, 3, 4, 100, "5,5", "Surat"]], headers=headers)

    (row,) = excel.read_workbook(content)

    assert row.values == {"code": "17.05", "as_of": dt.date(2026, 6, 30), "active_pu": 1, "active_bpu": 2,
                          "active_jakon": 3, "active_pmi": 4, "denominator": 100,
                          "published_percent": Decimal("5.50"), "source_document": "Surat"}


@pytest.mark.parametrize(("content", "message"), [
    (b"Kode wilayah;Per tanggal\n17.05;30-06-2026\n", xlsx.WRONG_TYPE),
    (workbook_bytes([["17.05"]], headers=["Kode wilayah", "PU"]),
     "Kolom wajib tidak ditemukan di baris pertama lembar \"Angka resmi\": Per tanggal, Penduduk bekerja. "
     "Pakai template dari portal dan jangan ubah judul kolom."),
])
def test_unusable_files_are_refused_with_a_reason(content, message):
    with pytest.raises(excel.WorkbookError) as error:
        excel.read_workbook(content)

    assert str(error.value) == message


# --- Preview ---------------------------------------------------------------------------------------

def test_preview_gives_each_row_its_result(seluma):
    elsewhere = Subdistrict.objects.get(code="17.01.01")
    rows = excel.read_workbook(workbook_bytes([
        SELUMA_ROW,
        SUKARAJA_ROW,
        ["17.99", "30-06-2026", 1, 1, 1, 1, 100, None, None],
        ["17.01", "30-06-2026", 1, 1, 1, 1, 100, None, None],
        ["17.01.01", "30-06-2026", 1, 1, 1, 1, 100, None, None],
        ["17.05.01.2002", "30-06-2026", 1, 1, 1, 1, 100, None, None],
        ["17.05.02", "31-02-2026", 1, 1, 1, 1, 100, None, None],
        ["17.05.03", "30-06-2026", -5, 1, 1, 1, 100, None, None],
        ["17.05.04", "30-06-2026", 1, 1, 1, 1, None, None, None],
        ["17.05.05", "30-06-2026", 30000, 0, 0, 0, 1000, None, None],
        ["17.05.06", "30-12-2026", 1, 1, 1, 1, 100, "120", None],
        [None, None, 1, None, None, None, 0, None, None],
    ]))

    report = imports.import_preview(rows=rows, regency=seluma, today=TODAY)

    assert [row.as_dict() for row in report.rows] == [
        {"row": 2, "status": "ok", "action": "new", "errors": []},
        {"row": 3, "status": "ok", "action": "new", "errors": []},
        {"row": 4, "status": "error", "action": "", "errors": [
            "Kode wilayah: Kode wilayah 17.99 tidak dikenal. Lihat daftar kode di lembar Petunjuk."]},
        {"row": 5, "status": "error", "action": "", "errors": [
            "Kode wilayah: Kode wilayah 17.01 (Kabupaten Bengkulu Selatan) bukan wilayah Kabupaten Seluma."]},
        {"row": 6, "status": "error", "action": "", "errors": [
            f"Kode wilayah: Kode wilayah 17.01.01 (Kecamatan {elsewhere.name}, Kabupaten Bengkulu Selatan) bukan "
            "wilayah Kabupaten Seluma."]},
        {"row": 7, "status": "error", "action": "", "errors": [
            "Kode wilayah: Kode wilayah 17.05.01.2002 adalah Desa Niur; angka resmi BPJS hanya untuk kabupaten/kota "
            "atau kecamatan. Penduduk bekerja desa diisi di halaman kecamatan."]},
        {"row": 8, "status": "error", "action": "", "errors": [
            "Per tanggal: \"31-02-2026\" bukan tanggal yang valid; tulis HH-BB-TTTT, mis. 31-12-2024."]},
        {"row": 9, "status": "error", "action": "", "errors": ["PU: PU tidak boleh negatif (-5)."]},
        {"row": 10, "status": "error", "action": "", "errors": [
            "Penduduk bekerja: Penduduk bekerja kosong; angka resmi tanpa penyebut tidak bisa dipakai."]},
        {"row": 11, "status": "error", "action": "", "errors": [
            "Baris: Jumlah peserta aktif (30.000) melebihi penduduk bekerja (1.000)."]},
        {"row": 12, "status": "error", "action": "", "errors": [
            "UCJ dipublikasikan (%): UCJ dipublikasikan (%) harus antara 0 dan 100 persen.",
            "Per tanggal: Per tanggal 30 Desember 2026 sesudah hari ini."]},
        {"row": 13, "status": "error", "action": "", "errors": [
            "Kode wilayah: Kode wilayah kosong.", "Per tanggal: Per tanggal kosong.",
            "Penduduk bekerja: Penduduk bekerja harus lebih dari 0."]},
    ]
    assert report.totals == {"rows": 12, "error": 10, "new": 2, "update": 0, "unchanged": 0}
    assert not OfficialFigure.objects.exists()


def test_the_same_region_and_date_twice_in_a_file_refuses_both_rows(seluma):
    rows = excel.read_workbook(workbook_bytes([SELUMA_ROW, SUKARAJA_ROW, ["17.05", dt.date(2026, 6, 30), 1, 0, 0, 0,
                                                                         100000, None, None]]))

    report = imports.import_preview(rows=rows, regency=seluma, today=TODAY)

    assert [(row.row, row.status, row.errors) for row in report.rows] == [
        (2, "error", [("Baris", "Wilayah 17.05 per 30 Juni 2026 ada di baris 2, 4; sisakan satu baris.")]),
        (3, "ok", []),
        (4, "error", [("Baris", "Wilayah 17.05 per 30 Juni 2026 ada di baris 2, 4; sisakan satu baris.")]),
    ]


# --- Apply -----------------------------------------------------------------------------------------

def _figures():
    return sorted(
        (figure.subdistrict.code if figure.subdistrict else figure.regency.code, figure.as_of, figure.active_pu,
         figure.active_bpu, figure.active_jakon, figure.active_pmi, figure.denominator, figure.published_percent,
         figure.source_document)
        for figure in OfficialFigure.objects.select_related("regency", "subdistrict")
    )


SAVED = [
    ("17.05", dt.date(2026, 6, 30), 20_000, 15_000, 3_000, 450, 100_000, Decimal("38.45"), "Surat BPJS 12/2026"),
    ("17.05.01", dt.date(2026, 6, 30), 0, 2_000, 0, 0, 10_000, None, ""),
]


def test_apply_records_the_valid_rows_and_skips_the_others(seluma, regency_admin):
    rows = excel.read_workbook(workbook_bytes([SELUMA_ROW, ["17.99", "30-06-2026", 1, 1, 1, 1, 100, None, None],
                                               SUKARAJA_ROW]))

    report = imports.import_apply(rows=rows, regency=seluma, entered_by=regency_admin, today=TODAY)

    assert report.totals == {"rows": 3, "error": 1, "new": 2, "update": 0, "unchanged": 0}
    assert _figures() == SAVED
    assert set(OfficialFigure.objects.values_list("entered_by", flat=True)) == {regency_admin.pk}


def test_reapplying_the_same_file_changes_nothing_and_a_corrected_row_updates(seluma, regency_admin):
    content = workbook_bytes([SELUMA_ROW, SUKARAJA_ROW])
    imports.import_apply(rows=excel.read_workbook(content), regency=seluma, entered_by=regency_admin, today=TODAY)
    history = OfficialFigure.history.count()

    again = imports.import_apply(rows=excel.read_workbook(content), regency=seluma, entered_by=regency_admin,
                                 today=TODAY)

    assert again.totals == {"rows": 2, "error": 0, "new": 0, "update": 0, "unchanged": 2}
    assert (_figures(), OfficialFigure.history.count()) == (SAVED, history)

    corrected = imports.import_apply(
        rows=excel.read_workbook(workbook_bytes([SELUMA_ROW, [*SUKARAJA_ROW[:3], 2100, *SUKARAJA_ROW[4:]]])),
        regency=seluma, entered_by=regency_admin, today=TODAY)

    assert corrected.totals == {"rows": 2, "error": 0, "new": 0, "update": 1, "unchanged": 1}
    assert _figures() == [SAVED[0], ("17.05.01", dt.date(2026, 6, 30), 0, 2_100, 0, 0, 10_000, None, "")]


def test_a_row_the_service_refuses_saves_nothing(seluma, regency_admin):
    rows = excel.read_workbook(workbook_bytes([SELUMA_ROW, ["17.05.01", "31-12-2014", 0, 10, 0, 0, 100, None, None]]))

    with pytest.raises(imports.ImportRefused) as refused:
        imports.import_apply(rows=rows, regency=seluma, entered_by=regency_admin, today=TODAY)

    assert (refused.value.row, refused.value.message) == (
        3, "Tanggal angka resmi (31 Desember 2014) terlalu lama: paling awal 2015.")
    assert not OfficialFigure.objects.exists()


def test_apply_is_for_those_who_may_enter_coverage(seluma, viewer):
    with pytest.raises(PermissionDenied):
        imports.import_apply(rows=excel.read_workbook(workbook_bytes([SELUMA_ROW])), regency=seluma,
                             entered_by=viewer, today=TODAY)
    assert not OfficialFigure.objects.exists()


# --- The pages -------------------------------------------------------------------------------------

def _upload(client, regency, content, name="angka-resmi.xlsx"):
    return client.post(reverse("reports:figure-import", args=[regency.pk]),
                       {"file": SimpleUploadedFile(name, content)})


def test_upload_preview_confirm_and_reimport(login, regency_admin, seluma):
    client = login(regency_admin)
    content = workbook_bytes([SELUMA_ROW, SUKARAJA_ROW, ["17.99", "30-06-2026", 1, 1, 1, 1, 100, None, None]])

    uploaded = _upload(client, seluma, content)
    token = list(client.session[IMPORT_SESSION_KEY])[-1]
    preview = client.get(uploaded["Location"])

    assert uploaded["Location"] == reverse("reports:figure-import-preview", args=[seluma.pk, token])
    assert preview.context["totals"] == {"rows": 3, "error": 1, "new": 2, "update": 0, "unchanged": 0}
    page = " ".join(preview.content.decode().split())
    assert "Simpan 2 baris yang siap" in page
    assert "<strong>Kode wilayah:</strong> Kode wilayah 17.99 tidak dikenal." in page
    assert not OfficialFigure.objects.exists()

    confirmed = client.post(reverse("reports:figure-import-confirm", args=[seluma.pk, token]), follow=True)

    assert _figures() == SAVED
    assert confirmed.redirect_chain == [(reverse("reports:figure-list", args=[seluma.pk]), 302)]
    assert [str(m) for m in confirmed.context["messages"]] == [
        "Impor selesai: 2 angka resmi baru, 0 diperbarui, 0 sudah sama, 1 baris ditolak."]
    assert client.post(reverse("reports:figure-import-confirm", args=[seluma.pk, token])).status_code == 404

    history = OfficialFigure.history.count()
    again = client.get(_upload(client, seluma, content)["Location"])
    assert again.context["totals"] == {"rows": 3, "error": 1, "new": 0, "update": 0, "unchanged": 2}
    assert "siap: sama dengan yang tersimpan" in again.content.decode()
    token = list(client.session[IMPORT_SESSION_KEY])[-1]
    client.post(reverse("reports:figure-import-confirm", args=[seluma.pk, token]))
    assert (_figures(), OfficialFigure.history.count()) == (SAVED, history)


def test_confirm_refused_by_the_service_says_which_row_and_saves_nothing(login, regency_admin, seluma):
    client = login(regency_admin)
    location = _upload(client, seluma, workbook_bytes(
        [SELUMA_ROW, ["17.05.01", "31-12-2014", 0, 10, 0, 0, 100, None, None]]))["Location"]

    response = client.post(location + "simpan/", follow=True)

    assert [str(m) for m in response.context["messages"]] == [
        "Tidak ada yang disimpan. Baris 3: Tanggal angka resmi (31 Desember 2014) terlalu lama: paling awal 2015."]
    assert not OfficialFigure.objects.exists()


@pytest.mark.parametrize(("name", "content", "message"), [
    ("angka.csv", b"Kode wilayah,Per tanggal", "Berkas harus berformat Excel .xlsx."),
    ("angka.xlsx", b"not a zip", "Berkas harus berformat Excel .xlsx."),
    ("angka.xlsx", workbook_bytes([["17.05"]], headers=["Kode", "Tanggal"]),
     "Kolom wajib tidak ditemukan di baris pertama lembar \"Angka resmi\": Kode wilayah, Per tanggal, "
     "Penduduk bekerja."),
])
def test_upload_of_an_unusable_file_is_refused_on_the_form(login, regency_admin, seluma, name, content, message):
    response = _upload(login(regency_admin), seluma, content, name)

    assert response.status_code == 200
    assert message in response.context["form"].errors["file"][0]
    assert IMPORT_SESSION_KEY not in response.wsgi_request.session


def test_preview_of_another_regencys_upload_is_404(login, sysadmin, seluma, other_regency):
    client = login(sysadmin)
    token = _upload(client, seluma, workbook_bytes([SELUMA_ROW]))["Location"].rstrip("/").rsplit("/", 1)[1]

    assert client.get(reverse("reports:figure-import-preview", args=[other_regency.pk, token])).status_code == 404
    assert client.post(reverse("reports:figure-import-confirm", args=[other_regency.pk, token])).status_code == 404
    assert client.get(reverse("reports:figure-import-preview", args=[seluma.pk, "x" * 22])).status_code == 404


def test_another_users_upload_is_not_found(login, client, regency_admin, approver, seluma):
    token = _upload(login(regency_admin), seluma, workbook_bytes([SELUMA_ROW]))["Location"].rstrip("/").rsplit(
        "/", 1)[1]
    client.logout()

    response = login(approver).post(reverse("reports:figure-import-confirm", args=[seluma.pk, token]))

    assert response.status_code == 404
    assert not OfficialFigure.objects.exists()


def test_a_decompression_bomb_is_refused_at_upload_and_nothing_is_kept(login, regency_admin, seluma):
    from tests.workbook_bombs import bomb

    content = bomb(title=excel.DATA_SHEET, header=excel.HEADERS, row=["17.05", "31-12-2025", "1"])
    client = login(regency_admin)

    response = _upload(client, seluma, content)

    assert response.status_code == 200
    assert "Isi berkas Excel ini terlalu besar setelah dibuka" in response.context["form"].errors["file"][0]
    assert IMPORT_SESSION_KEY not in client.session and OfficialFigure.objects.count() == 0

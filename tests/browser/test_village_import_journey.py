"""A village officer, on a 360 px phone, enters the village meeting's list from Excel: *Unggah dari
Excel* on the village page, the template downloaded and filled, the upload, the preview with one row
refused (a birth date that does not exist, named in the error), the refused row downloaded to fix,
and the valid rows saved as drafts. Screenshots go to docs/screenshots/ for the user guide
(docs/panduan/02-operator-desa.md, "Unggah dari Excel")."""

import datetime as dt
from io import BytesIO
from pathlib import Path

import pytest
from django.utils import timezone
from openpyxl import load_workbook
from playwright.sync_api import expect

from registrations import services
from registrations.enums import NomineeStatus as S
from registrations.models import Nominee
from registrations.nominee_import import workbook as excel

from .conftest import PEOPLE, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DATE_ERROR = "Tanggal lahir '31-02-1978' tidak dapat dibaca: tulis HH-BB-TTTT, mis. 15-05-1990."


def no_sideways_scroll(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def filled_template(template: bytes) -> bytes:
    """The portal's template as the officer fills it in: three people of the musdes list, typed as
    text; the third one's birth date mistyped (there is no 31 February)."""
    workbook = load_workbook(BytesIO(template))
    sheet = workbook[excel.DATA_SHEET]
    column = {cell.value: cell.column for cell in sheet[1]}
    for row, (name, nik, born) in enumerate(PEOPLE, start=2):
        values = {"NIK": nik, "No. KK": "1705010101200001", "Nama lengkap": name, "Tempat lahir": "Tais",
                  "Tanggal lahir": born.strftime("%d-%m-%Y") if row < 4 else "31-02-1978",
                  "Jenis kelamin (L/P)": "L", "Alamat": "Jl. Raya Niur", "RT": "002", "No. HP": "0812 7788 9900",
                  "Pekerjaan": "Petani", "Sumber data": "DTSEN", "Desil": "2", "Persetujuan (Ya)": "Ya"}
        for header, value in values.items():
            sheet.cell(row=row, column=column[header], value=value)
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_officer_uploads_the_filled_template_sees_the_refused_row_and_saves_the_rest(
        phone, screenshot, seeded, officer, niur, regency_admin, seluma, tmp_path):
    today = timezone.localdate()
    services.programme_create(
        regency=seluma, created_by=regency_admin, name="Perlindungan Pekerja Rentan", year=today.year + 1,
        stage=1, coverage_start=today + dt.timedelta(days=40), nomination_opens=today - dt.timedelta(days=1),
        nomination_closes=today + dt.timedelta(days=30), quota_per_village=10,
    )
    log_in(phone, officer)

    phone.get_by_role("link", name="Unggah dari Excel").click()
    expect(phone.get_by_role("heading", name="Impor calon peserta dari Excel")).to_be_visible()
    no_sideways_scroll(phone)
    screenshot(phone, "village-import-upload-phone")

    with phone.expect_download() as template:
        phone.get_by_role("link", name="Unduh template (.xlsx)").click()
    assert template.value.suggested_filename == "template-calon-peserta.xlsx"
    filled = tmp_path / "calon-niur.xlsx"
    filled.write_bytes(filled_template(Path(template.value.path()).read_bytes()))

    phone.get_by_label("Berkas Excel (.xlsx, atau .xls dari OpenSID)").set_input_files(str(filled))
    phone.get_by_role("button", name="Unggah dan periksa").click()

    expect(phone.get_by_role("heading", name="Pratinjau impor")).to_be_visible()
    expect(phone.get_by_text(DATE_ERROR)).to_be_visible()
    expect(phone.get_by_text("siap", exact=True)).to_have_count(2)
    no_sideways_scroll(phone)
    screenshot(phone, "village-import-preview-phone")
    assert not Nominee.objects.exists()  # nothing saved before Simpan

    with phone.expect_download() as rejected:
        phone.get_by_role("link", name="Unduh 1 baris yang ditolak (.xlsx)").click()
    sheet = load_workbook(BytesIO(Path(rejected.value.path()).read_bytes()))[excel.DATA_SHEET]
    header = [cell.value for cell in sheet[1]]
    assert [sheet.cell(row=2, column=header.index(name) + 1).value
            for name in ("Nama lengkap", "Tanggal lahir", excel.REASON_HEADER)] == [
        "Joko Widodo", "31-02-1978", f"Baris 4: Tanggal lahir: {DATE_ERROR}"]

    phone.get_by_role("button", name="Simpan 2 baris yang siap").click()

    expect(phone.get_by_role("heading", name="Hasil impor")).to_be_visible()
    expect(phone.get_by_text("2 calon peserta disimpan sebagai draf")).to_be_visible()
    no_sideways_scroll(phone)
    screenshot(phone, "village-import-result-phone")

    phone.get_by_role("link", name="Lihat daftar calon desa").click()
    expect(phone.get_by_text("2 dari 10")).to_be_visible()
    assert sorted(Nominee.objects.values_list("full_name", "status", "village")) == [
        ("Agus Salim", S.DRAFT, niur.pk), ("Budi Santoso", S.DRAFT, niur.pk)]

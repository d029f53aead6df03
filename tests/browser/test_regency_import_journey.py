"""The regency admin hands over the office's list for the whole regency: opens the programme,
*Impor daftar kabupaten*, uploads the template with "Kode desa" filled, reads the preview and
saves. Screenshot for the office staff's guide: docs/screenshots/regency-import-preview.png."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from registrations import services
from registrations.models import Nominee

from ..registrations.workbooks import workbook_bytes
from .conftest import PEOPLE, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_regency_admin_imports_a_list_for_two_villages_and_sees_the_rejected_row(
        desk, screenshot, seeded, seluma, regency_admin, tmp_path):
    today = timezone.localdate()
    programme = services.programme_create(
        regency=seluma, created_by=regency_admin, name="Perlindungan Pekerja Rentan", year=today.year, stage=1,
        coverage_start=today + dt.timedelta(days=40), nomination_opens=today - dt.timedelta(days=1),
        nomination_closes=today + dt.timedelta(days=30), quota_per_village=10)
    base = {"No. KK": "1705010101200001", "Tempat lahir": "Tais", "Alamat": "Jl. Raya", "RT": "1",
            "Pekerjaan": "Petani", "Persetujuan (Ya)": "Ya", "Sumber data": "DTSEN"}
    rows = [{**base, "NIK": nik, "Nama lengkap": name, "Tanggal lahir": born.strftime("%d-%m-%Y"),
             "Jenis kelamin (L/P)": "L", "Kode desa": code}
            for (name, nik, born), code in zip(PEOPLE, ["17.05.01.2002", "1705012003", "17.01.01.2001"], strict=True)]
    headers = [*base, "NIK", "Nama lengkap", "Tanggal lahir", "Jenis kelamin (L/P)", "Kode desa"]
    listing = tmp_path / "dtsen-seluma.xlsx"
    listing.write_bytes(workbook_bytes(rows, headers=headers))

    log_in(desk, regency_admin)
    desk.goto(f"/usulan/program/{programme.pk}/")
    desk.get_by_role("link", name="Impor daftar kabupaten").click()
    desk.get_by_label("Berkas Excel (.xlsx)").set_input_files(str(listing))
    desk.get_by_role("button", name="Unggah dan periksa").click()

    expect(desk.get_by_role("heading", name="Pratinjau impor daftar kabupaten")).to_be_visible()
    expect(desk.get_by_text("Kode desa 17.01.01.2001 bukan desa/kelurahan di Kabupaten Seluma.")).to_be_visible()
    expect(desk.get_by_text(PEOPLE[2][1])).to_have_count(0)  # masked: ************0003
    screenshot(desk, "regency-import-preview")
    assert not Nominee.objects.exists()

    desk.get_by_role("button", name="Simpan 2 baris yang siap").click()

    expect(desk.get_by_role("heading", name="Hasil impor daftar kabupaten")).to_be_visible()
    expect(desk.get_by_text("2 calon peserta disimpan sebagai draf")).to_be_visible()
    assert sorted(Nominee.objects.values_list("full_name", "village__code")) == [
        ("Agus Salim", "17.05.01.2003"), ("Budi Santoso", "17.05.01.2002")]

"""A village officer whose village runs OpenSID uploads the participant report from OpenSID's
*Unduh* button as it is, picks one occupation and records consent for the whole file, lets one
person out, and saves. Screenshot for the village officer's guide:
docs/screenshots/opensid-import-preview.png."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from registrations import services
from registrations.models import Nominee

from ..registrations.workbooks import opensid_report_bytes
from .conftest import PEOPLE, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_officer_imports_opensid_report_chooses_occupation_and_consent_and_saves(
        desk, screenshot, seeded, seluma, regency_admin, officer, niur, tmp_path):
    today = timezone.localdate()
    services.programme_create(
        regency=seluma, created_by=regency_admin, name="Perlindungan Pekerja Rentan", year=today.year, stage=1,
        coverage_start=today + dt.timedelta(days=40), nomination_opens=today - dt.timedelta(days=1),
        nomination_closes=today + dt.timedelta(days=30), quota_per_village=10)
    people = [{"nik": nik, "kk": f"170501010120000{index}", "name": name, "birth_place": "Tais",
               "birth_date": born.isoformat(), "address": f"RT 00{index} / RW 001 Dusun II", "sex": "L"}
              for index, (name, nik, born) in enumerate(PEOPLE, start=1)]
    report = tmp_path / "laporan_bantuan_BLT_Dana_Desa.xls"
    report.write_bytes(opensid_report_bytes(people))

    log_in(desk, officer)
    desk.get_by_role("link", name="Unggah dari Excel").click()
    expect(desk.get_by_role("heading", name="Desa yang memakai OpenSID")).to_be_visible()
    desk.get_by_label("Berkas Excel (.xlsx, atau .xls dari OpenSID)").set_input_files(str(report))
    desk.get_by_role("button", name="Unggah dan periksa").click()

    expect(desk.get_by_role("heading", name="Lengkapi data yang tidak ada di berkas")).to_be_visible()
    expect(desk.get_by_text("laporan OpenSID (tombol Unduh di daftar peserta)")).to_be_visible()
    desk.get_by_label("Pekerjaan untuk semua baris").select_option(label="Petani")
    desk.get_by_label("Semua calon di berkas ini sudah setuju").check()
    desk.get_by_label("Persetujuan baris 5").select_option(label="Belum setuju")
    desk.get_by_role("button", name="Terapkan pilihan").first.click()

    expect(desk.get_by_text("Pilihan diterapkan.")).to_be_visible()
    expect(desk.get_by_role("button", name="Simpan 2 baris yang siap").first).to_be_visible()
    screenshot(desk, "opensid-import-preview")
    assert not Nominee.objects.exists()

    desk.get_by_role("button", name="Simpan 2 baris yang siap").first.click()

    expect(desk.get_by_text("2 calon peserta disimpan sebagai draf.")).to_be_visible()
    assert sorted(Nominee.objects.values_list("full_name", "occupation__name", "consent_by__username")) == [
        ("AGUS SALIM", "Petani", officer.username), ("BUDI SANTOSO", "Petani", officer.username)]

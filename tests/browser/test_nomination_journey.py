"""A village officer, on a 360 px phone, enters the village meeting's nominees: meets an Indonesian
NIK error, fixes it, fills the quota and sends the list to the regency, which locks it.
Screenshots go to docs/screenshots/ for the user guide (docs/panduan/02-operator-desa.md)."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from registrations import services
from registrations.enums import NomineeStatus as S
from registrations.models import Nominee

from .conftest import fill_nominee, log_in, no_sideways_scroll

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_officer_enters_nominees_fixes_a_nik_fills_the_quota_and_submits(phone, screenshot, officer, niur,
                                                                        regency_admin, seluma, seeded):
    today = timezone.localdate()
    services.programme_create(
        regency=seluma, created_by=regency_admin, name="Perlindungan Pekerja Rentan", year=today.year + 1,
        stage=1, coverage_start=today + dt.timedelta(days=40), nomination_opens=today - dt.timedelta(days=1),
        nomination_closes=today + dt.timedelta(days=30), quota_per_village=2,
    )

    log_in(phone, officer)

    expect(phone.get_by_role("heading", name="Desa Niur")).to_be_visible()
    expect(phone.get_by_text("0 dari 2")).to_be_visible()
    expect(phone.get_by_text("Belum ada calon di daftar desa ini.")).to_be_visible()
    no_sideways_scroll(phone)

    # First nominee: one digit of the NIK is missing.
    phone.get_by_role("link", name="+ Tambah calon").click()
    expect(phone.get_by_role("heading", name="Tambah calon peserta")).to_be_visible()
    fill_nominee(phone, nik="170501150590001", name="Budi Santoso", birth_date="1990-05-15", sex="Laki-laki", rt="2")
    phone.get_by_role("button", name="Simpan").click()

    expect(phone.get_by_text("NIK harus 16 digit angka.")).to_be_visible()
    expect(phone.get_by_label("Nama lengkap (sesuai KTP)")).to_have_value("Budi Santoso")
    no_sideways_scroll(phone)
    phone.get_by_label("NIK", exact=True).scroll_into_view_if_needed()
    screenshot(phone, "nominee-nik-error-phone")

    phone.get_by_label("NIK", exact=True).fill("1705011505900001")
    phone.get_by_label("Calon peserta setuju").check()
    phone.get_by_role("button", name="Simpan").click()

    expect(phone.get_by_text("Budi Santoso ditambahkan ke daftar")).to_be_visible()
    expect(phone.get_by_text("1 dari 2")).to_be_visible()

    # Second nominee, a woman (day of birth + 40 in the NIK), fills the quota.
    phone.get_by_role("link", name="+ Tambah calon").click()
    fill_nominee(phone, nik="1705015208850002", name="Sari Dewi", birth_date="1985-08-12", sex="Perempuan", rt="3")
    phone.get_by_role("button", name="Simpan").click()

    expect(phone.get_by_text("2 dari 2", exact=True)).to_be_visible()
    expect(phone.get_by_text("Kuota desa sudah penuh")).to_be_visible()
    expect(phone.get_by_role("link", name="+ Tambah calon")).to_have_count(0)
    no_sideways_scroll(phone)
    screenshot(phone, "village-page-phone")

    phone.get_by_role("link", name="Kirim ke kabupaten (2)").click()
    expect(phone.get_by_text("2 calon akan dikirim")).to_be_visible()
    no_sideways_scroll(phone)
    phone.get_by_role("button", name="Kirim ke kabupaten").click()

    expect(phone.get_by_text("2 calon dikirim ke kabupaten")).to_be_visible()
    expect(phone.get_by_text("dikirim ke kabupaten", exact=True)).to_have_count(2)
    expect(phone.get_by_role("link", name="Ubah")).to_have_count(0)
    expect(phone.get_by_role("link", name="Hapus")).to_have_count(0)
    expect(phone.get_by_role("link", name="Kirim ke kabupaten")).to_have_count(0)
    no_sideways_scroll(phone)
    screenshot(phone, "village-submitted-phone")

    assert sorted(Nominee.objects.values_list("full_name", "status")) == [
        ("Budi Santoso", S.SUBMITTED), ("Sari Dewi", S.SUBMITTED)]

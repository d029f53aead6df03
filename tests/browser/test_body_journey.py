"""A nominating body's officer (lembaga pengusul) in a real browser: lands on the body's list, adds
a marbot who lives in Desa Niur, and the village officer of Niur then reads that person on the
village's list, read only. The screenshots go to docs/screenshots/ for the user guide
(docs/panduan/10-lembaga-pengusul.md)."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from registrations import body_services, services
from registrations.enums import BodyKind
from registrations.models import Nominee

from ..conftest import PASSWORD
from .conftest import fill_nominee, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def kemenag_open(seeded, seluma, regency_admin):
    """Seluma's open stage accepts Kemenag Seluma with 15 places; its officer's account."""
    today = timezone.localdate()
    programme = services.programme_create(
        regency=seluma, created_by=regency_admin, name="Perlindungan Pekerja Rentan", year=today.year, stage=1,
        coverage_start=today + dt.timedelta(days=40), nomination_opens=today - dt.timedelta(days=1),
        nomination_closes=today + dt.timedelta(days=30), quota_per_village=10,
    )
    body = body_services.nominating_body_create(regency=seluma, name="Kantor Kementerian Agama Kabupaten Seluma",
                                                kind=BodyKind.RELIGIOUS_AFFAIRS, created_by=regency_admin)
    body_services.programme_body_set(programme=programme, body=body, quota=15, changed_by=regency_admin)
    user, _ = body_services.body_officer_create(body=body, created_by=regency_admin, full_name="Ahmad Fauzi")
    user.set_password(PASSWORD)
    user.must_change_password = False
    user.save()
    return body, user


def test_the_body_adds_a_marbot_and_the_village_reads_it(desk, phone, screenshot, kemenag_open, officer, niur):
    body, body_officer = kemenag_open
    log_in(desk, body_officer)
    expect(desk.get_by_role("heading", name=body.name)).to_be_visible()
    expect(desk.locator(".quota")).to_have_text("0 dari 15")

    desk.get_by_role("link", name="+ Tambah calon").click()
    desk.get_by_label("Desa/kelurahan tempat tinggal").select_option(label="Niur — Kec. Sukaraja")
    fill_nominee(desk, nik="1705011505900001", name="Abdul Somad", birth_date="1990-05-15", sex="Laki-laki", rt="2")
    desk.get_by_label("Pekerjaan").select_option(label="Marbot")
    desk.get_by_role("button", name="Simpan").click()

    expect(desk.get_by_text("Abdul Somad ditambahkan ke daftar lembaga (draf).")).to_be_visible()
    expect(desk.locator(".quota")).to_have_text("1 dari 15")
    expect(desk.locator(".nominee-meta")).to_contain_text("Desa Niur, Kec. Sukaraja")
    screenshot(desk, "body-list")
    marbot = Nominee.objects.get(nominating_body=body)
    assert (marbot.village, marbot.status) == (niur, "draft")

    # Niur's officer sees the marbot living in the village, with the body's name, and cannot change it.
    log_in(phone, officer)
    card = phone.locator("li.nominee", has_text="Abdul Somad")
    expect(card).to_contain_text("Diusulkan oleh Kantor Kementerian Agama Kabupaten Seluma")
    expect(card.get_by_role("link", name="Ubah")).to_have_count(0)
    screenshot(phone, "village-body-nominee-phone")


def test_the_regency_admin_records_a_body_gives_it_places_and_an_account(desk, screenshot, seeded, seluma,
                                                                          regency_admin):
    today = timezone.localdate()
    programme = services.programme_create(
        regency=seluma, created_by=regency_admin, name="Perlindungan Pekerja Rentan", year=today.year, stage=1,
        coverage_start=today + dt.timedelta(days=40), nomination_opens=today - dt.timedelta(days=1),
        nomination_closes=today + dt.timedelta(days=30), quota_per_village=10,
    )
    log_in(desk, regency_admin)
    desk.goto(f"/usulan/program/{programme.pk}/")
    desk.get_by_role("link", name="Lembaga pengusul").click()
    expect(desk.get_by_text("Belum ada lembaga pengusul.")).to_be_visible()

    desk.get_by_label("Nama lembaga").fill("Kantor Kementerian Agama Kabupaten Seluma")
    desk.get_by_label("Jenis lembaga").select_option(label="Kantor Kementerian Agama (marbot, guru ngaji)")
    desk.get_by_role("button", name="Simpan lembaga").click()

    desk.get_by_label("Program", exact=True).select_option(label=str(programme))
    desk.get_by_label("Kuota lembaga (orang)").fill("15")
    desk.get_by_role("button", name="Simpan kuota").click()
    expect(desk.get_by_text("Kuota Kantor Kementerian Agama Kabupaten Seluma disimpan.")).to_be_visible()

    desk.get_by_label("Nama operator").fill("Ahmad Fauzi")
    desk.get_by_role("button", name="Buat akun operator").click()
    expect(desk.get_by_text("Akun operator dibuat.")).to_be_visible()
    screenshot(desk, "body-manage")
    body = seluma.nominating_bodies.get()
    assert body.officers.get().user.get_full_name() == "Ahmad Fauzi"
    assert body.programme_places.get().quota == 15

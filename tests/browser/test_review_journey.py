"""The regency's half, in a real browser: the reviewer returns one nominee of Desa Niur's list with a
reason, the village officer (on a phone) reads the notice, fixes the KK and sends it again, the
reviewer verifies the whole village, and the approver approves the village in bulk. Screenshots go
to docs/screenshots/ for the user guide (docs/panduan/03-verifikator.md, 04-penyetuju.md)."""

import datetime as dt
import importlib

import pytest
from django.apps import apps
from django.utils import timezone
from playwright.sync_api import expect

from registrations import services
from registrations.enums import NomineeStatus as S
from registrations.models import Nominee, NomineeEvent, OccupationCategory
from registrations.validation import check_nominee

from ..conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PEOPLE = [  # (name, NIK, birth date): NIKs of Kecamatan Sukaraja (17.05.01) with the birth date inside
    ("Budi Santoso", "1705011505900001", dt.date(1990, 5, 15)),
    ("Agus Salim", "1705010203850002", dt.date(1985, 3, 2)),
    ("Joko Widodo", "1705012107780003", dt.date(1978, 7, 21)),
]


@pytest.fixture
def seeded(db):
    """A transactional test starts from an empty database: put back what migration 0002 seeds."""
    importlib.import_module("registrations.migrations.0002_seed_rates_and_categories").seed(apps, None)


@pytest.fixture
def submitted_list(seeded, seluma, niur, officer, regency_admin):
    """Desa Niur's three nominees, entered and sent to the regency through the services."""
    today = timezone.localdate()
    programme = services.programme_create(
        regency=seluma, created_by=regency_admin, name="Perlindungan Pekerja Rentan", year=today.year + 1,
        stage=1, coverage_start=today + dt.timedelta(days=40), nomination_opens=today - dt.timedelta(days=1),
        nomination_closes=today + dt.timedelta(days=30), quota_per_village=10,
    )
    farmer = OccupationCategory.objects.get(name="Petani")
    for name, nik, birth_date in PEOPLE:
        check = check_nominee(programme=programme, village=niur, nik=nik, kk="1705010101200001",
                              birth_date=birth_date, sex="L")
        services.nominee_create(programme=programme, village=niur, created_by=officer, nik=check.nik,
                                nik_hash=check.nik_hash, kk=check.kk, full_name=name, birth_place="Tais",
                                birth_date=birth_date, sex="L", address="Jl. Raya Niur", rt="001",
                                occupation=farmer)
    services.village_list_submit(programme=programme, village=niur, submitted_by=officer)
    return programme


def log_in(page, user):
    page.goto("/")
    page.get_by_label("Nama pengguna").fill(user.username)
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()


def log_out(page):
    page.get_by_role("button", name="Keluar").click()


def statuses():
    return dict(Nominee.objects.values_list("full_name", "status"))


def test_reviewer_returns_officer_fixes_reviewer_verifies_approver_approves_the_village(
        desk, phone, screenshot, submitted_list, officer, reviewer, approver, niur):
    # The reviewer starts in the queue: three nominees of Desa Niur wait for verification.
    log_in(desk, reviewer)
    expect(desk.get_by_role("heading", name="Verifikasi usulan")).to_be_visible()
    queue = desk.locator("table")
    for name, _, _ in PEOPLE:
        expect(queue.get_by_role("link", name=name)).to_be_visible()
    screenshot(desk, "review-queue")

    # Agus's KK is wrong: the reviewer opens him and returns him with a reason from the list.
    queue.get_by_role("link", name="Agus Salim").click()
    expect(desk.get_by_role("heading", name="Agus Salim")).to_be_visible()
    desk.get_by_label("Alasan").select_option(label="Nomor KK tidak sesuai kartu keluarga")
    desk.get_by_label("Keterangan").fill("Nomor KK berbeda dengan foto KK. Cocokkan lalu kirim lagi.")
    desk.get_by_role("button", name="Kembalikan ke desa").click()
    expect(desk.get_by_text("Agus Salim dikembalikan ke desa untuk diperbaiki.")).to_be_visible()
    assert statuses()["Agus Salim"] == S.RETURNED

    # The village officer, on a phone, sees the notice and the returned nominee at the top.
    log_in(phone, officer)
    expect(phone.get_by_role("heading", name="Desa Niur")).to_be_visible()
    expect(phone.get_by_role("link", name="Pemberitahuan")).to_contain_text("1")
    expect(phone.get_by_text("Nomor KK berbeda dengan foto KK.")).to_be_visible()
    screenshot(phone, "village-returned-phone")
    phone.get_by_role("link", name="Pemberitahuan").click()
    expect(phone.get_by_text("Agus Salim: dikembalikan untuk diperbaiki.")).to_be_visible()

    # … fixes the KK and sends the list again.
    phone.goto(f"/usulan/desa/{niur.pk}/")
    phone.get_by_role("link", name="Perbaiki Agus Salim").click()
    phone.get_by_label("No. KK").fill("1705010101200002")
    phone.get_by_label("Calon peserta setuju").check()
    phone.get_by_role("button", name="Simpan").click()
    phone.get_by_role("link", name="Kirim ke kabupaten (1)").click()
    phone.get_by_role("button", name="Kirim ke kabupaten").click()
    expect(phone.get_by_text("1 calon dikirim ke kabupaten")).to_be_visible()
    assert statuses()["Agus Salim"] == S.SUBMITTED

    # The reviewer sees the correction in Agus's timeline (old → new), then verifies the whole village.
    desk.reload()
    expect(desk.get_by_text("Dikirim ke kabupaten").last).to_be_visible()
    expect(desk.locator(".timeline")).to_contain_text("No. KK")
    screenshot(desk, "nominee-timeline")
    desk.get_by_role("link", name="Desa Niur").first.click()
    expect(desk.get_by_role("heading", name="Desa Niur")).to_be_visible()
    screenshot(desk, "review-village")
    desk.get_by_role("button", name="Verifikasi semua yang dikirim ke kabupaten (3)").click()
    expect(desk.get_by_text("3 calon diverifikasi.")).to_be_visible()
    assert set(statuses().values()) == {S.VERIFIED}
    log_out(desk)

    # The approver approves the village in one go; four eyes: the verifier was someone else.
    log_in(desk, approver)
    expect(desk.get_by_role("heading", name="Verifikasi usulan")).to_be_visible()
    desk.locator("table").get_by_role("link", name="Niur").first.click()
    desk.get_by_role("button", name="Setujui semua yang terverifikasi (3)").click()
    expect(desk.get_by_text("3 calon disetujui.")).to_be_visible()
    screenshot(desk, "review-village-approved")

    assert statuses() == {name: S.APPROVED for name, _, _ in PEOPLE}
    agus = Nominee.objects.get(full_name="Agus Salim")
    assert list(NomineeEvent.objects.filter(nominee=agus).values_list("to_status", "actor__username")) == [
        (S.DRAFT, officer.username), (S.SUBMITTED, officer.username), (S.RETURNED, reviewer.username),
        (S.SUBMITTED, officer.username), (S.VERIFIED, reviewer.username), (S.APPROVED, approver.username),
    ]

    # The office sees where every village of the regency stands.
    desk.goto(f"/usulan/program/{submitted_list.pk}/pengiriman/")
    expect(desk.get_by_role("heading", name="Pemantauan pengiriman desa")).to_be_visible()
    screenshot(desk, "submissions-tracking", full_page=False)  # the first screen of 202 villages

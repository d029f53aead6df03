"""The regency's half, in a real browser: the reviewer returns one nominee of Desa Niur's list with a
reason, the village officer (on a phone) reads the notice, fixes the KK and sends it again, the
reviewer verifies the whole village, and the approver approves the village in bulk. Screenshots go
to docs/screenshots/ for the user guide (docs/panduan/03-verifikator.md, 04-penyetuju.md)."""


import pytest
from django.utils import timezone
from playwright.sync_api import expect

from registrations.enums import NomineeStatus as S
from registrations.models import Nominee, NomineeEvent

from .conftest import PEOPLE, log_in, niur_list_submitted

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

@pytest.fixture
def submitted_list(seeded, seluma, niur, officer, regency_admin):
    """Desa Niur's three nominees, entered and sent to the regency through the services."""
    return niur_list_submitted(regency=seluma, village=niur, officer=officer, regency_admin=regency_admin,
                               year=timezone.localdate().year + 1)


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
    expect(desk.get_by_role("heading", name="Verifikasi 3 calon Desa Niur?")).to_be_visible()
    desk.get_by_role("button", name="Ya, verifikasi 3 calon").click()
    expect(desk.get_by_text("3 calon diverifikasi.")).to_be_visible()
    assert set(statuses().values()) == {S.VERIFIED}
    log_out(desk)

    # The approver approves the village in one go; four eyes: the verifier was someone else.
    log_in(desk, approver)
    expect(desk.get_by_role("heading", name="Verifikasi usulan")).to_be_visible()
    desk.locator("table").get_by_role("link", name="Niur").first.click()
    desk.get_by_role("button", name="Setujui semua yang terverifikasi (3)").click()
    desk.get_by_role("button", name="Ya, setujui 3 calon").click()
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

"""Benefit claims in a real browser: the BPJS officer finds a member by KPJ number and records the
JKM benefit paid to his wife; the member's page shows it (loaded by htmx) and the approver ends the
membership with the reason "meninggal dunia" from there; the regency's claims list. Screenshots go
to docs/screenshots/ for the user guide (docs/panduan/09-klaim-manfaat.md)."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from membership.models import BenefitClaim
from registrations.enums import EndReason, NomineeStatus
from registrations.models import Nominee

from .conftest import PEOPLE, log_in, niur_list_submitted

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def member(seeded, seluma, niur, officer, regency_admin):
    """Budi Santoso of Desa Niur, an active member (arranged: the BPJS steps have their own tests)."""
    niur_list_submitted(regency=seluma, village=niur, officer=officer, regency_admin=regency_admin,
                        year=timezone.localdate().year)
    nominee = Nominee.objects.get(full_name=PEOPLE[0][0])
    Nominee.objects.filter(pk=nominee.pk).update(status=NomineeStatus.ACTIVE, kpj_number="01705000123",
                                                 registered_on=timezone.localdate() - dt.timedelta(days=60))
    return nominee


def test_the_bpjs_officer_records_a_death_benefit_and_the_approver_ends_the_membership(
        desk, screenshot, member, seluma, bpjs_officer, approver):
    log_in(desk, bpjs_officer)
    desk.goto(f"/kepesertaan/kabupaten/{seluma.pk}/klaim/")
    expect(desk.get_by_text("Belum ada klaim manfaat yang dicatat")).to_be_visible()
    desk.get_by_role("link", name="Catat klaim").click()

    desk.get_by_label("Nomor KPJ atau NIK peserta").fill("01705000123")
    desk.get_by_role("button", name="Cari").click()
    expect(desk.locator(".facts")).to_contain_text("Budi Santoso")
    desk.get_by_label("Jenis manfaat").select_option(label="JKM — jaminan kematian")
    desk.get_by_label("Tanggal klaim dibayar").fill(timezone.localdate().isoformat())
    desk.get_by_label("Jumlah dibayar (Rp)").fill("42.000.000")
    desk.get_by_label("Penerima", exact=True).select_option(label="Suami/istri")
    desk.get_by_label("Nama penerima").fill("Siti Aminah")
    desk.get_by_label("Nomor referensi BPJS").fill("JKM-1705-0042")
    screenshot(desk, "claims-form", full_page=False)
    desk.get_by_role("button", name="Simpan klaim").click()

    # The member's page, with the claim (the claims part comes by htmx) and who ends the membership.
    expect(desk.get_by_text("Klaim JKM — jaminan kematian untuk Budi Santoso sebesar Rp42.000.000 dicatat.")
           ).to_be_visible()
    claims = desk.locator("#klaim")
    expect(claims).to_contain_text("referensi BPJS JKM-1705-0042")
    expect(claims).to_contain_text("Minta admin atau penyetuju dinas menghentikannya")
    assert BenefitClaim.objects.get().nominee_id == member.pk

    desk.goto(f"/kepesertaan/kabupaten/{seluma.pk}/klaim/")
    expect(desk.get_by_role("row", name="Budi Santoso")).to_contain_text(PEOPLE[0][1])  # the NIK in full
    screenshot(desk, "claims-list")

    desk.context.clear_cookies()
    log_in(desk, approver)
    desk.goto(f"/usulan/calon/{member.pk}/")
    expect(desk.locator("#klaim")).to_contain_text("kepesertaan Budi Santoso masih berjalan")
    screenshot(desk, "claims-nominee")
    desk.get_by_role("button", name="Hentikan kepesertaan: meninggal dunia").click()

    expect(desk.get_by_text("Kepesertaan Budi Santoso dihentikan.")).to_be_visible()
    member.refresh_from_db()
    assert member.status == NomineeStatus.ENDED
    assert member.events.last().reason_code == EndReason.DIED
    expect(desk.locator("#klaim")).not_to_contain_text("masih berjalan")

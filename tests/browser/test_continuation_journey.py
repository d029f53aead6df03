"""The village officer confirms who of last stage's members continue in the new stage and who
leaves, on a phone. The screenshots go to docs/screenshots/ for the user guide
(docs/panduan/02-operator-desa.md, "Konfirmasi peserta lanjutan")."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from registrations import services
from registrations.enums import NomineeStatus as S
from registrations.enums import QuotaRule
from registrations.models import Nominee

from ..conftest import SCREENSHOTS
from .conftest import log_in, no_sideways_scroll

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NAMES = ["Agus Salim", "Budi Santoso", "Joko Widodo"]


def test_officer_confirms_who_continues_and_who_leaves(phone, screenshot, seeded, officer, niur, seluma,
                                                       regency_admin, programme, add_nominees):
    members = add_nominees(programme, niur, 3, status=S.ACTIVE, registered_on=dt.date(2026, 3, 1))
    for member, name, status in zip(members, NAMES, [S.ACTIVE, S.ACTIVE, S.ARREARS], strict=True):
        member.full_name, member.status, member.paid_until = name, status, dt.date(2026, 5, 31)
    Nominee.objects.bulk_update(members, ["full_name", "status", "paid_until"])
    today = timezone.localdate()
    next_stage = services.programme_create(
        regency=seluma, created_by=regency_admin, name="Perlindungan Pekerja Rentan 2027", year=2027, stage=1,
        implementing_office="Dinas Tenaga Kerja Kabupaten Seluma", coverage_start=dt.date(2027, 1, 1),
        nomination_opens=today - dt.timedelta(days=1), nomination_closes=today + dt.timedelta(days=30),
        quota_rule=QuotaRule.PER_VILLAGE, quota_per_village=3, continues_from=programme)

    log_in(phone, officer)
    expect(phone.get_by_text("3 peserta program sebelumnya menunggu konfirmasi")).to_be_visible()
    phone.get_by_role("link", name="Konfirmasi peserta lanjutan").click()

    expect(phone.get_by_role("heading", name="Konfirmasi peserta lanjutan")).to_be_visible()
    joko = phone.locator("li.nominee", has_text="Joko Widodo")
    joko.get_by_role("radio", name="Berhenti").check()
    joko.get_by_label("Alasan bila berhenti").select_option(label="Pindah domisili")
    no_sideways_scroll(phone)
    screenshot(phone, "continuation-confirm")

    phone.get_by_role("button", name="Simpan konfirmasi (3 orang)").click()

    expect(phone.get_by_text("Konfirmasi disimpan: 2 peserta lanjut, 1 berhenti.")).to_be_visible()
    expect(phone.get_by_text("Semua peserta Perlindungan Pekerja Rentan 2026 — Tahap 1 di desa ini sudah "
                             "dikonfirmasi.")).to_be_visible()
    expect(phone.locator("#sudah-dikonfirmasi")).to_contain_text("Joko Widodo")
    expect(phone.locator("#sudah-dikonfirmasi")).to_contain_text("berhenti: Pindah domisili")
    screenshot(phone, "continuation-confirmed")
    assert sorted(Nominee.objects.filter(programme=next_stage).values_list("full_name", flat=True)) == [
        "Agus Salim", "Budi Santoso"]


def test_dashboard_planner_prices_continuing_members_and_new_places(desk, screenshot, seeded, officer, niur, seluma,
                                                                     regency_admin, programme, add_nominees):
    add_nominees(programme, niur, 3, status=S.ACTIVE, registered_on=dt.date(2026, 3, 1))
    today = timezone.localdate()
    services.programme_create(
        regency=seluma, created_by=regency_admin, name="Perlindungan Pekerja Rentan 2027", year=2027, stage=1,
        implementing_office="Dinas Tenaga Kerja Kabupaten Seluma", coverage_start=dt.date(2027, 1, 1),
        nomination_opens=today - dt.timedelta(days=1), nomination_closes=today + dt.timedelta(days=30),
        quota_rule=QuotaRule.REGENCY_TOTAL, quota_total=2_020, months_paid=3, continues_from=programme)

    log_in(desk, regency_admin)
    desk.goto(f"/cakupan/kabupaten/{seluma.pk}/#perencana")

    block = desk.locator("#anggaran-lanjutan")
    expect(block).to_contain_text("Peserta lanjutan (0 dikonfirmasi desa, 3 menunggu konfirmasi)")
    expect(block).to_contain_text("Rp151.200")  # 3 × Rp16.800 × 3 months
    expect(block).to_contain_text("Rp101.808.000")  # 2.020 places × Rp16.800 × 3 months
    block.scroll_into_view_if_needed()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    block.screenshot(path=str(SCREENSHOTS / "planner-continuation.png"))

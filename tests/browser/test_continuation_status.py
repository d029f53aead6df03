"""The regency admin follows which villages have confirmed the members who continue into the new
stage, from the programme page. The screenshot goes to docs/screenshots/ for the user guide
(docs/panduan/01-masuk-dan-akun.md, "Melanjutkan peserta tahap sebelumnya")."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from registrations import continuation, services
from registrations.continuation import Choice
from registrations.enums import EndReason, QuotaRule
from registrations.enums import NomineeStatus as S

from .conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_admin_sees_which_villages_confirmed_the_continuing_members(desk, screenshot, seeded, officer, niur,
                                                                    lubuk_sahung, seluma, regency_admin, programme,
                                                                    add_nominees):
    niur_members = add_nominees(programme, niur, 3, status=S.ACTIVE, registered_on=dt.date(2026, 3, 1))
    add_nominees(programme, lubuk_sahung, 2, status=S.ACTIVE, registered_on=dt.date(2026, 3, 1))
    today = timezone.localdate()
    next_stage = services.programme_create(
        regency=seluma, created_by=regency_admin, name="Perlindungan Pekerja Rentan 2027", year=2027, stage=1,
        implementing_office="Dinas Tenaga Kerja Kabupaten Seluma", coverage_start=dt.date(2027, 1, 1),
        nomination_opens=today - dt.timedelta(days=1), nomination_closes=today + dt.timedelta(days=30),
        quota_rule=QuotaRule.PER_VILLAGE, quota_per_village=10, continues_from=programme)
    stays, also_stays, leaves = niur_members
    continuation.village_continuation_confirm(programme=next_stage, village=niur, actor=officer, choices=[
        Choice(nominee_pk=stays.pk, continues=True, seen_status=S.ACTIVE),
        Choice(nominee_pk=also_stays.pk, continues=True, seen_status=S.ACTIVE),
        Choice(nominee_pk=leaves.pk, continues=False, seen_status=S.ACTIVE, reason_code=EndReason.WAGED)])

    log_in(desk, regency_admin)
    desk.goto(f"/usulan/program/{next_stage.pk}/")
    desk.get_by_role("link", name="Konfirmasi peserta lanjutan").click()

    expect(desk.get_by_role("heading", name="Konfirmasi peserta lanjutan")).to_be_visible()
    expect(desk.locator("#ringkasan-lanjutan")).to_contain_text("1 dari 2")
    rows = desk.locator("table.continuation-status tbody tr")
    expect(rows.nth(0)).to_contain_text("Lubuk Sahung")
    expect(rows.nth(0)).to_contain_text("Belum konfirmasi")
    expect(rows.nth(1)).to_contain_text("Niur")
    expect(rows.nth(1)).to_contain_text("Sudah konfirmasi")
    screenshot(desk, "continuation-status")

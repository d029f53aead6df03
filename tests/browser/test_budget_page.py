"""The office's budget and bills in the browser: from the programme page to "Anggaran & tagihan",
a bill entered by hand and then marked paid with its SP2D, and a flagged bill examined per
village. Screenshot: docs/screenshots/budget-bills.png."""

import datetime as dt

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from membership.budget import services
from registrations.enums import NomineeStatus as S
from villages.models import Village

from .conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_office_records_a_bill_and_its_payment(seeded, desk, screenshot, regency_admin, programme, add_nominees):
    niur = Village.objects.get(code="17.05.01.2002")
    lubuk_sahung = Village.objects.get(code="17.05.01.2003")
    add_nominees(programme, niur, 12, S.ACTIVE, dt.date(2026, 2, 20))
    add_nominees(programme, lubuk_sahung, 8, S.ACTIVE, dt.date(2026, 2, 20))
    services.budget_entry_create(programme=programme, source="apbd", amount=101_808_000,
                                 legal_basis="Perbup Seluma Nomor 15 Tahun 2025", decided_on=dt.date(2025, 12, 15),
                                 created_by=regency_admin)
    log_in(desk, regency_admin)

    desk.goto(reverse("registrations:programme-detail", args=[programme.pk]))
    desk.get_by_role("link", name="Anggaran & tagihan").click()
    expect(desk.get_by_role("heading", level=1)).to_contain_text("Anggaran & tagihan")
    expect(desk.get_by_text("Belum ada tagihan iuran.")).to_be_visible()

    desk.get_by_role("link", name="Catat tagihan").click()
    desk.get_by_label("Periode mulai (bulan)").fill("2026-03")
    desk.get_by_label("Periode sampai (bulan)").fill("2026-03")
    desk.get_by_label("Jumlah peserta ditagih").fill("20")
    desk.get_by_label("Jumlah tagihan (Rp)").fill("336.000")
    desk.get_by_label("Jatuh tempo").fill("2026-03-15")
    desk.get_by_role("button", name="Simpan tagihan").click()
    expect(desk.get_by_text("Tagihan Maret 2026 dicatat.")).to_be_visible()

    desk.get_by_role("link", name="catat pembayaran").click()
    desk.get_by_label("Tanggal bayar (SP2D)").fill("2026-03-10")
    desk.get_by_label("Nomor SP2D").fill("0007/SP2D-LS/BPKAD/2026")
    desk.get_by_role("button", name="Simpan tagihan").click()
    expect(desk.get_by_text("Tagihan Maret 2026 diperbarui.")).to_be_visible()

    # BPJS bills April–May for 22: two more than the portal counts.
    desk.get_by_role("link", name="Catat tagihan").click()
    desk.get_by_label("Periode mulai (bulan)").fill("2026-04")
    desk.get_by_label("Periode sampai (bulan)").fill("2026-05")
    desk.get_by_label("Jumlah peserta ditagih").fill("22")
    desk.get_by_label("Jumlah tagihan (Rp)").fill("739.200")
    desk.get_by_label("Jatuh tempo").fill("2026-04-15")
    desk.get_by_role("button", name="Simpan tagihan").click()

    row = desk.locator("#tagihan-2026-04")
    expect(row).to_contain_text("berbeda")
    expect(row).to_contain_text("ditagih 2 peserta lebih banyak dari yang tercatat")
    expect(desk.locator("#tagihan-2026-03")).to_contain_text("SP2D 0007/SP2D-LS/BPKAD/2026")
    row.get_by_role("link", name="periksa").click()
    expect(desk.locator("#periksa")).to_contain_text(niur.name)
    desk.goto(reverse("membership:budget-detail", args=[programme.pk]))
    screenshot(desk, "budget-bills")

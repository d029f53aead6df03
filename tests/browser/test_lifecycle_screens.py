"""The membership lifecycle's pages as the user guide shows them: the budget entry and bill forms,
the bill import and its preview, the claims file upload and its preview, the BPJS participant list
upload, the regency's nominating bodies and a body officer's add form, and the regent's dashboard
with its budget and benefits panels. Each test checks what a person sees and saves the screenshot
into docs/screenshots/ for docs/panduan/06 to 10; the journeys themselves are tested next door."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from membership import bills
from membership.budget import services as budget_services
from membership.claims import services as claim_services
from membership.enums import BeneficiaryRelation, Benefit
from registrations import body_services
from registrations.enums import BodyKind
from registrations.enums import NomineeStatus as S
from registrations.models import Nominee
from tests.membership.bills.test_bill_import import BRANCH_ROWS
from tests.membership.bills.test_bill_import import _file as bills_file
from tests.membership.claims.test_claim_import import claims_file

from .conftest import PEOPLE, fill_nominee, log_in
from .test_body_journey import kemenag_open  # noqa: F401
from .test_claims_journey import member  # noqa: F401
from .test_regent_summary import seluma_figures  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    """Staged uploads under a temporary MEDIA_ROOT."""
    settings.MEDIA_ROOT = tmp_path / "media"


def test_the_budget_entry_and_the_bill_forms(desk, screenshot, seeded, regency_admin, programme, niur, add_nominees):
    add_nominees(programme, niur, 5, S.ACTIVE, dt.date(2026, 2, 20))
    log_in(desk, regency_admin)
    desk.goto(reverse("membership:budget-detail", args=[programme.pk]))

    desk.get_by_role("link", name="Tambah anggaran").click()
    expect(desk.get_by_role("heading", level=1)).to_have_text("Tambah anggaran")
    desk.get_by_label("Sumber dana").select_option(index=0)
    desk.get_by_label("Jumlah anggaran (Rp)").fill("101.808.000")
    desk.get_by_label("Dasar hukum (Perbup)").fill("Perbup Seluma Nomor 15 Tahun 2025")
    desk.get_by_label("Tanggal penetapan").fill("2025-12-15")
    desk.evaluate("document.activeElement.blur()")  # no focus ring in the guide
    screenshot(desk, "budget-entry-form")
    desk.get_by_role("button", name="Simpan anggaran").click()
    expect(desk.get_by_role("heading", level=1)).to_contain_text("Anggaran & tagihan")
    expect(desk.get_by_text("Rp101.808.000").first).to_be_visible()

    desk.get_by_role("link", name="Catat tagihan").click()
    expect(desk.get_by_role("heading", level=1)).to_have_text("Catat tagihan iuran BPJS")
    desk.get_by_label("Periode mulai (bulan)").fill("2026-03")
    desk.get_by_label("Periode sampai (bulan)").fill("2026-03")
    desk.get_by_label("Jumlah peserta ditagih").fill("5")
    desk.get_by_label("Jumlah tagihan (Rp)").fill("84.000")
    desk.get_by_label("Jatuh tempo").fill("2026-03-15")
    desk.evaluate("document.activeElement.blur()")  # no focus ring in the guide
    screenshot(desk, "bill-form")
    desk.get_by_role("button", name="Simpan tagihan").click()
    expect(desk.get_by_text("Tagihan Maret 2026 dicatat.")).to_be_visible()


def test_the_bill_import_and_its_preview(desk, screenshot, tmp_path, seeded, regency_admin, programme):
    path = tmp_path / "tagihan.xlsx"
    path.write_bytes(bills_file(BRANCH_ROWS))
    log_in(desk, regency_admin)
    desk.goto(reverse("membership:budget-detail", args=[programme.pk]))

    desk.get_by_role("link", name="Impor tagihan dari Excel").click()
    expect(desk.get_by_role("heading", level=1)).to_have_text("Impor tagihan iuran dari Excel")
    expect(desk.get_by_role("link", name="Unduh template (.xlsx)")).to_be_visible()
    screenshot(desk, "bill-import")

    desk.get_by_label("Berkas Excel (.xlsx)").set_input_files(str(path))
    desk.get_by_role("button", name="Unggah dan periksa").click()
    expect(desk.get_by_role("heading", level=1)).to_have_text("Pratinjau impor tagihan")
    expect(desk.locator("#baris-2")).to_contain_text("03-2026 s.d. 03-2026")
    expect(desk.locator("#baris-2")).to_contain_text("siap")
    expect(desk.locator("#baris-3")).to_contain_text("04-2026 s.d. 05-2026")
    expect(desk.locator("#baris-3")).to_contain_text("belum dibayar")
    expect(desk.get_by_role("button", name="Simpan 2 tagihan")).to_be_visible()
    screenshot(desk, "bill-import-preview")


def test_the_claims_file_upload_and_its_preview(desk, screenshot, tmp_path, member, seluma,  # noqa: F811
                                                bpjs_officer):
    path = tmp_path / "klaim.xlsx"
    path.write_bytes(claims_file([
        ["", "01705000123", PEOPLE[0][0], "JKM", timezone.localdate().strftime("%d-%m-%Y"), "42.000.000", "Istri",
         "Siti Aminah", "JKM-1705-0042"],
        ["", "01705000999", "Orang Lain", "JKK", timezone.localdate().strftime("%d-%m-%Y"), "3.250.000",
         "peserta sendiri", "", "JKK-1705-0043"],
    ]))
    log_in(desk, bpjs_officer)
    desk.goto(reverse("membership:claim-list", args=[seluma.pk]))

    desk.get_by_role("link", name="Impor berkas klaim").click()
    expect(desk.get_by_role("heading", level=1)).to_contain_text("Impor berkas klaim")
    expect(desk.get_by_label("Berkas klaim dari BPJS (.xlsx)")).to_be_visible()
    screenshot(desk, "claims-import-upload")

    desk.get_by_label("Berkas klaim dari BPJS (.xlsx)").set_input_files(str(path))
    desk.get_by_role("button", name="Unggah dan periksa").click()
    expect(desk.get_by_role("heading", name="Pratinjau berkas klaim")).to_be_visible()
    expect(desk.get_by_role("row", name="Budi Santoso")).to_contain_text("Akan dicatat")
    expect(desk.get_by_role("row", name="Orang Lain")).to_contain_text("Peserta tidak dikenal")
    # One row to fix: nothing can be saved until the file is corrected.
    expect(desk.get_by_text("1 baris perlu diperbaiki.")).to_be_visible()
    expect(desk.get_by_role("button", name="Simpan 1 klaim")).to_have_count(0)
    screenshot(desk, "claims-import-preview")


def test_the_participant_list_upload_page(desk, screenshot, seeded, seluma, bpjs_officer):
    log_in(desk, bpjs_officer)
    desk.goto(reverse("registrations:bpjs-regency", args=[seluma.pk]))

    desk.get_by_role("link", name="Impor daftar peserta BPJS (status dan masa iur)").click()
    expect(desk.get_by_role("heading", level=1)).to_contain_text("Impor daftar peserta BPJS")
    expect(desk.get_by_label("Daftar peserta BPJS (.xlsx)")).to_be_visible()
    expect(desk.get_by_role("button", name="Unggah dan periksa")).to_be_visible()
    screenshot(desk, "membership-participants-upload")


def test_the_regency_bodies_list(desk, screenshot, seeded, seluma, regency_admin):
    for name, kind in [("Kantor Kementerian Agama Kabupaten Seluma", BodyKind.RELIGIOUS_AFFAIRS),
                       ("Komisi Pemilihan Umum Kabupaten Seluma", BodyKind.ELECTION)]:
        body_services.nominating_body_create(regency=seluma, name=name, kind=kind, created_by=regency_admin)
    log_in(desk, regency_admin)
    desk.goto(reverse("registrations:regency-bodies", args=[seluma.pk]))

    expect(desk.get_by_role("heading", level=1)).to_have_text("Lembaga pengusul")
    rows = desk.locator("table tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("Kantor Kementerian Agama Kabupaten Seluma")
    expect(rows.nth(1)).to_contain_text("Komisi Pemilihan Umum Kabupaten Seluma")
    expect(rows.nth(0).get_by_role("link", name="Kuota dan akun")).to_be_visible()
    expect(desk.get_by_role("heading", name="Catat lembaga baru")).to_be_visible()
    screenshot(desk, "body-regency-list")


def test_the_body_officers_add_form(desk, screenshot, kemenag_open):  # noqa: F811
    body, body_officer = kemenag_open
    log_in(desk, body_officer)

    desk.get_by_role("link", name="+ Tambah calon").click()
    expect(desk.get_by_role("heading", level=1)).to_have_text("Tambah calon peserta")
    expect(desk.get_by_text(f"diusulkan oleh {body.name}")).to_be_visible()
    desk.get_by_label("Desa/kelurahan tempat tinggal").select_option(label="Niur — Kec. Sukaraja")
    fill_nominee(desk, nik="1705011505900001", name="Abdul Somad", birth_date="1990-05-15", sex="Laki-laki", rt="2")
    desk.get_by_label("Pekerjaan").select_option(label="Marbot")
    desk.evaluate("document.activeElement.blur()")  # no focus ring in the guide
    screenshot(desk, "body-nominee-form")


def test_the_regents_dashboard_shows_the_budget_and_the_benefits_paid(
        desk, screenshot, seluma_figures, programme, niur, add_nominees, regency_admin, bpjs_officer,  # noqa: F811
        viewer):
    # 20 more members since February, billed for March and paid; the budget from the Perbup.
    add_nominees(programme, niur, 20, S.ACTIVE, dt.date(2026, 2, 20))
    budget_services.bill_record(programme=programme, recorded_by=regency_admin, values=bills.BillValues(
        first_month=dt.date(2026, 3, 1), last_month=dt.date(2026, 3, 1), members=20, amount=336_000,
        due_on=dt.date(2026, 3, 15), paid_on=dt.date(2026, 3, 10), payment_document="0007/SP2D-LS/BPKAD/2026"))
    budget_services.budget_entry_create(programme=programme, source="apbd", amount=101_808_000,
                                        legal_basis="Perbup Seluma Nomor 15 Tahun 2025",
                                        decided_on=dt.date(2025, 12, 15), created_by=regency_admin)
    member = Nominee.objects.filter(status=S.ACTIVE).order_by("pk").first()
    claim_services.claim_record(nominee=member, benefit=Benefit.JKM, paid_on=timezone.localdate(),
                                amount=42_000_000, relation=BeneficiaryRelation.SPOUSE, beneficiary_name="Siti Aminah",
                                bpjs_reference="JKM-1705-0042", actor=bpjs_officer)

    log_in(desk, viewer)
    expect(desk.get_by_role("heading", name="Cakupan UCJ Kabupaten Seluma")).to_be_visible()
    benefits = desk.locator("section.benefits")
    expect(benefits.get_by_role("heading", name="Manfaat yang sudah dibayarkan")).to_be_visible()
    expect(benefits).to_contain_text("Rp42.000.000")
    expect(benefits).to_contain_text("1 klaim")
    expect(benefits.get_by_role("link", name="Daftar klaim")).to_be_visible()
    budget = desk.locator("#anggaran-tagihan")
    expect(budget.get_by_role("heading", name="Anggaran dan tagihan iuran")).to_be_visible()
    expect(budget).to_contain_text(f"{programme.name} — Tahap 1")
    expect(budget).to_contain_text("Rp101.808.000")
    expect(budget.locator(".stats > div", has_text="Ditagih BPJS")).to_contain_text("Rp336.000")
    expect(budget.locator(".stats > div", has_text="Dibayar (SP2D)")).to_contain_text("Rp336.000")
    # The two panels together, at the top of the screen.
    desk.evaluate("document.querySelector('section.benefits').scrollIntoView(); window.scrollBy(0, -16)")
    screenshot(desk, "dashboard-budget-benefits", full_page=False)

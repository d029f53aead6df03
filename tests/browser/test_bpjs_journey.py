"""The BPJS round trip in a real browser, with the real Celery worker: the BPJS branch's officer
downloads the office's batch, answers it (two registered, one refused) and uploads the answer; the
worker recomputes coverage; the regent's office opens the dashboard and sees the new figures.
Screenshots go to docs/screenshots/ for the README and the user guide (docs/panduan/05-bpjs.md,
06-kantor-bupati.md)."""

import datetime as dt
from decimal import Decimal
from io import BytesIO

import pytest
from django.utils import timezone
from openpyxl import Workbook, load_workbook
from playwright.sync_api import expect

from bpjs import services as bpjs_services
from registrations import workflow
from registrations.enums import Action
from registrations.enums import NomineeStatus as S
from registrations.models import Nominee
from reports import coverage
from reports import services as coverage_services
from reports.models import CoverageSnapshot, RegionLevel

from ..services import wait_for
from .conftest import PEOPLE, log_in, niur_list_submitted

pytestmark = [pytest.mark.browser, pytest.mark.celery, pytest.mark.django_db(transaction=True)]

ANSWER_HEADERS = ["NIK", "Nama", "Nomor KPJ", "Tanggal kepesertaan", "Masa iur s.d.", "Status", "Keterangan"]
REFUSAL = "NIK terdaftar sebagai peserta penerima upah"
STRANGER_NIK = "1705014101800009"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def sent_batch(seeded, seluma, niur, officer, reviewer, approver, regency_admin):
    """Seluma's target (35 % of 1,000 workers) and official figures (300 covered a month ago), and
    Desa Niur's three nominees entered, sent, verified, approved and put in one BPJS batch by the
    people whose job it is."""
    today = timezone.localdate()
    coverage_services.coverage_target_set(region=seluma, year=today.year, target_percent=35, working_population=1_000,
                                          population_source="BPS Sakernas Agustus", entered_by=regency_admin)
    # Three monthly official figures (280, 290, 300 covered), each computed the day after it came:
    # the dashboard's trend has its earlier days.
    for days_ago, active_bpu in ((90, 80), (60, 90), (30, 100)):
        as_of = today - dt.timedelta(days=days_ago)
        coverage_services.official_figure_record(region=seluma, as_of=as_of, active_pu=200, active_bpu=active_bpu,
                                                 denominator=1_000, source_document="BPJS Cabang Bengkulu",
                                                 entered_by=regency_admin)
        coverage.recompute_regency(seluma.pk, on=as_of + dt.timedelta(days=1))
    programme = niur_list_submitted(regency=seluma, village=niur, officer=officer, regency_admin=regency_admin,
                                    year=today.year)
    pks = list(Nominee.objects.values_list("pk", flat=True))
    for action, actor in ((Action.VERIFY, reviewer), (Action.APPROVE, approver)):
        assert len(workflow.nominees_decide(nominee_pks=pks, action=action, actor=actor).changed) == 3
    return bpjs_services.export_batch_create(programme=programme, created_by=regency_admin)


def regency_snapshot():
    return (CoverageSnapshot.objects.filter(level=RegionLevel.REGENCY, region_code="17.05")
            .order_by("-computed_on").first())


def cells_by_header(table, row) -> dict[str, object]:
    """Header text → the row's cell under it (a Playwright locator), found by the header's position,
    so a figure is checked in its own column, not anywhere on the line (where a date also has a "3")."""
    headers = [text.strip(" ▲▼\n") for text in table.locator("thead th").all_inner_texts()]
    cells = row.locator("th, td")
    expect(cells).to_have_count(len(headers))
    return {header: cells.nth(index) for index, header in enumerate(headers)}


def answer_for(downloaded: bytes) -> bytes:
    """The branch's answer to the downloaded file: the first two registered (KPJ with leading
    zeros, typed as text), the third refused with the reason."""
    sheet = load_workbook(BytesIO(downloaded)).active
    headers = [cell.value for cell in sheet[1]]
    rows = [dict(zip(headers, (cell.value for cell in row), strict=True)) for row in sheet.iter_rows(min_row=2)]
    today = timezone.localdate()
    answer = Workbook()
    out = answer.active
    out.append(ANSWER_HEADERS)
    for index, row in enumerate(rows):
        if index < 2:
            paid_until = today + dt.timedelta(days=90)
            out.append([row["NIK"], row["Nama"], f"00{index + 1:09d}", today, paid_until, "aktif", ""])
        else:
            out.append([row["NIK"], row["Nama"], "", "", "", "ditolak", REFUSAL])
    # A person the branch answers who was never nominated in Seluma: left to fix.
    out.append([STRANGER_NIK, "SITI RAHAYU", "00000000009", today, "", "aktif", ""])
    for cell in out["A"] + out["C"]:
        cell.number_format = "@"
    buffer = BytesIO()
    answer.save(buffer)
    return buffer.getvalue()


def test_bpjs_officer_answers_a_batch_and_the_regent_sees_the_new_coverage(
        desk, screenshot, tmp_path, worker, sent_batch, bpjs_officer, viewer):
    # `worker` comes before `sent_batch`: it clears any recompute mark an earlier run left in Redis,
    # so the batch's changes do schedule a recompute. The fixture's own recomputes are of past days;
    # today's snapshot is the worker's.
    wait_for(lambda: regency_snapshot().computed_on == coverage.coverage_today(),
             what="the worker's snapshot of today")
    assert regency_snapshot().registered == 0

    # The branch's officer starts on the regency's BPJS page and downloads the batch.
    log_in(desk, bpjs_officer)
    expect(desk.get_by_role("heading", name="Data untuk BPJS Ketenagakerjaan")).to_be_visible()
    row = desk.get_by_role("row", name=sent_batch.number)
    cells = cells_by_header(desk.locator("table.batches"), row)
    expect(cells["Jumlah calon"]).to_have_text("3")
    expect(cells["Menunggu jawaban"]).to_have_text("3")
    expect(cells["Terdaftar"]).to_have_text("0")
    expect(cells["Ditolak BPJS"]).to_have_text("0")
    screenshot(desk, "bpjs-batches")
    with desk.expect_download() as download:
        desk.get_by_role("link", name=f"Unduh Excel {sent_batch.number}").click()
    downloaded = open(download.value.path(), "rb").read()
    sheet = load_workbook(BytesIO(downloaded)).active
    assert sheet["B1"].value == "NIK"
    assert sorted(sheet.cell(row=r, column=2).value for r in (2, 3, 4)) == sorted(nik for _, nik, _ in PEOPLE)
    assert {sheet.cell(row=r, column=2).data_type for r in (2, 3, 4)} == {"s"}

    # The answer: preview first (nothing saved), then Simpan.
    answer = tmp_path / "jawaban-bpjs.xlsx"
    answer.write_bytes(answer_for(downloaded))
    desk.get_by_role("link", name="Impor jawaban BPJS (nomor KPJ / penolakan)").click()
    desk.get_by_label("Berkas jawaban BPJS (.xlsx)").set_input_files(str(answer))
    desk.get_by_role("button", name="Unggah dan periksa").click()
    expect(desk.get_by_role("heading", name="Pratinjau jawaban BPJS")).to_be_visible()
    expect(desk.get_by_text("akan terdaftar")).to_have_count(2)
    expect(desk.get_by_text("akan ditolak BPJS")).to_have_count(1)
    assert Nominee.objects.filter(status=S.SENT_TO_BPJS).count() == 3
    screenshot(desk, "bpjs-answer-preview")
    expect(desk.get_by_text("NIK tidak dikenal").first).to_be_visible()
    desk.get_by_role("button", name="Simpan 3 baris yang cocok").click()

    # The result: what was recorded, what is left to fix and why, and the way back to the batches.
    expect(desk.get_by_role("heading", name="Hasil impor jawaban BPJS")).to_be_visible()
    expect(desk.get_by_text("Jawaban BPJS diimpor: 2 nomor KPJ dicatat, 1 penolakan dicatat, 0 tidak berubah, "
                            "1 belum tercatat.")).to_be_visible()
    to_fix = desk.get_by_role("row", name="SITI RAHAYU")
    expect(to_fix).to_contain_text("NIK tidak dikenal")
    expect(to_fix).to_contain_text("Tidak ada calon peserta dengan NIK ini di kabupaten/kota ini.")
    expect(to_fix).to_contain_text("************0009")
    assert STRANGER_NIK not in desk.content()
    screenshot(desk, "bpjs-answer-result")
    desk.get_by_role("link", name="Kembali ke batch kirim BPJS").click()
    expect(desk.get_by_role("heading", name="Data untuk BPJS Ketenagakerjaan")).to_be_visible()
    cells = cells_by_header(desk.locator("table.batches"), desk.get_by_role("row", name=sent_batch.number))
    expect(cells["Menunggu jawaban"]).to_have_text("0")
    expect(cells["Terdaftar"]).to_have_text("2")
    expect(cells["Ditolak BPJS"]).to_have_text("1")

    statuses = dict(Nominee.objects.values_list("full_name", "status"))
    assert statuses == {"Budi Santoso": S.REGISTERED, "Agus Salim": S.REGISTERED, "Joko Widodo": S.REFUSED_BY_BPJS}
    assert sorted(Nominee.objects.exclude(kpj_number="").values_list("kpj_number", flat=True)) == [
        "00000000001", "00000000002"]

    # The worker, not this process, writes the recomputed snapshot: 300 + 2 of 1,000 = 30.20 %.
    wait_for(lambda: regency_snapshot().registered == 2, what="the worker's recompute")
    assert regency_snapshot().ucj_percent == Decimal("30.20")

    # The regent's office starts on the dashboard and sees the new figures.
    desk.get_by_role("button", name="Keluar").click()
    log_in(desk, viewer)
    expect(desk.get_by_role("heading", name="Cakupan UCJ Kabupaten Seluma")).to_be_visible()
    expect(desk.locator(".ucj-value")).to_have_text("30,20%")
    expect(desk.get_by_text("86,29% dari target")).to_be_visible()  # 30.20 ÷ 35
    sukaraja_row = desk.locator("#per-kecamatan tbody tr", has_text="Sukaraja")
    figures = cells_by_header(desk.locator("#per-kecamatan table"), sukaraja_row)
    # Quota 210 (21 villages × 10); 2 everywhere else: Joko, refused by BPJS, no longer holds a
    # quota place, so he leaves "Diusulkan" and "Dikirim" too (reports.coverage.rules.NOMINATED_STATES).
    expect(figures["Kuota"]).to_have_text("210")
    expect(figures["Diusulkan"]).to_have_text("2")
    expect(figures["Dikirim"]).to_have_text("2")
    expect(figures["Disetujui"]).to_have_text("2")
    expect(figures["Terdaftar"]).to_have_text("2")
    expect(desk.locator("#per-kecamatan svg")).to_be_visible()
    # The trend: 28.00 %, 29.00 %, 30.00 % on the earlier days, 30.20 % today.
    expect(desk.locator("#tren svg")).to_contain_text("28,00%")
    expect(desk.locator("#tren svg")).to_contain_text("30,20%")
    screenshot(desk, "dashboard-regency")

    # Printed, the dashboard keeps its figures, charts and tables and drops the menus and forms.
    desk.emulate_media(media="print")
    expect(desk.get_by_role("button", name="Keluar")).to_be_hidden()
    expect(desk.get_by_role("button", name="Hitung")).to_be_hidden()
    expect(desk.locator(".ucj-value")).to_be_visible()
    expect(desk.locator("#per-kecamatan table")).to_be_visible()
    desk.emulate_media(media="screen")

    # Drilling down: the kecamatan's villages, the most registered first, then Niur's list.
    desk.get_by_role("link", name="Sukaraja", exact=True).click()
    expect(desk.get_by_role("heading", name="Kecamatan Sukaraja")).to_be_visible()
    desk.locator("#per-desa thead").get_by_role("link", name="Terdaftar").click()
    expect(desk.locator("#per-desa th[aria-sort='descending']")).to_contain_text("Terdaftar")
    expect(desk.locator("#per-desa tbody tr").first).to_contain_text("Niur")
    screenshot(desk, "dashboard-subdistrict")
    desk.locator("#per-desa tbody").get_by_role("link", name="Niur").click()
    expect(desk.get_by_text("Agus Salim")).to_be_visible()
    expect(desk.get_by_text("************0002").first).to_be_visible()  # the viewer sees NIKs masked
    assert "1705010203850002" not in desk.content()

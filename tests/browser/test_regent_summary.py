"""The regent's office in the browser (Field fit 17 and 18): the one-page summary it takes to a
meeting fits one A4 landscape sheet; the dashboard on a 1366 px office screen leaves no stat card
alone on a row; and a village opened from the dashboard is the village's list, with the way back
to the dashboard and no review wording. Screenshot: docs/screenshots/coverage-summary.png."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from registrations.enums import NomineeStatus as S
from registrations.models import Nominee
from reports import coverage, services
from reports.coverage.rules import coverage_today
from villages.models import Village

from .conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

A4_LANDSCAPE_PRINTABLE_WIDTH_MM = 297 - 2 * 10  # the summary's @page margin: 10 mm
A4_LANDSCAPE_PRINTABLE_HEIGHT_MM = 210 - 2 * 10
PX_PER_MM = 96 / 25.4


@pytest.fixture
def seluma_figures(seeded, seluma, regency_admin, programme, add_nominees):
    """Seluma on 4 December 2026: target 46.80 % of 104,000; BPJS figures of 31 October and
    30 November; 40 workers registered after it in five kecamatan (Niur's with their KPJ), the
    regency recomputed on the two days."""
    services.coverage_target_set(region=seluma, year=2026, target_percent=Decimal("46.80"),
                                 working_population=104_000, population_source="BPS Sakernas Agustus 2025",
                                 entered_by=regency_admin)
    services.official_figure_record(region=seluma, as_of=dt.date(2026, 10, 31), active_pu=19_000, active_bpu=8_000,
                                    active_jakon=1_100, active_pmi=80, denominator=104_000, entered_by=regency_admin)
    coverage.recompute_regency(seluma.pk, on=dt.date(2026, 11, 3))
    services.official_figure_record(region=seluma, as_of=dt.date(2026, 11, 30), active_pu=19_250, active_bpu=8_310,
                                    active_jakon=1_140, active_pmi=85, denominator=104_000,
                                    published_percent=Decimal("27.68"), entered_by=regency_admin)
    subdistricts = seluma.subdistricts.order_by("code")[:5]
    for subdistrict in subdistricts:
        village = subdistrict.villages.order_by("code").first()
        add_nominees(programme, village, 8, S.ACTIVE, dt.date(2026, 12, 2))
    niur = Village.objects.get(code="17.05.01.2002")
    [registered] = add_nominees(programme, niur, 1, S.REGISTERED, dt.date(2026, 12, 2))
    Nominee.objects.filter(pk=registered.pk).update(status_reason="KPJ 27050100009 terdaftar 02-12-2026")
    # The target and the figures above also scheduled a recompute for today (run at once: no
    # worker here), before these workers were written: the last recompute is of today too, so the
    # newest row is this one, whatever day the test runs.
    coverage.recompute_regency(seluma.pk, on=max(dt.date(2026, 12, 4), coverage_today()))
    return seluma


def _pdf_pages(pdf: bytes) -> int:
    try:
        from pypdf import PdfReader
    except ImportError:  # pypdf is not a dependency: Chromium writes each page as a /Type /Page object
        return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf))
    from io import BytesIO

    return len(PdfReader(BytesIO(pdf)).pages)


def test_the_summary_fits_one_a4_landscape_page(desk, screenshot, seluma_figures, viewer):
    log_in(desk, viewer)
    desk.get_by_role("link", name="Ringkasan satu halaman (untuk rapat)").click()

    expect(desk.get_by_role("heading", name=re.compile("Ringkasan Cakupan UCJ Kabupaten Seluma"))).to_be_visible()
    # 28,785 + 41 = 28,826 of 104,000 = 27.72 %; 27.72 ÷ 46.80 = 59.23 %.
    expect(desk.locator(".summary-ucj .ucj-value")).to_have_text("27,72%")
    expect(desk.get_by_text("59,23% dari target")).to_be_visible()
    expect(desk.get_by_text("0,04 poin UCJ · 41 pekerja program terdaftar sesudah 30 November 2026")).to_be_visible()
    expect(desk.locator(".summary-trend svg.trend-chart")).to_be_visible()
    expect(desk.get_by_role("heading", name="Lima kecamatan dengan kuota program paling banyak belum terdaftar")
           ).to_be_visible()
    expect(desk.locator(".summary-table tbody tr")).to_have_count(5)
    screenshot(desk, "coverage-summary")

    # On paper: print styles, at the printable width of A4 landscape (297 mm less the margins).
    desk.emulate_media(media="print")
    desk.set_viewport_size({"width": round(A4_LANDSCAPE_PRINTABLE_WIDTH_MM * PX_PER_MM), "height": 800})
    height_px = desk.locator(".summary-sheet").evaluate("sheet => sheet.getBoundingClientRect().height")
    pdf = desk.pdf(format="A4", landscape=True, print_background=True, prefer_css_page_size=True)

    assert _pdf_pages(pdf) == 1
    assert height_px <= A4_LANDSCAPE_PRINTABLE_HEIGHT_MM * PX_PER_MM


def test_the_dashboard_on_a_1366_screen_leaves_no_card_alone_on_a_row(browser, live_server, seluma_figures, viewer):
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="id-ID", base_url=live_server.url)
    page = context.new_page()
    try:
        log_in(page, viewer)
        expect(page.locator(".ucj-value")).to_have_text("27,72%")

        rows_per_grid = page.locator("dl.stats").evaluate_all("""grids => grids.map(grid => {
            const rows = {};
            for (const card of grid.children) {
                const top = Math.round(card.getBoundingClientRect().top);
                rows[top] = (rows[top] || 0) + 1;
            }
            return Object.values(rows);
        })""")
    finally:
        context.close()

    assert len(rows_per_grid) >= 3  # the headline's six, the budget's four, the stage's four
    for rows in rows_per_grid:
        assert len(set(rows)) == 1 or 1 not in rows, rows  # no card alone while others share a row
    assert [6] not in rows_per_grid and [3, 3] in rows_per_grid  # the headline's six: 3 + 3


def test_a_viewer_opens_a_village_from_the_dashboard_and_comes_back(desk, seluma_figures, viewer):
    log_in(desk, viewer)
    expect(desk.get_by_role("navigation", name="Akun").get_by_role("link", name="Antrean verifikasi")).to_have_count(0)

    desk.locator("#per-kecamatan").get_by_role("link", name="Sukaraja").click()
    desk.locator("#per-desa").get_by_role("link", name="Niur", exact=True).click()

    expect(desk.get_by_role("heading", name="Desa Niur", exact=True)).to_be_visible()
    crumbs = desk.get_by_role("navigation", name="Lokasi")
    expect(crumbs).to_have_text("Cakupan UCJ Kabupaten Seluma › Kecamatan Sukaraja › Desa Niur")
    expect(desk.locator(".remark")).to_have_text("Keterangan: KPJ 27050100009 terdaftar 02-12-2026")
    expect(desk.get_by_text("Alasan:")).to_have_count(0)
    expect(desk.get_by_text("Verifikasi usulan")).to_have_count(0)

    crumbs.get_by_role("link", name="Cakupan UCJ Kabupaten Seluma").click()
    expect(desk.locator(".ucj-value")).to_have_text("27,72%")

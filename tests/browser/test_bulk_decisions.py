"""Bulk decisions at an office desk (1366 × 768, the commonest office monitor): the decision bar is on
the first screen above the list, the header's box ticks the whole page (also after htmx swaps the
table), a village longer than the page can be chosen whole, and nothing changes before the
confirmation page is answered. Screenshots for the user guide (docs/panduan/03-verifikator.md,
04-penyetuju.md)."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from registrations import services
from registrations.enums import NomineeStatus as S
from registrations.models import Nominee, OccupationCategory
from registrations.validation import check_nominee

from ..conftest import browser_page
from .conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OFFICE_SCREEN = {"width": 1366, "height": 768}
NAMES = ["Budi Santoso", "Agus Salim", "Joko Widodo", "Dedi Kurnia", "Eko Prasetyo", "Fajar Nugroho",
         "Gilang Ramadhan", "Hendra Gunawan", "Imam Syafii", "Jajang Sutisna"]


@pytest.fixture
def office(browser, live_server):
    yield from browser_page(browser, live_server, viewport=OFFICE_SCREEN)


@pytest.fixture
def niur_ten(seeded, seluma, niur, officer, regency_admin):
    """Desa Niur's full list of ten, sent to the regency."""
    today = timezone.localdate()
    programme = services.programme_create(
        regency=seluma, created_by=regency_admin, name="Perlindungan Pekerja Rentan", year=today.year + 1,
        stage=1, coverage_start=today + dt.timedelta(days=40), nomination_opens=today - dt.timedelta(days=1),
        nomination_closes=today + dt.timedelta(days=30), quota_per_village=10,
    )
    farmer = OccupationCategory.objects.get(name="Petani")
    born = dt.date(1985, 3, 2)
    for serial, name in enumerate(NAMES, start=1):
        check = check_nominee(programme=programme, village=niur, nik=f"170501{born:%d%m%y}{serial:04d}",
                              kk="1705010101200001", birth_date=born, sex="L")
        services.nominee_create(programme=programme, village=niur, created_by=officer, nik=check.nik,
                                nik_hash=check.nik_hash, kk=check.kk, full_name=name, birth_place="Tais",
                                birth_date=born, sex="L", address="Jl. Raya Niur", rt="001", occupation=farmer)
    services.village_list_submit(programme=programme, village=niur, submitted_by=officer)
    return programme


def statuses():
    return set(Nominee.objects.values_list("status", flat=True))


def on_first_screen(locator):
    box = locator.bounding_box()
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= OFFICE_SCREEN["height"]


def test_select_all_the_bar_on_the_first_screen_and_a_confirmation_before_anything_changes(
        office, screenshot, niur_ten, niur, reviewer, approver, monkeypatch):
    from registrations.review import views as review_views

    monkeypatch.setattr(review_views, "PAGE_SIZE", 6)  # Niur's ten do not fit on one page
    log_in(office, reviewer)
    expect(office.get_by_role("heading", name="Verifikasi usulan")).to_be_visible()
    bar = office.locator("#keputusan-massal")
    boxes = office.locator("table input[name=nominee]")
    header_box = office.get_by_label("Pilih semua calon di halaman ini")

    # The bar is above the table, on the first screen, before any scrolling.
    assert office.evaluate("window.scrollY") == 0
    assert on_first_screen(bar)
    assert bar.bounding_box()["y"] < office.locator("table").bounding_box()["y"]
    expect(bar).to_contain_text("belum ada yang dicentang")

    # The header's box ticks the page; one unticked makes it "some".
    header_box.check()
    expect(boxes).to_have_count(6)
    assert boxes.evaluate_all("boxes => boxes.every(box => box.checked)")
    expect(bar).to_contain_text("(6 dicentang)")
    boxes.nth(2).uncheck()
    expect(bar).to_contain_text("(5 dicentang)")
    assert header_box.evaluate("box => box.indeterminate && !box.checked")
    header_box.click()  # "some" → all, as a click on a half-ticked box does
    expect(bar).to_contain_text("(6 dicentang)")
    header_box.click()
    assert boxes.evaluate_all("boxes => boxes.every(box => !box.checked)")

    # The table swapped in again by htmx (as a filter or a page change may): the new rows behave alike.
    office.evaluate("htmx.ajax('GET', location.href, {target: '.table-wrap', select: '.table-wrap', swap: 'outerHTML'})")
    office.wait_for_function("!document.querySelector('table input[name=nominee]:checked') && "
                             "document.querySelector('.table-wrap') && document.readyState === 'complete'")
    office.get_by_label("Pilih semua calon di halaman ini").check()
    expect(bar).to_contain_text("(6 dicentang)")
    office.get_by_label("Pilih semua calon di halaman ini").uncheck()

    # Filtered to Niur: ten rows, six on the page. All of the page, then all of Niur.
    office.get_by_text("Saringan dan urutan").click()
    office.get_by_label("Desa/kelurahan").fill(niur.code)
    office.get_by_role("button", name="Terapkan", exact=True).click()
    expect(office.locator("table input[name=nominee]")).to_have_count(6)
    offer = office.get_by_role("button", name="Pilih semua 10 calon di desa Niur")
    expect(offer).to_be_hidden()
    office.get_by_label("Pilih semua calon di halaman ini").check()
    offer.click()
    expect(office.get_by_text("Semua 10 calon di desa Niur yang cocok dengan saringan dipilih.")).to_be_visible()
    expect(bar).to_contain_text("(semua di desa ini)")
    screenshot(office, "review-select-all", full_page=False)

    # Sent: a confirmation page, and nothing has changed yet.
    office.get_by_label("Keputusan").select_option(label="verifikasi")
    office.get_by_role("button", name="Terapkan ke yang dicentang").click()
    expect(office.get_by_role("heading", name="Verifikasi 10 calon Desa Niur?")).to_be_visible()
    expect(office.locator(".confirm-names li")).to_have_count(10)
    assert statuses() == {S.SUBMITTED}
    screenshot(office, "review-bulk-confirm", full_page=False)
    office.get_by_role("button", name="Ya, verifikasi 10 calon").click()
    expect(office.get_by_text("10 calon diverifikasi.")).to_be_visible()
    assert statuses() == {S.VERIFIED}
    office.get_by_role("button", name="Keluar").click()

    # The approver's village page: the bar on the first screen too; the whole-village button asks first.
    log_in(office, approver)
    office.goto(f"/usulan/verifikasi/{niur_ten.pk}/desa/{niur.pk}/")
    expect(office.get_by_role("heading", name="Desa Niur")).to_be_visible()
    assert on_first_screen(office.locator("#keputusan-massal"))
    # Sticky: scrolled down to the end of the list, the bar is still at the top of the screen.
    office.locator("ol.nominees > li").last.scroll_into_view_if_needed()
    assert office.evaluate("window.scrollY") > 500
    assert on_first_screen(office.locator("#keputusan-massal"))
    office.evaluate("window.scrollTo(0, 0)")
    office.get_by_label("Pilih semua calon desa ini (10)").check()
    expect(office.locator("#keputusan-massal")).to_contain_text("(10 dicentang)")
    office.get_by_label("Pilih semua calon desa ini (10)").uncheck()
    office.get_by_role("button", name="Setujui semua yang terverifikasi (10)").click()
    expect(office.get_by_role("heading", name="Setujui 10 calon Desa Niur?")).to_be_visible()
    office.get_by_role("link", name="Batal, kembali").click()
    expect(office.get_by_role("heading", name="Desa Niur")).to_be_visible()
    assert statuses() == {S.VERIFIED}  # cancelled: nothing approved
    office.get_by_role("button", name="Setujui semua yang terverifikasi (10)").click()
    office.get_by_role("button", name="Ya, setujui 10 calon").click()
    expect(office.get_by_text("10 calon disetujui.")).to_be_visible()
    assert statuses() == {S.APPROVED}

"""The village officer's pages fit a thumb on the phone a village officer reported them from
(390×844): every tap target of the nominee card and the header is at least 44 px tall, Ubah and
Hapus stand apart, and the nominee form opens its selects on a prompt, asks the mother's name on
one line and explains desil."""

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from registrations import services
from registrations.models import OccupationCategory
from registrations.validation import check_nominee

from ..conftest import browser_page
from .conftest import PEOPLE, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TAP = 44  # px: the smallest target a thumb hits reliably (WCAG 2.5.5, Apple and Android guidelines)


@pytest.fixture
def officer_phone(browser, live_server):
    """The phone of the report: 390×844 CSS pixels."""
    yield from browser_page(browser, live_server, viewport={"width": 390, "height": 844}, device_scale_factor=3,
                            is_mobile=True, has_touch=True)


@pytest.fixture
def draft_list(seeded, seluma, niur, officer, regency_admin):
    """Desa Niur's list in an open stage, with Budi Santoso as a draft."""
    today = timezone.localdate()
    programme = services.programme_create(
        regency=seluma, created_by=regency_admin, name="Perlindungan Pekerja Rentan", year=today.year + 1,
        stage=1, coverage_start=today + dt.timedelta(days=40), nomination_opens=today - dt.timedelta(days=1),
        nomination_closes=today + dt.timedelta(days=30), quota_per_village=10)
    name, nik, birth_date = PEOPLE[0]
    check = check_nominee(programme=programme, village=niur, nik=nik, kk="1705010101200001", birth_date=birth_date,
                          sex="L")
    services.nominee_create(programme=programme, village=niur, created_by=officer, nik=check.nik,
                            nik_hash=check.nik_hash, kk=check.kk, full_name=name, birth_place="Tais",
                            birth_date=birth_date, sex="L", address="Jl. Raya Niur", rt="001",
                            occupation=OccupationCategory.objects.get(name="Petani"))
    return programme


def box(locator):
    expect(locator).to_be_visible()
    return locator.bounding_box()


def test_nominee_card_and_header_targets_are_a_thumb_high(officer_phone, draft_list, officer):
    page = officer_phone
    log_in(page, officer)
    expect(page.get_by_role("heading", name="Desa Niur")).to_be_visible()

    targets = {
        "Ubah": page.get_by_role("link", name="Ubah Budi Santoso"),
        "Hapus": page.get_by_role("link", name="Hapus Budi Santoso"),
        "Jamsostek Portal": page.get_by_role("link", name="Jamsostek Portal"),
        "Pemberitahuan": page.get_by_role("link", name="Pemberitahuan"),
        "Ganti kata sandi": page.get_by_role("link", name="Ganti kata sandi"),
        "Keluar": page.get_by_role("button", name="Keluar"),
    }
    boxes = {name: box(locator) for name, locator in targets.items()}

    assert {name: b["height"] >= TAP for name, b in boxes.items()} == {name: True for name in targets}
    assert {name: b["width"] >= TAP for name, b in boxes.items()} == {name: True for name in targets}
    # Ubah and Hapus on one row, apart: a slip of the thumb does not land on the deletion.
    ubah, hapus = boxes["Ubah"], boxes["Hapus"]
    assert abs(ubah["y"] - hapus["y"]) < 1
    assert hapus["x"] - (ubah["x"] + ubah["width"]) >= 12
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_nominee_form_prompts_selects_asks_the_mother_on_one_line_and_explains_desil(
        officer_phone, draft_list, officer):
    page = officer_phone
    log_in(page, officer)
    page.get_by_role("link", name="+ Tambah calon").click()
    expect(page.get_by_role("heading", name="Tambah calon peserta")).to_be_visible()

    for label, prompt in [("Pekerjaan", "— pilih pekerjaan —"), ("Jenis kelamin", "— pilih jenis kelamin —")]:
        select = page.get_by_label(label, exact=True)
        expect(select).to_have_value("")
        expect(select.locator("option:checked")).to_have_text(prompt)
        assert box(select)["height"] >= TAP
    expect(page.get_by_label("Sumber data")).to_have_value("usulan_desa")
    expect(page.locator("option", has_text="---------")).to_have_count(0)

    mother = page.get_by_label("Nama ibu kandung")
    assert mother.evaluate("field => [field.tagName, field.type]") == ["INPUT", "text"]
    assert TAP <= box(mother)["height"] < 1.5 * TAP  # one line, as tall as its neighbours

    decile = page.get_by_label("Desil")
    expect(decile).to_have_accessible_description(re.compile(r"^Peringkat kesejahteraan keluarga di DTSEN"))
    expect(page.get_by_text("desil 1 = 10% keluarga termiskin")).to_be_visible()

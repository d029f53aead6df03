""""Mungkin orang yang sama", in a real browser: Budi Santoso of Desa Niur and Boedi Santoso of
Desa Lubuk Sahung, born the same day, were sent under two different NIKs. The reviewer sees the
flag in the queue, filters the queue to such pairs, and follows the link from one to the other.
Screenshots go to docs/screenshots/ for the user guide (docs/panduan/03-verifikator.md §3.9)."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from registrations import services
from registrations.models import Nominee, OccupationCategory
from registrations.validation import check_nominee

from .conftest import PEOPLE, log_in, niur_list_submitted

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def two_entries(seeded, seluma, niur, lubuk_sahung, officer, neighbour_officer, regency_admin):
    """Desa Niur's three nominees sent, and Lubuk Sahung's Boedi Santoso: Budi's name in the old
    spelling, his birth date, another NIK (one digit of the serial mistyped)."""
    programme = niur_list_submitted(regency=seluma, village=niur, officer=officer, regency_admin=regency_admin,
                                    year=timezone.localdate().year + 1)
    _, nik, birth_date = PEOPLE[0]
    other_nik = nik[:-4] + "0007"
    check = check_nominee(programme=programme, village=lubuk_sahung, nik=other_nik, kk="1705010101200003",
                          birth_date=birth_date, sex="L")
    services.nominee_create(programme=programme, village=lubuk_sahung, created_by=neighbour_officer,
                            nik=check.nik, nik_hash=check.nik_hash, kk=check.kk, full_name="Boedi Santoso",
                            birth_place="Tais", birth_date=birth_date, sex="L", address="Dusun I", rt="002",
                            occupation=OccupationCategory.objects.get(name="Nelayan"))
    services.village_list_submit(programme=programme, village=lubuk_sahung, submitted_by=neighbour_officer)
    return programme


def test_reviewer_sees_the_possible_duplicate_and_follows_it(desk, screenshot, two_entries, reviewer):
    log_in(desk, reviewer)
    expect(desk.get_by_role("heading", name="Verifikasi usulan")).to_be_visible()
    queue = desk.locator("table")
    budi_row = queue.get_by_role("row", name=re.compile(r"^Pilih Budi Santoso"))
    expect(budi_row).to_contain_text("Mungkin orang yang sama: Boedi Santoso, Lubuk Sahung")
    expect(queue.get_by_role("row", name=re.compile(r"^Pilih Agus Salim"))).not_to_contain_text(
        "Mungkin orang yang sama")

    # The warning filter keeps only the pairs.
    desk.get_by_text("Saringan dan urutan").click()
    desk.get_by_label("Peringatan").select_option(
        label="Mungkin orang yang sama (nama dan tanggal lahir sama, NIK beda)")
    desk.get_by_role("button", name="Terapkan", exact=True).click()
    expect(queue.get_by_role("link", name="Agus Salim")).to_have_count(0)
    expect(queue.locator("tbody tr")).to_have_count(2)
    screenshot(desk, "review-queue-lookalike")

    # From Budi's page, the link leads to the other entry.
    budi_row.get_by_role("link", name="Budi Santoso").first.click()
    expect(desk.get_by_role("heading", name="Budi Santoso")).to_be_visible()
    flag = desk.locator(".lookalike")
    expect(flag).to_contain_text("Mungkin orang yang sama: Boedi Santoso, Lubuk Sahung, status: dikirim ke "
                                 "kabupaten")
    screenshot(desk, "nominee-lookalike")
    flag.get_by_role("link", name="Boedi Santoso").click()
    expect(desk.get_by_role("heading", name="Boedi Santoso")).to_be_visible()
    expect(desk.locator(".lookalike")).to_contain_text("Budi Santoso, Niur")
    assert Nominee.objects.filter(full_name__in=["Budi Santoso", "Boedi Santoso"]).count() == 2

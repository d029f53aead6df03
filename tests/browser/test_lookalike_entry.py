""""Mungkin orang yang sama" on the nominee form, in a real browser on a 360 px phone: Desa Niur has
sent Budi Santoso (born 15-05-1990); the officer of Desa Lubuk Sahung types in Boedi Santoso, born
the same day, under another NIK. The form warns without saying whose or which village (Niur lies
outside her scope), and saves once she confirms. Screenshot for docs/panduan/02-operator-desa.md."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from registrations.models import Nominee

from .conftest import fill_nominee, log_in, niur_list_submitted, no_sideways_scroll

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_officer_is_warned_of_a_lookalike_elsewhere_and_confirms(phone, screenshot, seeded, seluma, niur, officer,
                                                                  lubuk_sahung, neighbour_officer, regency_admin):
    niur_list_submitted(regency=seluma, village=niur, officer=officer, regency_admin=regency_admin,
                        year=timezone.localdate().year + 1)

    log_in(phone, neighbour_officer)
    phone.get_by_role("link", name="+ Tambah calon").click()
    fill_nominee(phone, nik="1705011505900007", name="Boedi Santoso", birth_date="1990-05-15", sex="Laki-laki",
                 rt="2")
    phone.get_by_role("button", name="Simpan").click()

    warning = phone.locator(".notice.warnings")
    expect(warning).to_contain_text("Mungkin orang yang sama dengan calon yang sudah diusulkan di luar wilayah Anda")
    expect(warning).not_to_contain_text("Niur")
    expect(phone.get_by_text("Budi Santoso")).to_have_count(0)
    no_sideways_scroll(phone)
    screenshot(phone, "nominee-lookalike-warning-phone")
    assert Nominee.objects.filter(village=lubuk_sahung).count() == 0

    phone.get_by_label("Saya sudah mencocokkan data ini dengan KTP").check()
    phone.get_by_role("button", name="Simpan").click()

    expect(phone.get_by_text("Boedi Santoso ditambahkan ke daftar")).to_be_visible()
    assert Nominee.objects.get(village=lubuk_sahung).confirmed_warnings == ["lookalike"]

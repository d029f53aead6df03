"""A village officer logs in on a phone for the first time, is made to change the password, and
lands on the village page. Screenshots go to docs/screenshots/ for the README and the user guide."""

import re

import pytest
from playwright.sync_api import expect

from accounts.enums import Role
from accounts.services import user_create

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_new_village_officer_logs_in_changes_password_and_sees_the_village(phone, screenshot, niur):
    user_create(username="op-1705012002", role=Role.VILLAGE_OFFICER, regions=[niur],
                password="Awal-2026xyz", must_change_password=True, full_name="Siti Aminah")

    phone.goto("/")
    expect(phone.get_by_role("heading", name="Masuk")).to_be_visible()
    screenshot(phone, "login-phone")

    phone.get_by_label("Nama pengguna").fill("op-1705012002")
    phone.get_by_label("Kata sandi").fill("salah-sekali")
    phone.get_by_role("button", name="Masuk").click()
    expect(phone.get_by_text("Nama pengguna atau kata sandi salah")).to_be_visible()

    phone.get_by_label("Kata sandi").fill("Awal-2026xyz")
    phone.get_by_role("button", name="Masuk").click()
    expect(phone.get_by_role("heading", name="Ganti kata sandi")).to_be_visible()
    expect(phone.get_by_text("Ganti dulu kata sandi awal")).to_be_visible()
    screenshot(phone, "password-change-phone")

    phone.get_by_label("Kata sandi lama").fill("Awal-2026xyz")
    phone.get_by_label("Kata sandi baru", exact=True).fill("Niur-Sejahtera-88")
    phone.get_by_label("Ulangi kata sandi baru").fill("Niur-Sejahtera-88")
    phone.get_by_role("button", name="Simpan kata sandi baru").click()

    expect(phone.get_by_role("heading", name="Desa Niur")).to_be_visible()
    expect(phone.get_by_text("Kata sandi sudah diganti.")).to_be_visible()
    assert re.search(r"/usulan/desa/\d+/$", phone.url)
    # Nothing on a 360 px screen scrolls sideways.
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(phone, "home-village-officer-phone")

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


def field_of(page, label):
    """The block of one form field (label, input, help, its errors)."""
    return page.locator(".field").filter(has=page.get_by_label(label, exact=True))


def test_a_failed_password_change_keeps_the_initial_password_and_shows_it_on_request(phone, screenshot, niur):
    user_create(username="op-1705012002", role=Role.VILLAGE_OFFICER, regions=[niur],
                password="Awal-2026xyz", must_change_password=True, full_name="Siti Aminah")
    phone.goto("/")
    phone.get_by_label("Nama pengguna").fill("op-1705012002")
    password = phone.get_by_label("Kata sandi", exact=True)
    password.fill("Awal-2026xyz")

    # Copied from paper: the officer checks what was typed before sending it.
    phone.get_by_role("button", name="Tampilkan kata sandi").click()
    expect(password).to_have_attribute("type", "text")
    phone.get_by_role("button", name="Sembunyikan kata sandi").click()
    expect(password).to_have_attribute("type", "password")
    phone.get_by_role("button", name="Masuk").click()

    # Two new passwords that differ: only the second field is marked, the initial one stays.
    expect(phone.get_by_role("heading", name="Ganti kata sandi")).to_be_visible()
    phone.get_by_label("Kata sandi lama").fill("Awal-2026xyz")
    phone.get_by_label("Kata sandi baru", exact=True).fill("Niur-Sejahtera-88")
    phone.get_by_label("Ulangi kata sandi baru").fill("Niur-Sejahtera-89")
    phone.get_by_role("button", name="Simpan kata sandi baru").click()

    expect(field_of(phone, "Ulangi kata sandi baru")).to_contain_text("Dua isian kata sandi baru tidak sama.")
    expect(field_of(phone, "Kata sandi baru")).not_to_contain_text("tidak sama")
    expect(phone.get_by_label("Kata sandi lama")).to_have_value("Awal-2026xyz")
    expect(phone.get_by_label("Kata sandi baru", exact=True)).to_have_value("")
    expect(phone.get_by_label("Ulangi kata sandi baru")).to_have_value("")
    phone.get_by_role("button", name="Tampilkan kata sandi lama").click()
    expect(phone.get_by_label("Kata sandi lama")).to_have_attribute("type", "text")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(phone, "password-change-error-phone")

    # A weak one: the message stands under "Kata sandi baru"; the initial password still stays.
    phone.get_by_label("Kata sandi baru", exact=True).fill("12345678")
    phone.get_by_label("Ulangi kata sandi baru").fill("12345678")
    phone.get_by_role("button", name="Simpan kata sandi baru").click()

    expect(field_of(phone, "Kata sandi baru")).to_contain_text("Kata sandi ini seluruhnya terdiri dari angka.")
    expect(field_of(phone, "Ulangi kata sandi baru").locator(".error")).to_have_count(0)
    expect(phone.get_by_label("Kata sandi lama")).to_have_value("Awal-2026xyz")
    # The page came back with the password hidden again.
    expect(phone.get_by_label("Kata sandi lama")).to_have_attribute("type", "password")

    phone.get_by_label("Kata sandi baru", exact=True).fill("Niur-Sejahtera-88")
    phone.get_by_label("Ulangi kata sandi baru").fill("Niur-Sejahtera-88")
    phone.get_by_role("button", name="Simpan kata sandi baru").click()

    expect(phone.get_by_text("Kata sandi sudah diganti.")).to_be_visible()
    expect(phone.get_by_role("heading", name="Desa Niur")).to_be_visible()


def test_without_javascript_the_password_forms_are_plain_forms(browser, live_server, niur):
    user_create(username="op-1705012002", role=Role.VILLAGE_OFFICER, regions=[niur],
                password="Awal-2026xyz", must_change_password=True, full_name="Siti Aminah")
    context = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True, locale="id-ID",
                                  java_script_enabled=False, base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        page.goto("/")
        page.get_by_label("Nama pengguna").fill("op-1705012002")
        page.get_by_label("Kata sandi", exact=True).fill("Awal-2026xyz")
        expect(page.get_by_role("button", name="Tampilkan")).to_have_count(0)
        page.get_by_role("button", name="Masuk").click()

        page.get_by_label("Kata sandi lama").fill("Awal-2026xyz")
        page.get_by_label("Kata sandi baru", exact=True).fill("Niur-Sejahtera-88")
        page.get_by_label("Ulangi kata sandi baru").fill("Niur-Sejahtera-89")
        page.get_by_role("button", name="Simpan kata sandi baru").click()
        expect(page.get_by_label("Kata sandi lama")).to_have_value("Awal-2026xyz")
        expect(page.get_by_role("button", name="Tampilkan")).to_have_count(0)

        page.get_by_label("Kata sandi baru", exact=True).fill("Niur-Sejahtera-88")
        page.get_by_label("Ulangi kata sandi baru").fill("Niur-Sejahtera-88")
        page.get_by_role("button", name="Simpan kata sandi baru").click()
        expect(page.get_by_text("Kata sandi sudah diganti.")).to_be_visible()
    finally:
        context.close()

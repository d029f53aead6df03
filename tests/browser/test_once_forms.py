"""A form marked data-once sends once: a second tap while the first request runs sends nothing
(static/js/app.js), as on *Buat akun desa* over a slow connection."""

import pytest
from playwright.sync_api import expect

from .conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_double_tap_on_buat_akun_desa_sends_one_request(desk, screenshot, seeded, regency_admin, seluma):
    posts = []

    def slow_post(route):
        if route.request.method == "POST":
            posts.append(route.request.url)
            desk.wait_for_timeout(1500)  # the server takes its time, as with 200 accounts on a slow line
        route.continue_()

    log_in(desk, regency_admin)
    desk.goto(f"/kabupaten/{seluma.pk}/akun/")
    desk.route("**/buat-akun-desa/", slow_post)
    button = desk.get_by_role("button", name="Buat akun desa & unduh Excel")

    with desk.expect_download():
        button.click()
        expect(desk.get_by_role("button", name="Sedang membuat akun…")).to_be_disabled()
        desk.get_by_role("button", name="Sedang membuat akun…").click(force=True)

    assert len(posts) == 1
    # The file came: the page reloads itself and says what the click made (common/downloads.py).
    expect(desk.get_by_text("202 akun operator desa dibuat.")).to_be_visible()
    expect(desk.get_by_role("heading", name="Daftar akun (203)")).to_be_visible()
    screenshot(desk, "accounts-village-accounts-made", full_page=False)


def test_the_accounts_page_finds_a_village_officer_by_village_code(desk, screenshot, seeded, regency_admin, seluma):
    from accounts.services import village_officers_create_for_regency

    village_officers_create_for_regency(regency=seluma, created_by=regency_admin)
    log_in(desk, regency_admin)
    desk.goto(f"/kabupaten/{seluma.pk}/akun/")

    desk.get_by_label("Cari akun").fill("1705012002")
    desk.get_by_role("button", name="Cari").click()

    expect(desk.get_by_text("1 akun cocok dengan “1705012002”.")).to_be_visible()
    expect(desk.get_by_role("cell", name="op-1705012002", exact=True)).to_be_visible()
    screenshot(desk, "accounts-search", full_page=False)

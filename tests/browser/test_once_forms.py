"""A form marked data-once sends once: a second tap while the first request runs sends nothing
(static/js/app.js), as on *Buat akun desa* over a slow connection."""

import pytest
from playwright.sync_api import expect

from .conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_double_tap_on_buat_akun_desa_sends_one_request(desk, seeded, regency_admin, seluma):
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

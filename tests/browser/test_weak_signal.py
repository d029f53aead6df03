"""A village officer on a phone with a poor signal loses nothing typed into the nominee form: the
form keeps a draft in the tab while it is sent (static/js/drafts.js, common/drafts.py) and puts it
back after the network was cut, after the browser's error page, and after the session ended and
the officer logged in again; the draft goes once the server has saved the nominee, at *Keluar*,
and before another user's pages. Screenshots for docs/panduan/02-operator-desa.md."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from registrations import services
from registrations.models import Nominee

from ..conftest import PASSWORD
from .conftest import fill_nominee, log_in, no_sideways_scroll

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NOT_SAVED = "Data ini belum tersimpan."
BUDI = {"nik": "1705011505900001", "name": "Budi Santoso", "birth_date": "1990-05-15", "sex": "Laki-laki", "rt": "2"}


@pytest.fixture
def open_programme(seeded, seluma, regency_admin):
    today = timezone.localdate()
    return services.programme_create(
        regency=seluma, created_by=regency_admin, name="Perlindungan Pekerja Rentan", year=today.year + 1,
        stage=1, coverage_start=today + dt.timedelta(days=40), nomination_opens=today - dt.timedelta(days=1),
        nomination_closes=today + dt.timedelta(days=30), quota_per_village=10,
    )


def drafts(page) -> list[str]:
    """The drafts this tab keeps (their names: user, village, form)."""
    return page.evaluate("Object.keys(sessionStorage).filter(function (name) { return name.startsWith('draft:'); })")


def open_form_and_type_budi(page, officer, village):
    log_in(page, officer)
    expect(page.get_by_role("heading", name=f"Desa {village.name}")).to_be_visible()
    page.get_by_role("link", name="+ Tambah calon").click()
    expect(page.get_by_role("heading", name="Tambah calon peserta")).to_be_visible()
    fill_nominee(page, **BUDI)


def expect_budi_typed(page):
    expect(page.get_by_label("NIK", exact=True)).to_have_value(BUDI["nik"])
    expect(page.get_by_label("Nama lengkap (sesuai KTP)")).to_have_value("Budi Santoso")
    expect(page.get_by_label("Tanggal lahir")).to_have_value("1990-05-15")
    expect(page.get_by_label("Jenis kelamin")).to_have_value("L")
    expect(page.get_by_label("Nomor HP")).to_have_value("0812 7788 9900")
    expect(page.get_by_label("Calon peserta setuju")).to_be_checked()


def test_with_the_network_cut_simpan_keeps_everything_and_the_draft_comes_back(
        phone, screenshot, officer, niur, open_programme):
    open_form_and_type_budi(phone, officer, niur)
    form_url = phone.url

    phone.context.set_offline(True)
    phone.get_by_role("button", name="Simpan").click()

    # The phone knows it has no network: no browser error page, nothing typed is lost.
    expect(phone.get_by_text("Tidak ada sinyal: data belum terkirim")).to_be_visible()
    assert phone.url == form_url
    expect_budi_typed(phone)
    assert drafts(phone) == [f"draft:{officer.pk}:nominee:{niur.pk}:tambah"]
    no_sideways_scroll(phone)
    screenshot(phone, "nominee-offline-phone", full_page=False)

    # Still no signal, the officer reloads: the browser's own error page.
    with pytest.raises(PlaywrightError):
        phone.reload()

    # The signal is back: the form, with what was typed, and the line saying it is not saved yet.
    phone.context.set_offline(False)
    phone.goto(form_url)
    expect(phone.get_by_text(NOT_SAVED)).to_be_visible()
    expect_budi_typed(phone)
    assert Nominee.objects.count() == 0

    phone.get_by_role("button", name="Simpan").click()

    expect(phone.get_by_text("Budi Santoso ditambahkan ke daftar")).to_be_visible()
    assert drafts(phone) == []
    assert list(Nominee.objects.values_list("full_name", "phone")) == [("Budi Santoso", "+6281277889900")]


def test_after_the_browsers_error_page_back_brings_the_draft(phone, screenshot, officer, niur, open_programme):
    """A weak signal the phone does not notice: the sending fails on the way, the browser shows its
    error page, and the officer presses back (as the officer who reported it did)."""
    open_form_and_type_budi(phone, officer, niur)
    phone.route("**/tambah/", lambda route: route.abort("internetdisconnected") if route.request.method == "POST"
                else route.continue_())

    phone.get_by_role("button", name="Simpan").click()
    phone.wait_for_url("chrome-error://**")

    # The error page took the form's place in the history (the form sends to its own address):
    # back leads to the village page, which says the draft waits.
    phone.unroute("**/tambah/")
    phone.go_back()
    expect(phone.get_by_role("heading", name="Desa Niur")).to_be_visible()
    expect(phone.get_by_text("Ada draf calon baru yang belum tersimpan di perangkat ini.")).to_be_visible()
    screenshot(phone, "village-draft-waiting-phone", full_page=False)
    phone.get_by_role("link", name="Lanjutkan mengisi").click()

    expect(phone.get_by_text(NOT_SAVED)).to_be_visible()
    expect_budi_typed(phone)
    no_sideways_scroll(phone)
    phone.get_by_text(NOT_SAVED).scroll_into_view_if_needed()
    screenshot(phone, "nominee-draft-restored-phone", full_page=False)

    phone.get_by_role("button", name="Simpan").click()

    expect(phone.get_by_text("Budi Santoso ditambahkan ke daftar")).to_be_visible()
    assert drafts(phone) == []
    assert Nominee.objects.count() == 1


def test_a_sending_saved_whose_answer_was_lost_leaves_no_draft_and_no_double(phone, officer, niur, open_programme):
    """The worst signal: the server saved Budi, but its answer never reached the phone. The server's
    word that it saved the form waits in the session, so the next page deletes the draft; sent
    again from the error page (reload), the same sending is told it was saved already."""
    open_form_and_type_budi(phone, officer, niur)

    def saved_but_answer_lost(route):
        if route.request.method != "POST":
            return route.continue_()
        route.fetch(max_redirects=0)  # the server receives and saves it
        return route.abort("connectionreset")

    phone.route("**/tambah/", saved_but_answer_lost)
    phone.get_by_role("button", name="Simpan").click()
    phone.wait_for_url("chrome-error://**")
    assert Nominee.objects.count() == 1

    phone.unroute("**/tambah/")
    phone.go_back()

    expect(phone.get_by_role("heading", name="Desa Niur")).to_be_visible()
    expect(phone.get_by_text("1 dari 10")).to_be_visible()
    expect(phone.get_by_role("link", name="Budi Santoso", exact=True)).to_be_visible()
    expect(phone.get_by_text("Ada draf calon baru yang belum tersimpan")).to_be_hidden()
    assert drafts(phone) == []
    assert Nominee.objects.count() == 1


def test_when_the_session_ended_the_draft_waits_for_the_login(phone, screenshot, officer, niur, open_programme):
    open_form_and_type_budi(phone, officer, niur)
    phone.context.clear_cookies(name="sessionid")  # the session ended while the officer typed

    phone.get_by_role("button", name="Simpan").click()

    expect(phone.get_by_role("heading", name="Masuk")).to_be_visible()
    expect(phone.get_by_text("Ada isian formulir yang belum tersimpan di perangkat ini.")).to_be_visible()
    screenshot(phone, "login-draft-waiting-phone", full_page=False)
    phone.get_by_label("Nama pengguna").fill(officer.username)
    phone.get_by_label("Kata sandi", exact=True).fill(PASSWORD)
    phone.get_by_role("button", name="Masuk").click()

    expect(phone.get_by_role("heading", name="Tambah calon peserta")).to_be_visible()
    expect(phone.get_by_text(NOT_SAVED)).to_be_visible()
    expect_budi_typed(phone)
    assert Nominee.objects.count() == 0

    phone.get_by_role("button", name="Simpan").click()

    expect(phone.get_by_text("Budi Santoso ditambahkan ke daftar")).to_be_visible()
    assert drafts(phone) == []


def test_the_draft_goes_at_keluar_and_is_never_shown_to_another_user(
        phone, officer, neighbour_officer, niur, open_programme):
    open_form_and_type_budi(phone, officer, niur)
    phone.context.set_offline(True)
    phone.get_by_role("button", name="Simpan").click()
    expect(phone.get_by_text("Tidak ada sinyal: data belum terkirim")).to_be_visible()
    phone.context.set_offline(False)
    assert len(drafts(phone)) == 1

    phone.get_by_role("button", name="Keluar").click()

    expect(phone.get_by_role("heading", name="Masuk")).to_be_visible()
    assert drafts(phone) == []
    expect(phone.get_by_text("Ada isian formulir yang belum tersimpan")).to_be_hidden()

    # The session ends instead (no Keluar) and the neighbour's officer logs in on this phone.
    open_form_and_type_budi(phone, officer, niur)
    phone.context.clear_cookies(name="sessionid")
    phone.get_by_role("button", name="Simpan").click()
    expect(phone.get_by_role("heading", name="Masuk")).to_be_visible()
    assert len(drafts(phone)) == 1

    log_in(phone, neighbour_officer)

    expect(phone.get_by_role("heading", name="Desa Lubuk Sahung")).to_be_visible()
    assert drafts(phone) == []


def test_buang_draf_and_batal_let_the_draft_go(phone, officer, niur, open_programme):
    open_form_and_type_budi(phone, officer, niur)
    phone.context.set_offline(True)
    phone.get_by_role("button", name="Simpan").click()
    phone.context.set_offline(False)
    phone.reload()
    expect(phone.get_by_text(NOT_SAVED)).to_be_visible()

    phone.get_by_role("button", name="Buang draf ini").click()

    expect(phone.get_by_text(NOT_SAVED)).to_be_hidden()
    expect(phone.get_by_label("NIK", exact=True)).to_have_value("")
    expect(phone.get_by_label("Calon peserta setuju")).not_to_be_checked()
    assert drafts(phone) == []

    fill_nominee(phone, **BUDI)
    phone.context.set_offline(True)
    phone.get_by_role("button", name="Simpan").click()
    phone.context.set_offline(False)
    assert len(drafts(phone)) == 1

    phone.get_by_role("link", name="Batal").click()

    expect(phone.get_by_role("heading", name="Desa Niur")).to_be_visible()
    expect(phone.get_by_text("Ada draf calon baru yang belum tersimpan")).to_be_hidden()
    assert drafts(phone) == []
    assert Nominee.objects.count() == 0

"""accounts/views.py: logging in and out, the first password change, the home page by role, and the
regency admin's account pages."""

import re
from io import BytesIO

import pytest
from django.contrib.auth import authenticate
from django.test import RequestFactory
from django.urls import reverse
from openpyxl import load_workbook

from accounts.enums import Role
from accounts.exports import CREDENTIAL_HEADERS
from accounts.models import User
from accounts.services import user_create
from tests.conftest import PASSWORD
from villages.models import Village

from .conftest import INITIAL_PASSWORD

WRONG_PASSWORD_MESSAGE = (
    "Nama pengguna atau kata sandi salah. Periksa huruf besar/kecil. "
    "Setelah beberapa kali salah, akun dikunci sementara."
)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def log_in(client, username, password, **kwargs):
    return client.post(reverse("accounts:login"), {"username": username, "password": password}, **kwargs)


def is_logged_in(client) -> bool:
    return "_auth_user_id" in client.session


# --- logging in ------------------------------------------------------------------------------------

@pytest.mark.parametrize(("persona", "landing", "region_fixture"), [
    ("officer", "registrations:village", "niur"),
    ("regency_admin", "villages:regency-detail", "seluma"),
    ("reviewer", "registrations:review-queue", None),
    ("approver", "registrations:review-queue", None),
    ("viewer", "reports:regency-detail", "seluma"),
    ("bpjs_officer", "registrations:bpjs-regency", "seluma"),
    ("province_viewer", "reports:province-detail", "bengkulu"),
    ("sysadmin", "villages:index", None),
])
def test_login_page_logs_in_and_home_sends_each_role_to_its_work(request, client, persona, landing, region_fixture):
    user = request.getfixturevalue(persona)
    landing_url = reverse(landing, args=[request.getfixturevalue(region_fixture).pk] if region_fixture else [])

    response = log_in(client, user.username, PASSWORD, follow=True)

    assert response.redirect_chain == [(reverse("accounts:home"), 302), (landing_url, 302)]
    assert response.status_code == 200
    assert response.context["user"] == user


def test_login_remembers_the_office_for_the_page_header(client, reviewer):
    response = log_in(client, reviewer.username, PASSWORD, follow=True)

    assert '<span class="office">Disnakertrans Kabupaten Seluma</span>' in response.content.decode()
    assert "Sri Wahyuni · Verifikator dinas" in response.content.decode()


def test_login_page_is_in_indonesian(client):
    response = client.get(reverse("accounts:login"))

    page = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Masuk</h1>" in page
    assert "Nama pengguna" in page and "Kata sandi" in page


def test_logged_in_user_opening_the_login_page_goes_home(login, reviewer):
    response = login(reviewer).get(reverse("accounts:login"))

    assert response["Location"] == reverse("accounts:home")


def test_wrong_password_is_refused_with_a_hint(client, officer):
    response = log_in(client, officer.username, "salah-sekali")

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [WRONG_PASSWORD_MESSAGE]
    assert not is_logged_in(client)


def test_five_wrong_passwords_lock_the_account_even_against_the_right_one(client, officer, neighbour_officer):
    statuses = [log_in(client, officer.username, "salah-sekali").status_code for _ in range(5)]

    response = log_in(client, officer.username, PASSWORD)

    assert statuses == [200, 200, 200, 200, 429]
    assert response.status_code == 429
    assert "<h1>Akun dikunci sementara</h1>" in response.content.decode()
    assert "dikunci sementara (30 menit)" in response.content.decode()
    assert not is_logged_in(client)
    # The lock is per username and address: the neighbouring officer on the same network still gets in.
    assert log_in(client, neighbour_officer.username, PASSWORD).status_code == 302
    assert client.session["_auth_user_id"] == str(neighbour_officer.pk)


def test_a_successful_login_clears_earlier_failures(client, officer):
    for _ in range(4):
        log_in(client, officer.username, "salah-sekali")
    log_in(client, officer.username, PASSWORD)
    client.post(reverse("accounts:logout"))

    for _ in range(4):
        log_in(client, officer.username, "salah-sekali")
    response = log_in(client, officer.username, PASSWORD)

    assert response.status_code == 302
    assert is_logged_in(client)


def test_logout_is_a_post(login, officer):
    client = login(officer)
    page = client.get(reverse("villages:index")).content.decode()
    assert f'<form method="post" action="{reverse("accounts:logout")}"' in page

    refused = client.get(reverse("accounts:logout"))
    assert (refused.status_code, is_logged_in(client)) == (405, True)

    response = client.post(reverse("accounts:logout"))

    assert response["Location"] == reverse("accounts:login")
    assert not is_logged_in(client)


# --- the first password change -------------------------------------------------------------------

def test_new_officer_changes_the_initial_password_and_reaches_the_village(client, new_officer, niur):
    log_in(client, new_officer.username, INITIAL_PASSWORD)

    response = client.post(reverse("accounts:password-change"), {
        "old_password": INITIAL_PASSWORD,
        "new_password1": "Niur-Sejahtera-88",
        "new_password2": "Niur-Sejahtera-88",
    }, follow=True)

    assert response.redirect_chain == [
        (reverse("accounts:home"), 302),
        (reverse("registrations:village", args=[niur.pk]), 302),
    ]
    assert "Kata sandi sudah diganti." in response.content.decode()
    new_officer.refresh_from_db()
    assert new_officer.must_change_password is False
    assert new_officer.check_password("Niur-Sejahtera-88")
    assert is_logged_in(client)


def test_password_change_page_explains_why(client, new_officer):
    log_in(client, new_officer.username, INITIAL_PASSWORD)

    response = client.get(reverse("accounts:password-change"))

    assert "Ganti dulu kata sandi awal sebelum melanjutkan." in response.content.decode()


@pytest.mark.parametrize(("old", "new1", "new2", "field", "message"), [
    ("salah-sekali", "Niur-Sejahtera-88", "Niur-Sejahtera-88", "old_password", "Kata sandi lama salah. Ketik ulang."),
    (INITIAL_PASSWORD, "Niur-Sejahtera-88", "Niur-Sejahtera-99", "new_password2",
     "Dua isian kata sandi baru tidak sama."),
])
def test_password_change_mistakes_keep_the_obligation(client, new_officer, old, new1, new2, field, message):
    log_in(client, new_officer.username, INITIAL_PASSWORD)

    response = client.post(reverse("accounts:password-change"),
                           {"old_password": old, "new_password1": new1, "new_password2": new2})

    assert response.context["form"].errors[field] == [message]
    new_officer.refresh_from_db()
    assert new_officer.must_change_password is True
    assert new_officer.check_password(INITIAL_PASSWORD)


def field_blocks(page: str) -> dict[str, str]:
    """Each form field's block of the page (common/jinja2/common/field.html), by the name of its input."""
    blocks = {}
    for block in page.split('<div class="field')[1:]:
        name = re.search(r'name="([^"]+)"', block)
        if name:
            blocks[name.group(1)] = block
    return blocks


def test_a_failed_password_change_keeps_the_right_old_password_and_nothing_else(client, new_officer):
    log_in(client, new_officer.username, INITIAL_PASSWORD)

    response = client.post(reverse("accounts:password-change"), {
        "old_password": INITIAL_PASSWORD, "new_password1": "Niur-Sejahtera-88", "new_password2": "Niur-Sejahtera-99"})

    page = response.content.decode()
    blocks = field_blocks(page)
    assert f'value="{INITIAL_PASSWORD}"' in blocks["old_password"]
    assert "Niur-Sejahtera" not in page
    assert "Kata sandi lama tidak perlu diketik ulang." in page
    # The cursor waits in the field to fix, and the page with a password in it is kept by no cache.
    assert "autofocus" in blocks["new_password2"] and "autofocus" not in blocks["old_password"]
    assert "no-store" in response["Cache-Control"]


def test_a_wrong_old_password_is_cleared(client, new_officer):
    log_in(client, new_officer.username, INITIAL_PASSWORD)

    response = client.post(reverse("accounts:password-change"), {
        "old_password": "salah-sekali", "new_password1": "Niur-Sejahtera-88", "new_password2": "Niur-Sejahtera-88"})

    page = response.content.decode()
    assert "salah-sekali" not in page and "Niur-Sejahtera" not in page
    assert "Kata sandi lama salah. Ketik ulang." in field_blocks(page)["old_password"]
    assert "autofocus" in field_blocks(page)["old_password"]


@pytest.mark.parametrize(("new1", "new2", "field", "wrong_field"), [
    ("12345678", "12345678", "new_password1", "new_password2"),      # too common, only digits
    ("op-1705012002x", "op-1705012002x", "new_password1", "new_password2"),  # like the username
    ("Niur-Sejahtera-88", "Niur-Sejahtera-99", "new_password2", "new_password1"),
])
def test_each_password_error_stands_under_its_own_field(client, new_officer, new1, new2, field, wrong_field):
    log_in(client, new_officer.username, INITIAL_PASSWORD)

    response = client.post(reverse("accounts:password-change"),
                           {"old_password": INITIAL_PASSWORD, "new_password1": new1, "new_password2": new2})

    form = response.context["form"]
    assert list(form.errors) == [field]
    blocks = field_blocks(response.content.decode())
    for message in form.errors[field]:
        assert message in blocks[field] and message not in blocks[wrong_field]
    assert 'class="error"' not in blocks["old_password"] + blocks[wrong_field]


def test_password_change_page_loads_the_show_password_toggle_as_a_file(client, new_officer):
    log_in(client, new_officer.username, INITIAL_PASSWORD)

    page = client.get(reverse("accounts:password-change")).content.decode()

    assert re.search(r'<script src="[^"]*js/password\.js" defer></script>', page)
    assert "<form method=\"post\" novalidate data-password-toggle>" in page
    assert page.count('type="password"') == 3


def test_password_change_needs_a_login(client):
    response = client.get(reverse("accounts:password-change"))

    assert response["Location"] == f"{reverse('accounts:login')}?next={reverse('accounts:password-change')}"


# --- home ------------------------------------------------------------------------------------------

def test_home_sends_strangers_to_the_login_page(client):
    response = client.get(reverse("accounts:home"))

    assert response["Location"] == f"{reverse('accounts:login')}?next=/"


def test_officer_of_two_villages_chooses_one(login, niur, lubuk_sahung):
    two_villages = user_create(username="op-dua", role=Role.VILLAGE_OFFICER, regions=[niur, lubuk_sahung],
                               password=PASSWORD, must_change_password=False)

    response = login(two_villages).get(reverse("accounts:home"))

    assert response.status_code == 200
    assert response.context["villages"] == [niur, lubuk_sahung]


def test_viewer_of_two_regencies_chooses_one(login, seluma, other_regency):
    two_regencies = user_create(username="pemantau-dua", role=Role.REGENCY_VIEWER,
                                regions=[seluma, other_regency], password=PASSWORD, must_change_password=False)

    response = login(two_regencies).get(reverse("accounts:home"))

    assert response.status_code == 200
    assert list(response.context["regencies"]) == [other_regency, seluma]


# --- the regency's accounts ----------------------------------------------------------------------

def village_accounts_url(regency):
    return reverse("accounts:regency-village-accounts-create", args=[regency.pk])


def credential_rows(response):
    sheet = load_workbook(BytesIO(response.content)).active
    assert [cell.value for cell in sheet[4]] == CREDENTIAL_HEADERS
    return list(sheet.iter_rows(min_row=5))


@pytest.mark.parametrize(("persona", "status"), [
    ("regency_admin", 200),
    ("sysadmin", 200),
    ("viewer", 404),
    ("reviewer", 404),
    ("officer", 404),
    ("other_admin", 404),
])
def test_regency_accounts_page_is_for_the_regency_admin(request, login, seluma, persona, status):
    response = login(request.getfixturevalue(persona)).get(reverse("accounts:regency-accounts", args=[seluma.pk]))

    assert response.status_code == status


def test_regency_accounts_page_lists_the_regency_people_only(login, regency_admin, reviewer, officer, other_reviewer,
                                                              seluma):
    response = login(regency_admin).get(reverse("accounts:regency-accounts", args=[seluma.pk]))

    assert [user.username for user in response.context["page"].object_list] == [
        "admin-seluma", "verifikator-seluma", "op-niur",  # ordered by role, then username
    ]


@pytest.mark.parametrize("officers", [1, 3])
def test_regency_accounts_page_query_count_does_not_grow_with_accounts(login, regency_admin, seluma, officers,
                                                                       django_assert_num_queries):
    for village in Village.objects.filter(subdistrict__regency=seluma).order_by("code")[:officers]:
        user_create(username=f"op-{village.code}", role=Role.VILLAGE_OFFICER, regions=[village])
    client = login(regency_admin)

    # 1 user, 2 the user's region assignments (scope), 3 the regency with its province,
    # 4 the paginator's count, 5 the page of users, 6 their region assignments with the regions,
    # 7 the unread notices (header).
    with django_assert_num_queries(7):
        response = client.get(reverse("accounts:regency-accounts", args=[seluma.pk]))

    assert len(response.context["page"].object_list) == officers + 1


def test_regency_admin_creates_an_account_for_every_village_as_excel(login, regency_admin, seluma):
    response = login(regency_admin).post(village_accounts_url(seluma))

    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert re.fullmatch(r'attachment; filename="akun-desa-17\.05-\d{8}-\d{4}\.xlsx"',
                        response["Content-Disposition"])
    assert response["Cache-Control"] == "no-store"
    rows = credential_rows(response)
    seluma_villages = list(Village.objects.filter(subdistrict__regency=seluma).order_by("code"))
    assert len(rows) == 202
    assert [row[0].value for row in rows] == [village.code for village in seluma_villages]
    assert [row[3].value for row in rows] == ["op-" + village.code.replace(".", "") for village in seluma_villages]
    for row in rows:
        for cell in row:
            assert (cell.data_type, cell.number_format) == ("s", "@"), cell.coordinate
    factory = RequestFactory()
    for row in rows:
        user = authenticate(factory.post(reverse("accounts:login")), username=row[3].value, password=row[4].value)
        assert user is not None, row[3].value
        assert (user.role, user.must_change_password) == (Role.VILLAGE_OFFICER, True)
        assert [a.village.code for a in user.region_assignments.all()] == [row[0].value]


def test_new_village_account_logs_in_and_must_change_the_password(login, regency_admin, seluma, niur):
    client = login(regency_admin)
    rows = credential_rows(client.post(village_accounts_url(seluma)))
    client.post(reverse("accounts:logout"))
    niur_row = next(row for row in rows if row[0].value == niur.code)

    response = log_in(client, niur_row[3].value, niur_row[4].value, follow=True)
    elsewhere = client.get(reverse("villages:village-detail", args=[niur.pk]))

    assert response.redirect_chain == [(reverse("accounts:home"), 302), (reverse("accounts:password-change"), 302)]
    assert elsewhere["Location"] == reverse("accounts:password-change")


def test_second_request_creates_nothing_and_says_so(login, regency_admin, seluma):
    client = login(regency_admin)
    client.post(village_accounts_url(seluma))
    users_after_first = User.objects.count()

    response = client.post(village_accounts_url(seluma), follow=True)

    assert response.redirect_chain == [(reverse("accounts:regency-accounts", args=[seluma.pk]), 302)]
    # The same admin, minutes later: told what the first request made (test_village_accounts.py).
    assert "sudah dibuat oleh klik Anda pada" in response.content.decode()
    assert User.objects.count() == users_after_first


def test_with_every_village_served_long_ago_the_page_says_there_is_nothing_new(login, regency_admin, sysadmin,
                                                                              seluma):
    login(regency_admin).post(village_accounts_url(seluma))

    response = login(sysadmin).post(village_accounts_url(seluma), follow=True)

    assert "Semua desa/kelurahan sudah punya akun operator. Tidak ada akun baru." in response.content.decode()


def test_village_that_has_an_officer_is_skipped(login, regency_admin, officer, seluma, niur):
    response = login(regency_admin).post(village_accounts_url(seluma))

    codes = [row[0].value for row in credential_rows(response)]
    assert len(codes) == 201
    assert niur.code not in codes
    assert list(niur.assignments.values_list("user__username", flat=True)) == ["op-niur"]
    officer.refresh_from_db()
    assert officer.check_password(PASSWORD)


@pytest.mark.parametrize("persona", ["viewer", "other_admin", "reviewer"])
def test_village_accounts_out_of_scope_is_404_and_creates_nothing(request, login, seluma, persona):
    client = login(request.getfixturevalue(persona))
    users_before = User.objects.count()

    response = client.post(village_accounts_url(seluma))

    assert response.status_code == 404
    assert User.objects.count() == users_before


def test_village_accounts_are_created_by_post_only(login, regency_admin, seluma):
    response = login(regency_admin).get(village_accounts_url(seluma))

    assert response.status_code == 405
    assert not User.objects.filter(role=Role.VILLAGE_OFFICER).exists()


@pytest.mark.parametrize("url_name", ["accounts:regency-accounts", "accounts:regency-village-accounts-create"])
def test_account_pages_send_strangers_to_the_login_page(client, seluma, url_name):
    url = reverse(url_name, args=[seluma.pk])

    response = client.post(url)

    assert response["Location"] == f"{reverse('accounts:login')}?next={url}"


# --- an account's name and phone number ---------------------------------------------------------------

def edit_url(regency, account):
    return reverse("accounts:regency-account-edit", args=[regency.pk, account.pk])


@pytest.mark.parametrize("typed", ["0812 3456 7890", "+62 812-3456-7890", "6281234567890"])
def test_regency_admin_gives_a_village_officer_a_name_and_phone(login, regency_admin, officer, seluma, typed):
    client = login(regency_admin)

    response = client.post(edit_url(seluma, officer), {"full_name": "Siti Aminah Lubis", "phone": typed},
                           follow=True)

    officer.refresh_from_db()
    assert (officer.first_name, officer.last_name, officer.phone) == ("Siti", "Aminah Lubis", "+6281234567890")
    assert "Nama dan nomor HP akun op-niur disimpan." in response.content.decode()
    assert officer.history.first().history_user == regency_admin
    # The list shows the number as the office dials it.
    assert "0812-3456-7890" in response.content.decode()


def test_a_phone_that_is_no_indonesian_number_is_refused(login, regency_admin, officer, seluma):
    response = login(regency_admin).post(edit_url(seluma, officer), {"full_name": "Siti Aminah", "phone": "12345"})

    assert response.status_code == 200
    assert "Nomor HP tidak valid. Tulis seperti 0812 3456 7890 atau +62 812 3456 7890." in response.content.decode()
    officer.refresh_from_db()
    assert officer.phone == ""


def test_an_emptied_phone_is_removed(login, regency_admin, officer, seluma):
    User.objects.filter(pk=officer.pk).update(phone="+6281234567890")

    login(regency_admin).post(edit_url(seluma, officer), {"full_name": "Siti Aminah", "phone": ""})

    officer.refresh_from_db()
    assert officer.phone == ""


@pytest.mark.parametrize("persona", ["reviewer", "viewer", "officer", "other_admin"])
def test_account_edit_is_404_to_everyone_but_who_manages_the_regency(request, login, officer, seluma, persona):
    client = login(request.getfixturevalue(persona))

    assert client.get(edit_url(seluma, officer)).status_code == 404
    assert client.post(edit_url(seluma, officer), {"full_name": "X", "phone": "081234567890"}).status_code == 404
    officer.refresh_from_db()
    assert officer.phone == ""


def test_account_of_another_regency_is_404(login, regency_admin, other_reviewer, seluma):
    assert login(regency_admin).get(edit_url(seluma, other_reviewer)).status_code == 404


def test_system_administrator_sees_the_phone_masked_on_the_accounts_page(login, sysadmin, officer, seluma):
    User.objects.filter(pk=officer.pk).update(phone="+6281234567890")

    page = login(sysadmin).get(reverse("accounts:regency-accounts", args=[seluma.pk])).content.decode()

    assert "0812****7890" in page and "0812-3456-7890" not in page


def test_the_admin_form_stores_the_phone_as_e164(officer):
    from accounts.forms import UserAdminChangeForm

    data = {field: value for field, value in UserAdminChangeForm(instance=officer).initial.items() if value is not None}
    form = UserAdminChangeForm({**data, "phone": "0812-3456-7890", "role": officer.role,
                                "date_joined_0": "2026-01-01", "date_joined_1": "00:00"}, instance=officer)

    assert form.is_valid(), form.errors
    assert form.cleaned_data["phone"] == "+6281234567890"


# --- Akun pengguna: what a click made, and the search -------------------------------------------

def accounts_url(regency, **params):
    url = reverse("accounts:regency-accounts", args=[regency.pk])
    return f"{url}?{'&'.join(f'{key}={value}' for key, value in params.items())}" if params else url


def test_after_making_village_accounts_the_page_says_how_many(login, regency_admin, officer, seluma):
    client = login(regency_admin)

    response = client.post(village_accounts_url(seluma), {"download_nonce": "a1b2c3d4e5f6a7b8"})

    assert response["Content-Type"] == XLSX
    # The page that sent the form reloads itself when the file has come (static/js/app.js).
    assert response.cookies["download_done"].value == "a1b2c3d4e5f6a7b8"
    assert not response.cookies["download_done"]["httponly"]
    filename = re.search(r'filename="([^"]+)"', response["Content-Disposition"]).group(1)
    page = client.get(accounts_url(seluma)).content.decode()
    assert (f"201 akun operator desa dibuat. Nama pengguna dan kata sandi awalnya ada di file {filename} yang baru "
            "diunduh") in page
    assert "Daftar akun (203)" in page  # the new accounts are listed: 201 officers, op-niur and the admin
    # Said once.
    assert "akun operator desa dibuat" not in client.get(accounts_url(seluma)).content.decode()


@pytest.mark.parametrize("nonce", ["", "pendek", "<script>alert(1)</script>"])
def test_a_missing_or_odd_nonce_sets_no_cookie(login, regency_admin, seluma, nonce):
    response = login(regency_admin).post(village_accounts_url(seluma), {"download_nonce": nonce})

    assert response["Content-Type"] == XLSX
    assert "download_done" not in response.cookies


def test_after_resetting_the_village_passwords_the_page_says_how_many(login, regency_admin, officer,
                                                                     neighbour_officer, seluma):
    client = login(regency_admin)

    response = client.post(reverse("accounts:regency-village-passwords-reset", args=[seluma.pk]),
                           {"download_nonce": "0123456789abcdef"})

    assert response["Content-Type"] == XLSX and response.cookies["download_done"].value == "0123456789abcdef"
    page = client.get(accounts_url(seluma)).content.decode()
    assert "Kata sandi baru untuk 2 operator desa dibuat" in page


@pytest.fixture
def village_accounts(login, regency_admin, seluma):
    """An operator account for each of Seluma's 202 villages, as the button makes them (op-1705012002)."""
    login(regency_admin).post(village_accounts_url(seluma))


def listed(response) -> list[str]:
    return [user.username for user in response.context["page"].object_list]


@pytest.mark.parametrize(("search", "expected"), [
    ("op-1705012002", ["op-1705012002"]),  # the username
    ("OP-170501200", "17.05.01.200"),  # any part of it, any case: every village whose code starts so
    ("Rahmat", ["admin-seluma"]),  # the person's name
    ("Operator Niur", ["op-1705012002"]),  # first and last name together
    ("niur", ["op-1705012002"]),  # the village's name (the officer's last name is the village's too)
    ("17.05.01.2002", ["op-1705012002"]),  # the village's code, dotted
    ("1705012002", ["op-1705012002"]),  # or as Excel writes it
    ("  17.05.01.2003 ", ["op-1705012003"]),
])
def test_accounts_are_searched_by_username_name_village_and_code(login, regency_admin, seluma, village_accounts,
                                                                  search, expected):
    if not isinstance(expected, list):
        expected = ["op-" + code.replace(".", "") for code in Village.objects.filter(
            code__startswith=expected).order_by("code").values_list("code", flat=True)]
        assert len(expected) > 1
    response = login(regency_admin).get(accounts_url(seluma), {"q": search})

    assert listed(response) == expected
    page = response.content.decode()
    assert f"{len(expected)} akun cocok dengan" in page
    assert f'value="{search.strip()}"' in page  # the box keeps what was typed


def test_a_subdistrict_code_finds_its_village_officers(login, regency_admin, seluma, village_accounts, sukaraja):
    response = login(regency_admin).get(accounts_url(seluma), {"q": "170501"})

    assert response.context["page"].paginator.count == sukaraja.villages.count() == 21


def test_a_search_that_finds_nobody_says_so(login, regency_admin, seluma, village_accounts):
    page = login(regency_admin).get(accounts_url(seluma), {"q": "Bengkulu Selatan"}).content.decode()

    assert "Tidak ada akun yang cocok dengan “Bengkulu Selatan”." in page
    assert "Tampilkan semua akun" in page


def test_the_search_keeps_to_the_regency(login, regency_admin, other_admin, other_regency, seluma, village_accounts):
    # Bengkulu Selatan's admin and its village officers never show in Seluma's search.
    login(other_admin).post(village_accounts_url(other_regency))

    response = login(regency_admin).get(accounts_url(seluma), {"q": "op-"})

    assert response.context["page"].paginator.count == 202
    assert all(name.startswith("op-1705") for name in listed(response))


def test_the_pages_of_a_search_keep_the_search(login, regency_admin, seluma, village_accounts):
    client = login(regency_admin)

    first = client.get(accounts_url(seluma), {"q": "op-1705"})
    second = client.get(accounts_url(seluma), {"q": "op-1705", "page": "2"})

    assert (first.context["page"].paginator.count, first.context["page"].paginator.num_pages) == (202, 5)
    assert "?q=op-1705&amp;page=2" in first.content.decode()
    everyone = sorted("op-" + code.replace(".", "") for code in
                      Village.objects.filter(subdistrict__regency=seluma).values_list("code", flat=True))
    assert listed(first) == everyone[:50] and listed(second) == everyone[50:100]


@pytest.mark.parametrize("officers", [1, 3])
def test_a_search_costs_the_same_queries_for_1_and_3_accounts(login, regency_admin, seluma, officers,
                                                              django_assert_num_queries):
    for village in Village.objects.filter(subdistrict__regency=seluma).order_by("code")[:officers]:
        user_create(username=f"op-{village.code}", role=Role.VILLAGE_OFFICER, regions=[village])
    client = login(regency_admin)

    # 1 user, 2 the user's region assignments (scope), 3 the regency with its province,
    # 4 the paginator's count, 5 the page of users, 6 their region assignments with the regions,
    # 7 the unread notices (header): the search is a subquery of the count and the page.
    with django_assert_num_queries(7):
        response = client.get(accounts_url(seluma), {"q": "op-17.05"})

    assert len(listed(response)) == officers

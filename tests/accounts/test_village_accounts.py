"""Village officer accounts made at once for a regency: two clicks never give two files or an
error, a lost file is replaced by a bulk password reset (accounts/services.py, views.py)."""

import re
from io import BytesIO
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import authenticate
from django.contrib.messages import get_messages
from django.db import transaction
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from accounts import services
from accounts.enums import Role
from accounts.models import User
from common.formatting import format_datetime
from common.models import ExportKind, ExportRecord
from tests.clicks import at_once

WIB = ZoneInfo("Asia/Jakarta")  # Seluma's time zone: the page speaks the regency's local time


def village_count(regency) -> int:
    return regency.subdistricts.filter(villages__is_retired=False).values("villages").count()


def credentials(response) -> dict[str, str]:
    """username → password from the credentials workbook the page answered with."""
    sheet = load_workbook(BytesIO(b"".join(response.streaming_content)
                                  if response.streaming else response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    header = next(index for index, row in enumerate(rows) if row and "Nama pengguna" in row)
    user_col, password_col = rows[header].index("Nama pengguna"), rows[header].index("Kata sandi awal")
    return {row[user_col]: row[password_col] for row in rows[header + 1:] if row and row[user_col]}


@pytest.mark.django_db(transaction=True)
def test_two_clicks_at_once_make_each_account_once_and_no_error(seluma, regency_admin):
    def create(_):
        with transaction.atomic():
            return len(services.village_officers_create_for_regency(regency=seluma, created_by=regency_admin))

    outcomes = at_once([1, 2], create)

    assert sorted(outcomes) == [0, village_count(seluma)] == [0, 202]
    assert User.objects.filter(role=Role.VILLAGE_OFFICER).count() == 202


def test_a_second_click_is_told_what_the_first_made(client, seluma, regency_admin):
    client.force_login(regency_admin)
    url = reverse("accounts:regency-village-accounts-create", args=[seluma.pk])

    first = client.post(url)
    second = client.post(url)

    assert first.status_code == 200 and len(credentials(first)) == 202
    assert second.status_code == 302
    made_at = ExportRecord.objects.get(kind=ExportKind.VILLAGE_ACCOUNTS).created_at
    # The first click's count (shown when the page reloads after its file), then the second's answer.
    said = [str(message) for message in get_messages(second.wsgi_request)]
    assert said[0].startswith("202 akun operator desa dibuat.")
    assert said[1:] == [
        f"Akun operator untuk 202 desa/kelurahan sudah dibuat oleh klik Anda pada "
        f"{format_datetime(timezone.localtime(made_at, WIB))}, dan file Excel-nya diunduh saat itu. Bila file itu "
        "tidak ada, tekan "
        "\"Reset kata sandi semua operator desa\" untuk membuat kata sandi dan file baru."]


def test_the_bulk_reset_gives_every_village_officer_a_new_password_in_one_file(client, seluma, regency_admin):
    client.force_login(regency_admin)
    client.post(reverse("accounts:regency-village-accounts-create", args=[seluma.pk]))

    response = client.post(reverse("accounts:regency-village-passwords-reset", args=[seluma.pk]))

    new = credentials(response)
    assert len(new) == 202
    username, password = sorted(new.items())[0]
    officer = User.objects.get(username=username)
    assert officer.must_change_password is True
    assert authenticate(RequestFactory().post("/"), username=username, password=password) == officer
    assert ExportRecord.objects.filter(kind=ExportKind.VILLAGE_ACCOUNTS, row_count=202).count() == 2
    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize("persona", ["reviewer", "approver", "other_admin", "viewer", "officer"])
def test_only_the_regency_admin_resets_the_village_passwords(request, client, seluma, regency_admin, persona):
    person = request.getfixturevalue(persona)
    services.village_officers_create_for_regency(regency=seluma, created_by=regency_admin)
    before = dict(User.objects.filter(role=Role.VILLAGE_OFFICER).values_list("username", "password"))
    client.force_login(person)

    response = client.post(reverse("accounts:regency-village-passwords-reset", args=[seluma.pk]))

    assert response.status_code == 404
    assert dict(User.objects.filter(role=Role.VILLAGE_OFFICER).values_list("username", "password")) == before


def test_the_bulk_reset_sent_twice_resets_once_and_says_so(client, seluma, regency_admin):
    """A double click (or back and send again): the file of the first click stays valid."""
    services.village_officers_create_for_regency(regency=seluma, created_by=regency_admin)
    client.force_login(regency_admin)
    page = client.get(reverse("accounts:regency-accounts", args=[seluma.pk])).content.decode()
    data = {"shown": re.search(r'name="shown" value="([^"]+)"', page).group(1)}
    url = reverse("accounts:regency-village-passwords-reset", args=[seluma.pk])

    first = client.post(url, data)
    second = client.post(url, data)

    username, password = sorted(credentials(first).items())[0]
    assert authenticate(RequestFactory().post("/"), username=username, password=password) is not None
    assert second.status_code == 302
    made_at = ExportRecord.objects.filter(kind=ExportKind.VILLAGE_ACCOUNTS).latest("created_at").created_at
    said = [str(message) for message in get_messages(second.wsgi_request)]
    assert said[0].startswith("Kata sandi baru untuk 202 operator desa dibuat dan ada di file")
    assert said[1:] == [
        f"Kata sandi baru untuk 202 operator desa sudah dibuat oleh klik Anda pada "
        f"{format_datetime(timezone.localtime(made_at, WIB))}, dan file Excel-nya diunduh saat itu: "
        "kata sandi di file itu yang berlaku. Bila file itu tidak ada, muat ulang halaman ini lalu tekan "
        "tombol reset lagi."]
    assert ExportRecord.objects.filter(kind=ExportKind.VILLAGE_ACCOUNTS).count() == 1  # one reset, one file
    assert "no-store" in first["Cache-Control"]


def test_a_new_page_resets_again(client, seluma, regency_admin):
    services.village_officers_create_for_regency(regency=seluma, created_by=regency_admin)
    client.force_login(regency_admin)
    url = reverse("accounts:regency-village-passwords-reset", args=[seluma.pk])
    accounts_page = reverse("accounts:regency-accounts", args=[seluma.pk])

    def shown():
        return {"shown": re.search(r'name="shown" value="([^"]+)"', client.get(accounts_page).content.decode())[1]}

    first, again = credentials(client.post(url, shown())), credentials(client.post(url, shown()))

    assert len(again) == 202 and again != first


@pytest.mark.django_db(transaction=True)
def test_a_double_click_on_the_bulk_reset_resets_once(seluma, regency_admin):
    """Both clicks at once: the second waits for the regency's lock, then finds the first's file."""
    services.village_officers_create_for_regency(regency=seluma, created_by=regency_admin)
    clients = [Client(), Client()]
    for client in clients:
        client.force_login(regency_admin)
    page = clients[0].get(reverse("accounts:regency-accounts", args=[seluma.pk])).content.decode()
    data = {"shown": re.search(r'name="shown" value="([^"]+)"', page).group(1)}
    url = reverse("accounts:regency-village-passwords-reset", args=[seluma.pk])
    answers = at_once(clients, lambda client: client.post(url, data))

    assert sorted(answer.status_code for answer in answers) == [200, 302]
    file = next(answer for answer in answers if answer.status_code == 200)
    username, password = sorted(credentials(file).items())[0]
    assert authenticate(RequestFactory().post("/"), username=username, password=password) is not None
    assert ExportRecord.objects.filter(kind=ExportKind.VILLAGE_ACCOUNTS).count() == 1

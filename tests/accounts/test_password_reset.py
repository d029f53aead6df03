import re
from zoneinfo import ZoneInfo

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.hashers import check_password
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from common.formatting import format_datetime
from common.models import ExportKind, ExportRecord


def _reset_url(regency, user):
    return reverse("accounts:regency-account-password-reset", args=[regency.pk, user.pk])


def failed_logins(username):
    """django-axes' failure counts for the username (one per address and browser)."""
    return list(AccessAttempt.objects.filter(username=username).values_list("failures_since_start", flat=True))


def test_regency_admin_resets_a_village_officers_password_once(login, regency_admin, officer, seluma):
    response = login(regency_admin).post(_reset_url(seluma, officer))

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]  # the page holds a password: nobody may keep a copy
    password = response.context["password"]
    officer.refresh_from_db()
    assert officer.must_change_password is True
    assert authenticate(RequestFactory().post("/"), username=officer.username, password=password) == officer
    assert password not in str(list(User.history.filter(id=officer.pk).values()))


@pytest.mark.parametrize("persona", ["other_admin", "reviewer", "viewer", "neighbour_officer"])
def test_reset_is_not_found_for_anyone_but_the_regency_admin(request, persona, login, officer, seluma):
    response = login(request.getfixturevalue(persona)).post(_reset_url(seluma, officer))

    assert response.status_code == 404
    officer.refresh_from_db()
    assert officer.must_change_password is False


def test_regency_admin_cannot_reset_another_admin_and_nothing_changes(login, regency_admin, seluma):
    """A refused reset must not have half-happened: a reset stores a new initial password, sets
    must_change_password, writes a history row and lifts the django-axes lockout."""
    from accounts.enums import Role
    from accounts.services import user_create

    colleague = user_create(
        username="admin-2", role=Role.REGENCY_ADMIN, regions=[seluma], password="x-Abc12345", must_change_password=False
    )
    stranger, limit = Client(), settings.AXES_FAILURE_LIMIT
    for _ in range(limit):  # that many wrong passwords: admin-2 is locked out
        stranger.post(reverse("accounts:login"), {"username": "admin-2", "password": "salah-salah-1"})
    assert failed_logins("admin-2") == [limit]
    password_hash = colleague.password
    history_rows = User.history.filter(id=colleague.pk).count()

    response = login(regency_admin).post(_reset_url(seluma, colleague))

    assert response.status_code == 404
    assert "password" not in (response.context or {})
    colleague.refresh_from_db()
    assert colleague.password == password_hash
    assert check_password("x-Abc12345", colleague.password)  # the old password still works…
    assert colleague.must_change_password is False  # …and need not be changed at next login
    assert User.history.filter(id=colleague.pk).count() == history_rows
    # Still locked out: even the right password does not log in.
    assert failed_logins("admin-2") == [limit]
    stranger.post(reverse("accounts:login"), {"username": "admin-2", "password": "x-Abc12345"})
    assert "_auth_user_id" not in stranger.session


def test_reset_requires_post(login, regency_admin, officer, seluma):
    assert login(regency_admin).get(_reset_url(seluma, officer)).status_code == 405


# --- Four eyes: office staff's passwords are the system administrator's to reset -------------------

@pytest.mark.parametrize("persona", ["reviewer", "approver"])
def test_regency_admin_cannot_reset_a_reviewers_or_approvers_password(request, persona, login, regency_admin, seluma):
    """One person holding both new passwords could verify and approve alone."""
    account = request.getfixturevalue(persona)
    password_hash = account.password

    response = login(regency_admin).post(_reset_url(seluma, account))

    assert response.status_code == 404
    account.refresh_from_db()
    assert account.password == password_hash and account.password_reset_at is None
    assert not ExportRecord.objects.filter(kind=ExportKind.PASSWORD_RESET).exists()


def test_regency_admin_sees_no_reset_button_for_office_staff(login, regency_admin, reviewer, approver, officer,
                                                              seluma):
    response = login(regency_admin).get(reverse("accounts:regency-accounts", args=[seluma.pk]))

    assert response.context["resettable"] == {officer.pk}
    page = response.content.decode()
    assert _reset_url(seluma, officer) in page
    assert _reset_url(seluma, reviewer) not in page and _reset_url(seluma, approver) not in page
    assert "Reset oleh administrator sistem" in page


@pytest.mark.parametrize("persona", ["reviewer", "approver", "regency_admin"])
def test_system_admin_resets_office_staff_logged_and_not_cached(request, persona, login, sysadmin, seluma):
    account = request.getfixturevalue(persona)

    response = login(sysadmin).post(_reset_url(seluma, account))

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    password = response.context["password"]
    assert authenticate(RequestFactory().post("/"), username=account.username, password=password) == account
    record = ExportRecord.objects.get(kind=ExportKind.PASSWORD_RESET)
    assert (record.requested_by, record.account, record.regency, record.row_count) == (sysadmin, account, seluma, 1)
    assert password not in str(list(ExportRecord.objects.values()))


def test_a_village_officers_reset_is_logged_too(login, regency_admin, officer, seluma):
    login(regency_admin).post(_reset_url(seluma, officer))

    assert list(ExportRecord.objects.filter(kind=ExportKind.PASSWORD_RESET).values_list(
        "requested_by", "account", "regency")) == [(regency_admin.pk, officer.pk, seluma.pk)]


def test_the_export_log_names_whose_password_was_reset(login, sysadmin, regency_admin, reviewer, seluma):
    login(sysadmin).post(_reset_url(seluma, reviewer))

    page = login(regency_admin).get(reverse("reports:export-log", args=[seluma.pk])).content.decode()

    assert "Kata sandi direset: verifikator-seluma (Verifikator dinas)" in page


def test_the_owner_is_told_at_next_login_who_reset_the_password_and_when(client, sysadmin, reviewer, seluma):
    client.force_login(sysadmin)
    password = client.post(_reset_url(seluma, reviewer)).context["password"]
    reset_at = User.objects.get(pk=reviewer.pk).password_reset_at
    client.logout()

    response = client.post(reverse("accounts:login"), {"username": reviewer.username, "password": password},
                           follow=True)

    local = timezone.localtime(reset_at, ZoneInfo("Asia/Jakarta"))
    told = [str(message) for message in response.context["messages"]]
    assert (f"Kata sandi Anda direset oleh sysadmin (Administrator sistem) pada {format_datetime(local)}. "
            "Bila Anda tidak memintanya, laporkan ke administrator sistem.") in told
    assert format_datetime(local).endswith(f" pukul {local:%H.%M} WIB")
    reviewer.refresh_from_db()
    assert (reviewer.password_reset_by, reviewer.password_reset_at) == (None, None)  # told once
    client.logout()
    again = client.post(reverse("accounts:login"), {"username": reviewer.username, "password": password},
                        follow=True)
    assert not any("direset" in str(message) for message in again.context["messages"])


def test_the_bulk_reset_tells_each_officer_at_next_login(client, regency_admin, seluma):
    from accounts.services import village_officers_create_for_regency, village_officers_password_reset_for_regency

    village_officers_create_for_regency(regency=seluma, created_by=regency_admin)
    rows = village_officers_password_reset_for_regency(regency=seluma, reset_by=regency_admin)

    response = client.post(reverse("accounts:login"), {"username": rows[0].username, "password": rows[0].password},
                           follow=True)

    assert any(str(message).startswith("Kata sandi Anda direset oleh Rahmat Hidayat (Admin kabupaten/kota) pada ")
               for message in response.context["messages"])


def _shown(client, regency) -> dict:
    page = client.get(reverse("accounts:regency-accounts", args=[regency.pk])).content.decode()
    return {"shown": re.search(r'name="shown" value="([^"]+)"', page).group(1)}


def test_a_reset_sent_twice_keeps_the_first_password(login, regency_admin, officer, seluma):
    client = login(regency_admin)
    data = _shown(client, seluma)

    first = client.post(_reset_url(seluma, officer), data)
    second = client.post(_reset_url(seluma, officer), data, follow=True)

    password = first.context["password"]
    assert authenticate(RequestFactory().post("/"), username=officer.username, password=password) == officer
    assert second.redirect_chain == [(reverse("accounts:regency-accounts", args=[seluma.pk]), 302)]
    told = [str(message) for message in second.context["messages"]]
    assert len(told) == 1 and told[0].startswith(f"Kata sandi {officer.username} sudah direset oleh klik Anda pada ")
    assert ExportRecord.objects.filter(kind=ExportKind.PASSWORD_RESET).count() == 1


def test_a_password_set_in_the_django_admin_is_a_logged_reset(admin_client, admin_user, reviewer, seluma):
    response = admin_client.post(reverse("admin:auth_user_password_change", args=[reviewer.pk]),
                                 {"password1": "Baru-2026-xyzq", "password2": "Baru-2026-xyzq", "usable_password": "true"})

    assert response.status_code == 302
    reviewer.refresh_from_db()
    assert reviewer.check_password("Baru-2026-xyzq")
    assert (reviewer.must_change_password, reviewer.password_reset_by) == (True, admin_user)
    assert list(ExportRecord.objects.filter(kind=ExportKind.PASSWORD_RESET).values_list(
        "requested_by", "account", "regency")) == [(admin_user.pk, reviewer.pk, seluma.pk)]

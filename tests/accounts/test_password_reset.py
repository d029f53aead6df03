import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.hashers import check_password
from django.test import Client, RequestFactory
from django.urls import reverse

from accounts.models import User


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

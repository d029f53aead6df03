import pytest
from django.contrib.auth import authenticate
from django.test import RequestFactory
from django.urls import reverse

from accounts.models import User


def _reset_url(regency, user):
    return reverse("accounts:regency-account-password-reset", args=[regency.pk, user.pk])


def test_regency_admin_resets_a_village_officers_password_once(login, regency_admin, officer, seluma):
    response = login(regency_admin).post(_reset_url(seluma, officer))

    assert response.status_code == 200
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


def test_regency_admin_cannot_reset_another_admin(login, regency_admin, seluma):
    from accounts.enums import Role
    from accounts.services import user_create

    colleague = user_create(username="admin-2", role=Role.REGENCY_ADMIN, regions=[seluma], password="x-Abc12345")

    assert login(regency_admin).post(_reset_url(seluma, colleague)).status_code == 404


def test_reset_requires_post(login, regency_admin, officer, seluma):
    assert login(regency_admin).get(_reset_url(seluma, officer)).status_code == 405

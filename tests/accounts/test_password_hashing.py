"""Passwords are hashed with Argon2id at OWASP's parameters (accounts.hashers.PortalArgon2Hasher);
a password saved before the change still logs in and is re-hashed with Argon2id on that login."""

import pytest
from django.contrib.auth.hashers import make_password
from django.urls import reverse

from accounts.models import User

PRODUCTION_HASHERS = [
    "accounts.hashers.PortalArgon2Hasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "accounts.hashers.InitialPasswordHasher",
]


@pytest.fixture
def production_hashing(settings):
    # The suite hashes with MD5 for speed (tests/conftest.py); these tests use the real list.
    settings.PASSWORD_HASHERS = PRODUCTION_HASHERS


def test_the_configured_hashers_put_argon2id_first():
    from jamsostek_portal import settings as project

    assert project.PASSWORD_HASHERS[0] == "accounts.hashers.PortalArgon2Hasher"


def test_a_new_password_is_argon2id_at_owasp_parameters(production_hashing):
    encoded = make_password("Sawah-Seluma-2026")

    assert encoded.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")


def test_an_old_pbkdf2_password_still_logs_in_and_is_rehashed(client, production_hashing, regency_admin):
    User.objects.filter(pk=regency_admin.pk).update(
        password=make_password("Sawah-Seluma-2026", hasher="pbkdf2_sha256"), must_change_password=False)

    response = client.post(reverse("accounts:login"), {"username": regency_admin.username,
                                                       "password": "Sawah-Seluma-2026"})

    assert response.status_code == 302
    assert User.objects.get(pk=regency_admin.pk).password.startswith("argon2$argon2id$")

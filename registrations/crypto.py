"""Encryption of personal identifiers (NIK, KK, mother's maiden name) at rest.

A database dump alone must not reveal them (UU 27/2022 PDP). Values are encrypted with Fernet
(AES-128-CBC + HMAC) under PERSONAL_DATA_KEY from the environment; exact search and the
one-active-nomination constraint use a keyed hash (HMAC-SHA256 with a key derived from the same
secret), so equal NIKs give equal hashes without the hash revealing the NIK.
"""

from __future__ import annotations

import hashlib
import hmac
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models


@lru_cache(maxsize=4)
def _fernet(key: str) -> Fernet:
    try:
        return Fernet(key.encode())
    except ValueError as error:
        raise ImproperlyConfigured(
            "PERSONAL_DATA_KEY is not a valid Fernet key (32 url-safe base64-encoded bytes). "
            "Generate one with: python -c \"from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())\""
        ) from error


def encrypt(value: str) -> str:
    return _fernet(settings.PERSONAL_DATA_KEY).encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return _fernet(settings.PERSONAL_DATA_KEY).decrypt(token.encode()).decode()
    except InvalidToken as error:
        raise ImproperlyConfigured(
            "A personal-data field cannot be decrypted: PERSONAL_DATA_KEY differs from the key it was written with."
        ) from error


def keyed_hash(value: str) -> str:
    """Hex HMAC-SHA256 of a normalised identifier: for equality only, never reversible."""
    hash_key = hmac.new(settings.PERSONAL_DATA_KEY.encode(), b"jamsostek-portal identifier hash", hashlib.sha256)
    return hmac.new(hash_key.digest(), value.encode(), hashlib.sha256).hexdigest()


class EncryptedTextField(models.TextField):
    """Stores the Fernet token; Python code sees the plain string. Not searchable: search the hash."""

    def from_db_value(self, value, expression, connection):
        return decrypt(value) if value else value

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        return encrypt(value) if value else value
